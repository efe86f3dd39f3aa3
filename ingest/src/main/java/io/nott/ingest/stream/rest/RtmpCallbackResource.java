package io.nott.ingest.stream.rest;

import io.nott.ingest.error.IngestException;
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
import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * nginx-rtmp's notification callbacks (form-encoded POSTs). A 2xx answer lets the publish go
 * on, anything else makes nginx drop the connection. Only loopback may call these.
 */
@Path("/internal/rtmp")
@Consumes(MediaType.APPLICATION_FORM_URLENCODED)
@Produces(MediaType.TEXT_PLAIN)
public class RtmpCallbackResource {

    private final PublishService publishes;
    private final RtmpStatClient stats;

    public RtmpCallbackResource(PublishService publishes, RtmpStatClient stats) {
        this.publishes = publishes;
        this.stats = stats;
    }

    @POST
    @Path("/on-publish")
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
    public Response onPublishDone(@FormParam("name") String name, @FormParam("clientid") String clientId,
            @Context HttpServerRequest request) {
        requireLoopback(request);
        publishes.onPublishDone(name, clientId);
        return Response.ok("ok").build();
    }

    private static Response answer(PublishDecision decision) {
        return decision.allowed() ? Response.ok("ok").build()
                : Response.status(Response.Status.FORBIDDEN).entity(decision.reason()).build();
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
