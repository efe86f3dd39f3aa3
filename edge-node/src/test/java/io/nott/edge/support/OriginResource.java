package io.nott.edge.support;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.vertx.core.Vertx;
import java.util.Map;

/**
 * A real origin for {@code @QuarkusTest}s: a Vert.x server on a free port, wired in as every
 * upstream group of the default routes. It answers {@code origin <uri>} with a one-minute
 * {@code Cache-Control}, {@code /hls/set-cookie} with a cookie, and any {@code .../large.ts} with
 * {@link #LARGE_BODY} (large enough for the cache to keep it in a file).
 */
public class OriginResource implements QuarkusTestResourceLifecycleManager {

    /** A segment-sized body: 100 KiB of a repeating line, each line numbered so a misplaced byte shows. */
    public static final String LARGE_BODY = largeBody();

    private Vertx vertx;
    private Origin origin;
    static volatile Origin current;

    @Override
    public Map<String, String> start() {
        vertx = Vertx.vertx();
        origin = new Origin(vertx).respond(r -> {
            if (r.path().endsWith("/set-cookie")) {
                r.response().putHeader("Set-Cookie", "a=b").end("cookie");
            } else if (r.path().endsWith("/large.ts")) {
                r.response().putHeader("Cache-Control", "max-age=60").end(LARGE_BODY);
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

    private static String largeBody() {
        StringBuilder body = new StringBuilder(100 * 1024);
        for (int line = 0; body.length() < 100 * 1024 - 16; line++) {
            body.append(String.format("%015d\n", line));
        }
        return body.toString();
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
