package io.nott.registry.error;

import com.fasterxml.jackson.core.JsonProcessingException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.List;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/** The one place where errors become responses. */
public class RegistryExceptionMapper {

    private static final Logger LOG = Logger.getLogger(RegistryExceptionMapper.class);

    @ServerExceptionMapper
    public Response registry(RegistryException e) {
        if (e.status() >= 500) {
            LOG.warnf("%d: %s%s", e.status(), e.getMessage(),
                    e.getCause() == null ? "" : " (" + e.getCause() + ")");
        }
        Response.ResponseBuilder builder = Response.status(e.status())
                .type(MediaType.APPLICATION_JSON)
                .entity(new ErrorBody(e.status(), e.getMessage(), e.problems()));
        if (e.retryAfterSeconds() != null) {
            builder.header("Retry-After", e.retryAfterSeconds());
        }
        if (e.status() == 401) {
            builder.header("WWW-Authenticate", "Bearer realm=\"unit-registry\"");
        }
        return builder.build();
    }

    @ServerExceptionMapper
    public Response unreadableJson(JsonProcessingException e) {
        String message = "The body is not valid JSON for this endpoint: " + e.getOriginalMessage();
        return Response.status(400).type(MediaType.APPLICATION_JSON)
                .entity(new ErrorBody(400, message, List.of(new Problem(null, message)))).build();
    }

    @ServerExceptionMapper
    public Response web(WebApplicationException e) {
        for (Throwable cause = e.getCause(); cause != null; cause = cause.getCause()) {
            if (cause instanceof JsonProcessingException json) {
                return unreadableJson(json);
            }
        }
        int status = e.getResponse().getStatus();
        String message = e.getMessage() == null ? Response.Status.fromStatusCode(status).getReasonPhrase() : e.getMessage();
        return Response.status(status).type(MediaType.APPLICATION_JSON)
                .entity(new ErrorBody(status, message, List.of())).build();
    }
}
