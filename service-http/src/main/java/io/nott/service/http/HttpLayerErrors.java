package io.nott.service.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.Set;
import java.util.UUID;
import java.util.function.BiFunction;
import java.util.stream.Collectors;
import org.jboss.logging.Logger;

/**
 * The services' one error shape for what never reaches JAX-RS: a body over
 * {@code quarkus.http.limits.max-body-size} (Quarkus answers an empty 413 otherwise, whatever the
 * size) and failures of the HTTP layer itself. The registry and the ingest each wire it from a
 * small bean with their own words; the logic lives here once.
 */
public final class HttpLayerErrors {

    private static final Logger LOG = Logger.getLogger(HttpLayerErrors.class);

    /**
     * How a service names itself in the messages.
     *
     * @param self       "this registry", "the ingest"
     * @param logOwner   "the registry's log"
     * @param limitNote  appended after the body-size limit (", and a unit's code at most ..."), or ""
     * @param advice     what to do about a body that is too large ("Send a smaller unit")
     */
    public record Wording(String self, String logOwner, String limitNote, String advice) {
    }

    private final long maxBodyBytes;
    private final Wording wording;
    private final BiFunction<Integer, String, Object> errorBody;
    private final ObjectMapper json;

    /**
     * @param errorBody builds the service's error body (its OpenAPI {@code ErrorBody}) from a status and message
     */
    public HttpLayerErrors(long maxBodyBytes, Wording wording, BiFunction<Integer, String, Object> errorBody,
                           ObjectMapper json) {
        this.maxBodyBytes = maxBodyBytes;
        this.wording = wording;
        this.errorBody = errorBody;
        this.json = json;
    }

    public void install(Router router) {
        // Before Quarkus' own body-size check (order -2), which ends the request with an empty body.
        router.route().order(-3).handler(this::rejectOversizedBody);
        router.route().order(-3).failureHandler(this::failure);
    }

    /**
     * Also answers requests no route matched in the one shape, for a service without JAX-RS (the
     * edge), where Vert.x would answer its HTML "Resource not found" page: 404 for a path nothing serves.
     *
     * @param served what the service does serve, for the message ("It proxies /hls ... and answers /q/health ...")
     */
    public void installNoMatch(Router router, String served) {
        router.errorHandler(404, ctx -> send(ctx, 404, "Nothing on " + wording.self() + " answers "
                + ctx.request().method() + " " + ctx.request().path() + ". " + served));
    }

    /**
     * 405 (with {@code Allow}) in the one shape for a method the paths matching {@code pathRegex}
     * do not take. Quarkus' own endpoints ({@code /q/health}, {@code /q/metrics}, ...) are routes
     * without a method, so they would answer a {@code DELETE} as a {@code GET}, and Vert.x's own
     * 405 could never happen; this route, after the body-size check, makes the methods real.
     *
     * @param allowed the methods those paths take, e.g. GET and HEAD
     */
    public void restrictMethods(Router router, String pathRegex, Set<HttpMethod> allowed) {
        String allow = allowed.stream().map(HttpMethod::name).sorted().collect(Collectors.joining(", "));
        router.routeWithRegex(pathRegex).order(-3).handler(ctx -> {
            if (allowed.contains(ctx.request().method())) {
                ctx.next();
                return;
            }
            ctx.response().putHeader(HttpHeaders.ALLOW, allow);
            send(ctx, 405, "The method " + ctx.request().method() + " is not allowed on " + ctx.request().path()
                    + ": " + wording.self() + " answers it to " + allow + " only. Send one of those");
        });
    }

    private void rejectOversizedBody(RoutingContext ctx) {
        String length = ctx.request().getHeader(HttpHeaders.CONTENT_LENGTH);
        if (length != null && !length.isEmpty() && length.chars().allMatch(Character::isDigit)
                && Long.parseLong(length) > maxBodyBytes) {
            send(ctx, 413, "The body is " + length + " bytes; " + wording.self() + " takes at most " + maxBodyBytes
                    + " bytes (quarkus.http.limits.max-body-size)" + wording.limitNote() + ". " + wording.advice());
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
                    + Character.toLowerCase(wording.advice().charAt(0)) + wording.advice().substring(1));
        } else if (status >= 500) {
            String id = UUID.randomUUID().toString();
            LOG.errorf(ctx.failure(), "Unexpected error %s on %s %s", id, ctx.request().method(), ctx.request().path());
            send(ctx, status, "Unexpected error " + id + "; " + wording.logOwner() + " has the details under that id. "
                    + "Retry; report it if it persists");
        } else {
            send(ctx, status, "The request was refused by the HTTP layer (" + status + ")"
                    + (ctx.failure() == null ? "" : ": " + ctx.failure().getMessage()));
        }
    }

    private void send(RoutingContext ctx, int status, String message) {
        if (ctx.response().ended() || ctx.response().headWritten()) {
            return;
        }
        String body;
        try {
            body = json.writeValueAsString(errorBody.apply(status, message));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        ctx.response().setStatusCode(status).putHeader(HttpHeaders.CONTENT_TYPE, "application/json").end(body);
    }
}
