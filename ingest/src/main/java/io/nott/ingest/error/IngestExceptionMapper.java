package io.nott.ingest.error;

import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/** The one place an {@link IngestException} becomes an HTTP response. */
public class IngestExceptionMapper {

    @ServerExceptionMapper
    public Response map(IngestException e) {
        return Response.status(e.status())
                .type(MediaType.APPLICATION_JSON_TYPE)
                .entity(new ErrorBody(e.status(), e.getMessage()))
                .build();
    }
}
