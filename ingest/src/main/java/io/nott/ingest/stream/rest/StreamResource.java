package io.nott.ingest.stream.rest;

import io.nott.ingest.error.IngestException;
import io.nott.ingest.nginx.LogTail;
import io.nott.ingest.nginx.NginxSupervisor;
import io.nott.ingest.stream.LiveStream;
import io.nott.ingest.stream.StreamName;
import io.nott.ingest.stream.client.RtmpControlClient;
import io.nott.ingest.stream.service.StreamService;
import io.nott.ingest.stream.service.TestSourceService;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.List;
import java.util.Map;

/** Live streams, their test sources and their transcoder logs. */
@Path("/api/v1/streams")
@Produces(MediaType.APPLICATION_JSON)
public class StreamResource {

    private final StreamService streams;
    private final TestSourceService testSources;
    private final StreamKeyAuth auth;
    private final NginxSupervisor nginx;
    private final RtmpControlClient control;

    public StreamResource(StreamService streams, TestSourceService testSources, StreamKeyAuth auth,
            NginxSupervisor nginx, RtmpControlClient control) {
        this.control = control;
        this.streams = streams;
        this.testSources = testSources;
        this.auth = auth;
        this.nginx = nginx;
    }

    @GET
    public List<LiveStream> list() {
        return streams.list();
    }

    @GET
    @Path("/{name}")
    public LiveStream get(@PathParam("name") String name) {
        return streams.find(checked(name))
                .orElseThrow(() -> IngestException.notFound("Stream " + name + " is not being published"));
    }

    /** Starts the colour-bar source (the seed's {@code make broadcast_tvshow}) publishing as {@code name}. */
    @POST
    @Path("/{name}/test-source")
    public Response startTestSource(@PathParam("name") String name,
            @HeaderParam(HttpHeaders.AUTHORIZATION) String authorization) {
        auth.require(authorization);
        testSources.start(checked(name));
        return Response.accepted(Map.of("stream", name, "status", "starting",
                "master", streams.masterUrl(name))).build();
    }

    @DELETE
    @Path("/{name}/test-source")
    public Response stopTestSource(@PathParam("name") String name,
            @HeaderParam(HttpHeaders.AUTHORIZATION) String authorization) {
        auth.require(authorization);
        testSources.stop(checked(name));
        return Response.noContent().build();
    }

    /**
     * Stops a stream: its test source, or else its publisher is disconnected (a publisher that
     * reconnects is let in again if it has the key). The transcoder then ends the playlists with
     * {@code #EXT-X-ENDLIST}, so players say the stream has ended.
     */
    @DELETE
    @Path("/{name}")
    public Response stop(@PathParam("name") String name, @HeaderParam(HttpHeaders.AUTHORIZATION) String authorization) {
        auth.require(authorization);
        checked(name);
        if (testSources.streams().contains(name)) {
            testSources.stop(name);
            return Response.noContent().build();
        }
        int dropped;
        try {
            dropped = control.dropPublisher(name);
        } catch (java.io.IOException e) {
            throw IngestException.unavailable("Cannot stop stream " + name + ": " + e.getMessage()
                    + " (is nginx running? see GET /q/health/ready)");
        }
        if (dropped == 0) {
            throw IngestException.notFound("Stream " + name + " is not being published");
        }
        return Response.noContent().build();
    }

    /** The end of the transcoder's log (ffmpeg's warnings and errors). */
    @GET
    @Path("/{name}/transcoder-log")
    @Produces(MediaType.TEXT_PLAIN)
    public String transcoderLog(@PathParam("name") String name, @QueryParam("lines") @DefaultValue("200") int lines,
            @HeaderParam(HttpHeaders.AUTHORIZATION) String authorization) {
        auth.require(authorization);
        if (lines < 1 || lines > 5000) {
            throw IngestException.badRequest("lines must be between 1 and 5000");
        }
        java.nio.file.Path log = nginx.layout().transcoderLog(checked(name));
        if (!java.nio.file.Files.isRegularFile(log)) {
            throw IngestException.notFound("Stream " + name + " has no transcoder log yet");
        }
        return LogTail.read(log, lines);
    }

    private static String checked(String name) {
        if (!StreamName.valid(name)) {
            throw IngestException.badRequest(StreamName.problem(name));
        }
        return name;
    }
}
