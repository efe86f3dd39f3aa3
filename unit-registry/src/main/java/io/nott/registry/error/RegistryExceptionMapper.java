package io.nott.registry.error;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import jakarta.ws.rs.NotAcceptableException;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.NotSupportedException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.util.List;
import java.util.UUID;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/**
 * The one place where errors become responses: the registry's own {@link RegistryException}
 * and everything Quarkus REST and Jackson throw before a resource method runs (unknown path,
 * wrong method, Accept or Content-Type, unreadable JSON), all as an {@link ErrorBody} whose
 * message says what to send instead. Errors outside JAX-RS (an oversized body, an unknown path
 * outside /api) get the same body from {@link HttpErrorRoutes}.
 */
public class RegistryExceptionMapper {

    private static final Logger LOG = Logger.getLogger(RegistryExceptionMapper.class);

    @ServerExceptionMapper
    public Response registry(RegistryException e) {
        if (e.status() >= 500) {
            LOG.warnf("%d: %s%s", e.status(), e.getMessage(),
                    e.getCause() == null ? "" : " (" + e.getCause() + ")");
        }
        Response.ResponseBuilder builder = json(e.status(), e.getMessage(), e.problems());
        if (e.retryAfterSeconds() != null) {
            builder.header("Retry-After", e.retryAfterSeconds());
        }
        if (e.status() == 401) {
            builder.header("WWW-Authenticate", "Bearer realm=\"unit-registry\"");
        }
        return builder.build();
    }

    // Quarkus has a built-in mapper for MismatchedInputException that answers an empty 400;
    // naming the subclass here makes ours the more specific one.
    @ServerExceptionMapper
    public Response mismatchedJson(MismatchedInputException e) {
        return unreadableJson(e);
    }

    @ServerExceptionMapper
    public Response unreadableJson(JsonProcessingException e) {
        Problem problem = JsonProblems.of(e);
        return json(400, problem.message(), List.of(problem)).build();
    }

    @ServerExceptionMapper
    public Response notFound(NotFoundException e, UriInfo uri) {
        return json(404, "No endpoint " + uri.getPath() + "; the API is described at /q/openapi (browse it at "
                + "/q/swagger-ui)", List.of()).build();
    }

    @ServerExceptionMapper
    public Response notAcceptable(NotAcceptableException e) {
        return json(406, "This endpoint answers application/json; send Accept: application/json (or no Accept)",
                List.of()).build();
    }

    @ServerExceptionMapper
    public Response unsupportedType(NotSupportedException e, HttpHeaders headers) {
        MediaType sent = headers.getMediaType();
        return json(415, "This endpoint takes a JSON body; send Content-Type: application/json"
                + (sent == null ? " (none was sent)" : " (not " + sent + ")"), List.of()).build();
    }

    @ServerExceptionMapper
    public Response web(WebApplicationException e) {
        for (Throwable cause = e.getCause(); cause != null; cause = cause.getCause()) {
            if (cause instanceof JsonProcessingException parse) {
                return unreadableJson(parse);
            }
        }
        int status = e.getResponse().getStatus();
        if (status >= 500) {
            return unexpected(e);
        }
        String message = e.getMessage() == null ? Response.Status.fromStatusCode(status).getReasonPhrase() : e.getMessage();
        return json(status, message, List.of()).build();
    }

    /** A bug or an unforeseen failure: logged with an id the answer carries, so the two can be matched. */
    @ServerExceptionMapper
    public Response unexpected(Throwable e) {
        String id = UUID.randomUUID().toString();
        LOG.errorf(e, "Unexpected error %s", id);
        return json(500, "Unexpected error " + id + " (" + e.getClass().getSimpleName() + "); the registry's log has "
                + "the details under that id. Retry; report it if it persists", List.of()).build();
    }

    public static Response.ResponseBuilder json(int status, String message, List<Problem> problems) {
        return Response.status(status).type(MediaType.APPLICATION_JSON_TYPE)
                .entity(new ErrorBody(status, message, problems));
    }
}
