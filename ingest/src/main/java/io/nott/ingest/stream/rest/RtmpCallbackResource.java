package io.nott.ingest.stream.rest;

import io.nott.ingest.error.ErrorBody;
import io.nott.ingest.error.IngestException;
import io.nott.ingest.stream.StreamName;
import io.nott.ingest.stream.client.RtmpControlClient;
import io.nott.ingest.stream.client.RtmpStatClient;
import io.nott.ingest.stream.service.PublishDecision;
import io.nott.ingest.stream.service.PublishService;
import io.vertx.core.http.HttpServerRequest;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.FormParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.logging.Logger;

/**
 * nginx-rtmp's notification callbacks (form-encoded POSTs). A 2xx answer lets the publish go
 * on, anything else makes nginx drop the connection. Only loopback may call these.
 */
@Path("/internal/rtmp")
@Tag(name = "internal", description = "Called by the ingest's own nginx-rtmp, from loopback only")
@Consumes(MediaType.APPLICATION_FORM_URLENCODED)
@Produces(MediaType.TEXT_PLAIN)
public class RtmpCallbackResource {

    private static final Logger LOG = Logger.getLogger(RtmpCallbackResource.class);
    /** How long a transcoder gets to end by itself after its publisher is gone. */
    private static final Duration END_GRACE = Duration.ofMillis(500);

    private final PublishService publishes;
    private final RtmpStatClient stats;
    private final RtmpControlClient control;

    public RtmpCallbackResource(PublishService publishes, RtmpStatClient stats, RtmpControlClient control) {
        this.publishes = publishes;
        this.stats = stats;
        this.control = control;
    }

    @POST
    @Path("/on-publish")
    @Operation(summary = "nginx-rtmp's on_publish callback (loopback only): lets a publisher in when its key is the stream key")
    @APIResponse(responseCode = "200", description = "Allowed", content = @Content(mediaType = MediaType.TEXT_PLAIN, schema = @Schema(implementation = String.class)))
    @APIResponse(responseCode = "403", description = "Wrong key, stream busy, or not called from loopback", content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ErrorBody.class)))
    public Response onPublish(@FormParam("name") String name, @FormParam("key") String key,
            @FormParam("addr") String addr, @FormParam("clientid") String clientId,
            @Context HttpServerRequest request) {
        requireLoopback(request);
        boolean busy = publishes.session(name).isPresent()
                && stats.fetch().flatMap(s -> s.find("encoder", name)).map(s -> s.publishing()).orElse(false);
        return answer(publishes.onPublish(name, key, addr, clientId, busy));
    }

    @POST
    @Path("/on-publish-done")
    @Operation(summary = "nginx-rtmp's on_publish_done callback (loopback only)")
    @APIResponse(responseCode = "200", description = "Noted", content = @Content(mediaType = MediaType.TEXT_PLAIN, schema = @Schema(implementation = String.class)))
    @APIResponse(responseCode = "403", description = "Not called from loopback", content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ErrorBody.class)))
    public Response onPublishDone(@FormParam("name") String name, @FormParam("clientid") String clientId,
            @Context HttpServerRequest request) {
        requireLoopback(request);
        publishes.onPublishDone(name, clientId);
        endTranscoderSoon(name);
        return Response.ok("ok").build();
    }

    /**
     * A publisher that unpublishes tells the transcoder (its input ends, FFmpeg writes
     * #EXT-X-ENDLIST). One that is dropped or vanishes does not: nginx-rtmp keeps the
     * transcoder's play session open and its SIGTERM cannot break FFmpeg's blocked read, so the
     * playlists would stay open forever. Dropping the players of the stream ends that read; it
     * waits a moment (a clean end needs none) and leaves a stream that was published again alone.
     */
    private void endTranscoderSoon(String stream) {
        if (!StreamName.valid(stream)) {
            return;
        }
        CompletableFuture.delayedExecutor(END_GRACE.toMillis(), TimeUnit.MILLISECONDS).execute(() -> {
            if (publishes.session(stream).isPresent()) {
                return;
            }
            try {
                if (control.dropPlayers(stream) > 0) {
                    LOG.infof("Ended the transcoder of stream %s, whose publisher left without unpublishing", stream);
                }
            } catch (IOException e) {
                LOG.warnf("Cannot end the transcoder of stream %s: %s; its playlists stay open until it is killed",
                        stream, e.getMessage());
            }
        });
    }

    private static Response answer(PublishDecision decision) {
        return decision.allowed() ? Response.ok("ok").build()
                : Response.status(Response.Status.FORBIDDEN).type(MediaType.APPLICATION_JSON_TYPE)
                        .entity(ErrorBody.of(403, decision.reason())).build();
    }

    private static void requireLoopback(HttpServerRequest request) {
        String host = request.remoteAddress() == null ? null : request.remoteAddress().host();
        try {
            if (host != null && InetAddress.getByName(host).isLoopbackAddress()) {
                return;
            }
        } catch (UnknownHostException e) {
            // not an address: refused below
        }
        throw IngestException.forbidden("nginx-rtmp callbacks are accepted from loopback only");
    }
}
