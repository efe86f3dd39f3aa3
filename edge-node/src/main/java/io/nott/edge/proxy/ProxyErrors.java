package io.nott.edge.proxy;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vertx.core.buffer.Buffer;
import java.util.UUID;
import org.jboss.logging.Logger;

/**
 * Turns failures into responses: the one place where the statuses and bodies of the errors the
 * edge itself answers on its proxied routes are decided. They come in the services' one JSON
 * shape ({@link ErrorBody}), with a message that says what happened and what to do (issue #20).
 * A unit's own answers ({@code ngx.exit(502)}, a balancer unit's exit) are nginx's HTML pages
 * instead, decided in {@code units/run}: the conformance suite compares those with nginx.
 */
public final class ProxyErrors {

    private static final Logger LOG = Logger.getLogger(ProxyErrors.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private ProxyErrors() {
    }

    public static ProxyResponse toResponse(Throwable failure) {
        if (failure instanceof ProxyException e) {
            return error(e.status(), e.status() == 400
                    ? "Bad request: " + e.getMessage() + ". The edge refuses such a path before any unit, cache or "
                            + "origin sees it, as nginx does; fix the path and send the request again"
                    : e.getMessage());
        }
        String id = UUID.randomUUID().toString();
        LOG.errorf(failure, "Unexpected failure %s in the proxy chain", id);
        return error(500, "Unexpected error " + id + " while proxying this request; the edge's log has the details "
                + "under that id. Retry; report it if it persists");
    }

    /** An answer of the edge's own in the one JSON error shape. */
    public static ProxyResponse error(int status, String message) {
        try {
            return ProxyResponse.of(status, "application/json", Buffer.buffer(JSON.writeValueAsBytes(ErrorBody.of(status, message))));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("an ErrorBody is always JSON", e);
        }
    }
}
