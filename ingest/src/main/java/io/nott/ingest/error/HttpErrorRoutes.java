package io.nott.ingest.error;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.nott.service.http.HttpLayerErrors;
import io.quarkus.runtime.configuration.MemorySize;
import io.vertx.ext.web.Router;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The ingest's words for what never reaches JAX-RS (a body over
 * {@code quarkus.http.limits.max-body-size}, failures of the HTTP layer), answered in the one
 * error shape by service-http's {@link HttpLayerErrors}.
 */
@ApplicationScoped
public class HttpErrorRoutes {

    private final HttpLayerErrors errors;

    public HttpErrorRoutes(@ConfigProperty(name = "quarkus.http.limits.max-body-size") MemorySize maxBody,
            ObjectMapper json) {
        this.errors = new HttpLayerErrors(maxBody.asLongValue(),
                new HttpLayerErrors.Wording("the ingest", "the ingest's log", "", "Its endpoints need no large body"),
                ErrorBody::of, json);
    }

    void install(@Observes Router router) {
        errors.install(router);
    }
}
