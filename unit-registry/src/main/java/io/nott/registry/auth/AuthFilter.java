package io.nott.registry.auth;

import io.nott.registry.error.RegistryException;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ResourceInfo;
import jakarta.ws.rs.core.HttpHeaders;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

/**
 * Bearer-token check in front of every REST endpoint ({@code /api/v1/**}). Static UI files,
 * health, metrics and the OpenAPI document are not REST resources and stay open.
 */
public class AuthFilter {

    private static final String BEARER = "bearer ";

    private final TokenStore tokens;
    private final Caller caller;

    public AuthFilter(TokenStore tokens, Caller caller) {
        this.tokens = tokens;
        this.caller = caller;
    }

    @ServerRequestFilter
    public void authenticate(ContainerRequestContext request, ResourceInfo resource) {
        String header = request.getHeaderString(HttpHeaders.AUTHORIZATION);
        if (header == null || header.length() <= BEARER.length()
                || !header.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
            throw new RegistryException(401, "Send a token: Authorization: Bearer <token>");
        }
        TokenStore.Identity identity = tokens.identify(header.substring(BEARER.length()).strip())
                .orElseThrow(() -> new RegistryException(401, "The bearer token is not known to this registry"));
        Role needed = resource.getResourceMethod() != null
                && resource.getResourceMethod().isAnnotationPresent(EditorOnly.class) ? Role.EDITOR : Role.VIEWER;
        if (!identity.role().allows(needed)) {
            throw new RegistryException(403, "This endpoint needs the " + needed.name().toLowerCase()
                    + " role; the token has the " + identity.role().name().toLowerCase() + " role");
        }
        caller.set(identity.actor(), identity.role());
    }
}
