package io.nott.registry.config;

import io.vertx.ext.web.Router;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/** {@code /ui} and {@code /} lead to the UI's index page ({@code /ui/index.html} is a static resource). */
@ApplicationScoped
public class UiRoutes {

    void routes(@Observes Router router) {
        // Vert.x lets "/ui" match "/ui/" too, so compare the exact path or this would loop.
        router.get("/ui").order(-1).handler(rc -> {
            if (rc.normalizedPath().equals("/ui")) {
                rc.redirect("/ui/");
            } else {
                rc.next();
            }
        });
        router.get("/").order(-1).handler(rc -> {
            if (rc.normalizedPath().equals("/")) {
                rc.redirect("/ui/");
            } else {
                rc.next();
            }
        });
    }
}
