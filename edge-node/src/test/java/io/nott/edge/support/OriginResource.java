package io.nott.edge.support;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.vertx.core.Vertx;
import java.util.Map;

/**
 * A real origin for {@code @QuarkusTest}s: a Vert.x server on a free port, wired in as every
 * upstream group of the default routes. It answers {@code origin <uri>} with a one-minute
 * {@code Cache-Control}, and {@code /hls/set-cookie} with a cookie.
 */
public class OriginResource implements QuarkusTestResourceLifecycleManager {

    private Vertx vertx;
    private Origin origin;
    static volatile Origin current;

    @Override
    public Map<String, String> start() {
        vertx = Vertx.vertx();
        origin = new Origin(vertx).respond(r -> {
            if (r.path().endsWith("/set-cookie")) {
                r.response().putHeader("Set-Cookie", "a=b").end("cookie");
            } else {
                r.response().putHeader("Cache-Control", "max-age=60").putHeader("Content-Type", "text/plain")
                        .end("origin " + r.uri());
            }
        });
        current = origin;
        return Map.of("edge.upstreams.hls.servers", origin.address(),
                "edge.upstreams.app.servers", origin.address(),
                "edge.upstreams.api.servers", origin.address());
    }

    /** The origin of the running test application. */
    public static Origin origin() {
        return current;
    }

    @Override
    public void stop() {
        if (origin != null) {
            origin.close();
        }
        if (vertx != null) {
            vertx.close();
        }
    }
}
