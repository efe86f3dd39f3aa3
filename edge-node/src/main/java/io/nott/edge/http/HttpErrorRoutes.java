package io.nott.edge.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.nott.edge.route.Route;
import io.nott.edge.route.RouteTable;
import io.nott.service.http.HttpLayerErrors;
import io.quarkus.runtime.configuration.MemorySize;
import io.vertx.ext.web.Router;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.stream.Collectors;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The edge's own errors outside its proxied routes in the services' one JSON shape (service-http's
 * {@link HttpLayerErrors}): a path no route proxies and Quarkus does not serve (404), a method a
 * management path does not take (405), a body over {@code quarkus.http.limits.max-body-size} sent
 * to one (413), failures of the HTTP layer (5xx). Vert.x would answer HTML pages for these.
 *
 * <p>Proxied routes are left as they are: there the edge answers as nginx does (a unit's
 * {@code ngx.exit(404)} gets nginx's HTML page, the origin's answers pass unchanged, a unit body
 * over {@code client_max_body_size} gets nginx's 413 page), which the conformance suite holds.
 */
@ApplicationScoped
public class HttpErrorRoutes {

    private final HttpLayerErrors errors;
    private final String served;

    public HttpErrorRoutes(@ConfigProperty(name = "quarkus.http.limits.max-body-size") MemorySize maxBody,
            RouteTable routes) {
        this.errors = new HttpLayerErrors(maxBody.asLongValue(),
                new HttpLayerErrors.Wording("this edge", "the edge's log", "",
                        "Its own endpoints (/q/health, /q/metrics) take no body"),
                ErrorBody::of, new ObjectMapper());
        this.served = "This edge proxies " + routes.routes().stream().map(Route::prefix).collect(Collectors.joining(", "))
                + " (edge.routes.<name>.prefix) and answers GET /q/health, /q/health/live, /q/health/ready and "
                + "/q/metrics itself; check the path and the method";
    }

    void install(@Observes Router router) {
        errors.install(router);
        errors.installNoMatch(router, served);
    }
}
