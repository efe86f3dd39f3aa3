package io.nott.registry.error;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.runtime.configuration.MemorySize;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.List;
import java.util.UUID;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * The error body for what never reaches JAX-RS: a body over
 * {@code quarkus.http.limits.max-body-size} (Quarkus answers an empty 413 otherwise, whatever
 * the size) and failures of the HTTP layer itself.
 */
@ApplicationScoped
public class HttpErrorRoutes {

    private static final Logger LOG = Logger.getLogger(HttpErrorRoutes.class);

    private final long maxBodyBytes;
    private final ObjectMapper json;

    public HttpErrorRoutes(@ConfigProperty(name = "quarkus.http.limits.max-body-size") MemorySize maxBody,
            ObjectMapper json) {
        this.maxBodyBytes = maxBody.asLongValue();
        this.json = json;
    }

    void install(@Observes Router router) {
        // Before Quarkus' own body-size check (order -2), which ends the request with an empty body.
        router.route().order(-3).handler(this::rejectOversizedBody);
        router.route().order(-3).failureHandler(this::failure);
    }

    private void rejectOversizedBody(RoutingContext ctx) {
        String length = ctx.request().getHeader(HttpHeaders.CONTENT_LENGTH);
        if (length != null && length.chars().allMatch(Character::isDigit) && !length.isEmpty()
                && Long.parseLong(length) > maxBodyBytes) {
            send(ctx, 413, "The body is " + length + " bytes; this registry takes at most " + maxBodyBytes
                    + " bytes (quarkus.http.limits.max-body-size), and a unit's code at most registry.max-code-bytes. "
                    + "Send a smaller unit");
            return;
        }
        ctx.next();
    }

    private void failure(RoutingContext ctx) {
        if (ctx.response().ended() || ctx.response().headWritten()) {
            return;
        }
        int status = ctx.statusCode() > 0 ? ctx.statusCode() : 500;
        if (status == 413) {
            send(ctx, 413, "The body is larger than " + maxBodyBytes + " bytes (quarkus.http.limits.max-body-size); "
                    + "send a smaller unit");
        } else if (status >= 500) {
            String id = UUID.randomUUID().toString();
            LOG.errorf(ctx.failure(), "Unexpected error %s on %s %s", id, ctx.request().method(), ctx.request().path());
            send(ctx, status, "Unexpected error " + id + "; the registry's log has the details under that id. Retry; "
                    + "report it if it persists");
        } else {
            send(ctx, status, "The request was refused by the HTTP layer (" + status + ")"
                    + (ctx.failure() == null ? "" : ": " + ctx.failure().getMessage()));
        }
    }

    private void send(RoutingContext ctx, int status, String message) {
        String body;
        try {
            body = json.writeValueAsString(new ErrorBody(status, message, List.of()));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        ctx.response().setStatusCode(status).putHeader(HttpHeaders.CONTENT_TYPE, "application/json").end(body);
    }
}
