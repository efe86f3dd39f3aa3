package io.nott.edge.support;

import io.vertx.ext.web.Router;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/** Keeps the test application's main router, so that a test can list the paths its routes claim. */
@ApplicationScoped
public class RouterRoutes {

    private volatile Router router;

    void capture(@Observes Router router) {
        this.router = router;
    }

    public Router router() {
        return router;
    }
}
