package io.nott.edge.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.nott.edge.proxy.ErrorBody;
import io.nott.edge.route.Route;
import io.nott.edge.route.RouteTable;
import io.nott.service.http.HttpLayerErrors;
import io.quarkus.runtime.configuration.MemorySize;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.Set;
import java.util.stream.Collectors;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The edge's own errors outside its proxied routes in the services' one JSON shape (service-http's
 * {@link HttpLayerErrors}): a path no route proxies and Quarkus does not serve (404), a method its
 * own endpoints do not take (405: they answer GET and HEAD), a body over
 * {@code quarkus.http.limits.max-body-size} sent to one (413), failures of the HTTP layer (5xx).
 * Vert.x would answer HTML pages for these, and any method for the {@code /q} endpoints.
 *
 * <p>On the proxied routes the proxy answers its own errors ({@code ProxyErrors}, the same shape),
 * units answer with nginx's pages and the origin's answers pass unchanged.
 */
@ApplicationScoped
public class HttpErrorRoutes {

    /** The edge's own endpoints (Quarkus' health, metrics, OpenAPI and Swagger UI): read-only. */
    static final String OWN_ENDPOINTS = "/q/(health|metrics|openapi|swagger-ui)(/.*)?";

    private final HttpLayerErrors errors;
    private final String served;

    public HttpErrorRoutes(@ConfigProperty(name = "quarkus.http.limits.max-body-size") MemorySize maxBody,
            RouteTable routes) {
        this.errors = new HttpLayerErrors(maxBody.asLongValue(),
                new HttpLayerErrors.Wording("this edge", "the edge's log", "",
                        "Its own endpoints (/q/health, /q/metrics, /q/openapi) take no body"),
                ErrorBody::of, new ObjectMapper());
        this.served = "This edge proxies " + routes.routes().stream().map(Route::prefix).collect(Collectors.joining(", "))
                + " (edge.routes.<name>.prefix) and answers GET /q/health, /q/health/live, /q/health/ready, "
                + "/q/health/started, /q/metrics, /q/openapi and /q/swagger-ui itself; check the path and the method";
    }

    void install(@Observes Router router) {
        errors.install(router);
        errors.restrictMethods(router, OWN_ENDPOINTS, Set.of(HttpMethod.GET, HttpMethod.HEAD));
        errors.installNoMatch(router, served);
    }
}
