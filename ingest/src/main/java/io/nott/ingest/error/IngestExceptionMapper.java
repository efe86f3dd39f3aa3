package io.nott.ingest.error;

import jakarta.ws.rs.NotAcceptableException;
import jakarta.ws.rs.NotAllowedException;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.NotSupportedException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Request;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.util.UUID;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/**
 * The one place errors become HTTP responses: the ingest's own {@link IngestException} and what
 * Quarkus REST throws before a resource method runs, all as an {@link ErrorBody} that says what
 * to send instead. {@link HttpErrorRoutes} does the same for what never reaches JAX-RS.
 */
public class IngestExceptionMapper {

    private static final Logger LOG = Logger.getLogger(IngestExceptionMapper.class);

    @ServerExceptionMapper
    public Response map(IngestException e) {
        Response.ResponseBuilder builder = json(e.status(), e.getMessage());
        if (e.status() == 401) {
            builder.header("WWW-Authenticate", "Bearer realm=\"ingest\"");
        }
        return builder.build();
    }

    @ServerExceptionMapper
    public Response notFound(NotFoundException e, UriInfo uri) {
        return json(404, "No endpoint " + uri.getPath() + "; the API is described at /q/openapi (browse it at "
                + "/q/swagger-ui)").build();
    }

    @ServerExceptionMapper
    public Response notAllowed(NotAllowedException e, Request request, UriInfo uri) {
        return json(405, request.getMethod() + " is not allowed on " + uri.getPath()
                + "; /q/openapi lists the methods of each path").build();
    }

    @ServerExceptionMapper
    public Response notAcceptable(NotAcceptableException e) {
        return json(406, "This endpoint answers application/json (transcoder-log: text/plain); send a matching "
                + "Accept header or none").build();
    }

    @ServerExceptionMapper
    public Response unsupportedType(NotSupportedException e, HttpHeaders headers, UriInfo uri) {
        String wanted = uri.getPath().startsWith("/internal/rtmp") ? "application/x-www-form-urlencoded (nginx-rtmp's "
                + "callback form)" : "no body";
        MediaType sent = headers.getMediaType();
        return json(415, "This endpoint takes " + wanted + (sent == null ? "" : ", not " + sent)).build();
    }

    @ServerExceptionMapper
    public Response web(WebApplicationException e) {
        int status = e.getResponse().getStatus();
        if (status >= 500) {
            return unexpected(e);
        }
        return json(status, e.getMessage() == null ? Response.Status.fromStatusCode(status).getReasonPhrase()
                : e.getMessage()).build();
    }

    /** A bug or an unforeseen failure: logged with an id the answer carries, so the two can be matched. */
    @ServerExceptionMapper
    public Response unexpected(Throwable e) {
        String id = UUID.randomUUID().toString();
        LOG.errorf(e, "Unexpected error %s", id);
        return json(500, "Unexpected error " + id + " (" + e.getClass().getSimpleName() + "); the ingest's log has "
                + "the details under that id. Retry; report it if it persists").build();
    }

    private static Response.ResponseBuilder json(int status, String message) {
        return Response.status(status).type(MediaType.APPLICATION_JSON_TYPE).entity(ErrorBody.of(status, message));
    }
}
