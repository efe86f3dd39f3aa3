package io.nott.ingest.stream.rest;

import io.nott.ingest.error.ErrorBody;
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
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** Live streams, their test sources and their transcoder logs. */
@Path("/api/v1/streams")
@Tag(name = "streams")
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
    @Operation(summary = "The streams being published: state, renditions, segment age, publisher, URLs")
    @APIResponse(responseCode = "200", description = "Every live stream", content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = LiveStream.class, type = SchemaType.ARRAY)))
    public List<LiveStream> list() {
        return streams.list();
    }

    @GET
    @Path("/{name}")
    @Operation(summary = "One live stream")
    @APIResponse(responseCode = "200", description = "The stream", content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = LiveStream.class)))
    @APIResponse(responseCode = "400", description = "The stream name is not letters, digits and '-'", content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ErrorBody.class)))
    @APIResponse(responseCode = "404", description = "No stream of that name is being published", content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ErrorBody.class)))
    public LiveStream get(@PathParam("name") String name) {
        return streams.find(checked(name))
                .orElseThrow(() -> IngestException.notFound("Stream " + name + " is not being published"));
    }

    /** Starts the colour-bar source (the seed's {@code make broadcast_tvshow}) publishing as {@code name}. */
    @POST
    @Path("/{name}/test-source")
    @Operation(summary = "Start the colour-bar test source publishing as this stream (needs the stream key)")
    @APIResponse(responseCode = "202", description = "Starting; the playlist appears at master within seconds", content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = TestSourceStarted.class)))
    @APIResponse(responseCode = "400", description = "The stream name is not letters, digits and '-'", content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ErrorBody.class)))
    @APIResponse(responseCode = "401", description = "No stream key: send Authorization: Bearer <stream key>", content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ErrorBody.class)))
    @APIResponse(responseCode = "403", description = "The bearer token is not this ingest's stream key", content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ErrorBody.class)))
    @APIResponse(responseCode = "409", description = "The test source already runs, or a publisher has this stream", content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ErrorBody.class)))
    public Response startTestSource(@PathParam("name") String name,
            @HeaderParam(HttpHeaders.AUTHORIZATION) String authorization) {
        auth.require(authorization);
        testSources.start(checked(name));
        return Response.accepted(new TestSourceStarted(name, "starting", streams.masterUrl(name))).build();
    }

    @DELETE
    @Path("/{name}/test-source")
    @Operation(summary = "Stop the test source of this stream (needs the stream key)")
    @APIResponse(responseCode = "204", description = "Stopped")
    @APIResponse(responseCode = "400", description = "The stream name is not letters, digits and '-'", content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ErrorBody.class)))
    @APIResponse(responseCode = "401", description = "No stream key: send Authorization: Bearer <stream key>", content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ErrorBody.class)))
    @APIResponse(responseCode = "403", description = "The bearer token is not this ingest's stream key", content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ErrorBody.class)))
    @APIResponse(responseCode = "404", description = "No test source runs for this stream", content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ErrorBody.class)))
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
    @Operation(summary = "Stop a stream: its test source, or else drop its publisher (needs the stream key); players then see the end")
    @APIResponse(responseCode = "204", description = "Stopped")
    @APIResponse(responseCode = "400", description = "The stream name is not letters, digits and '-'", content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ErrorBody.class)))
    @APIResponse(responseCode = "401", description = "No stream key: send Authorization: Bearer <stream key>", content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ErrorBody.class)))
    @APIResponse(responseCode = "403", description = "The bearer token is not this ingest's stream key", content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ErrorBody.class)))
    @APIResponse(responseCode = "404", description = "The stream is not being published", content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ErrorBody.class)))
    @APIResponse(responseCode = "503", description = "nginx does not answer; see GET /q/health/ready", content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ErrorBody.class)))
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
    @Operation(summary = "The end of the stream's transcoder log (FFmpeg's warnings and errors; needs the stream key)")
    @APIResponse(responseCode = "200", description = "The last lines", content = @Content(mediaType = MediaType.TEXT_PLAIN, schema = @Schema(implementation = String.class)))
    @APIResponse(responseCode = "400", description = "lines is not 1-5000, or the name is invalid", content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ErrorBody.class)))
    @APIResponse(responseCode = "401", description = "No stream key: send Authorization: Bearer <stream key>", content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ErrorBody.class)))
    @APIResponse(responseCode = "403", description = "The bearer token is not this ingest's stream key", content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ErrorBody.class)))
    @APIResponse(responseCode = "404", description = "The stream has no transcoder log yet", content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ErrorBody.class)))
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
