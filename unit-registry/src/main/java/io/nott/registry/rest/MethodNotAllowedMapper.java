package io.nott.registry.rest;

import io.nott.registry.error.RegistryExceptionMapper;
import jakarta.ws.rs.NotAllowedException;
import jakarta.ws.rs.core.Request;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.util.List;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/**
 * 405 in the registry's error body, naming the methods that the path does offer. Kept apart from
 * {@link RegistryExceptionMapper} because it reads the resources, which themselves use the error package.
 */
public class MethodNotAllowedMapper {

    @ServerExceptionMapper
    public Response notAllowed(NotAllowedException e, Request request, UriInfo uri) {
        String allowed = String.join(", ", AllowedMethods.on(uri.getPath()));
        Response.ResponseBuilder builder = RegistryExceptionMapper.json(405, request.getMethod() + " is not allowed on "
                + uri.getPath() + (allowed.isEmpty() ? "; see /q/openapi" : "; use " + allowed), List.of());
        if (!allowed.isEmpty()) {
            builder.header("Allow", allowed);
        }
        return builder.build();
    }
}
