package io.nott.registry.error;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.nott.service.http.HttpLayerErrors;
import io.quarkus.runtime.configuration.MemorySize;
import io.vertx.ext.web.Router;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.List;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The registry's words for what never reaches JAX-RS (a body over
 * {@code quarkus.http.limits.max-body-size}, failures of the HTTP layer), answered in the one
 * error shape by service-http's {@link HttpLayerErrors}.
 */
@ApplicationScoped
public class HttpErrorRoutes {

    private final HttpLayerErrors errors;

    public HttpErrorRoutes(@ConfigProperty(name = "quarkus.http.limits.max-body-size") MemorySize maxBody,
            ObjectMapper json) {
        this.errors = new HttpLayerErrors(maxBody.asLongValue(),
                new HttpLayerErrors.Wording("this registry", "the registry's log",
                        ", and a unit's code at most registry.max-code-bytes", "Send a smaller unit"),
                (status, message) -> new ErrorBody(status, message, List.of()), json);
    }

    void install(@Observes Router router) {
        errors.install(router);
    }
}
