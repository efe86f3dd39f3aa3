package io.nott.edge.support;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.vertx.core.Vertx;
import java.util.Map;

/**
 * Two real origins for issue #16's use cases on a running edge: {@code primary} is the
 * {@code hls} group's server, {@code backup} the {@code hls-backup} group's and an allow-listed
 * balancer peer of {@code hls}. Each answers {@code <name> <uri> <device class header>}; paths
 * under {@code /hls/ttl/} say {@code Cache-Control: no-cache}, others one minute; the primary
 * answers 503 under {@code /hls/down/}.
 */
public class TwoOriginsResource implements QuarkusTestResourceLifecycleManager {

    private Vertx vertx;
    private static volatile Origin primary;
    private static volatile Origin backup;

    @Override
    public Map<String, String> start() {
        vertx = Vertx.vertx();
        primary = new Origin(vertx).respond(r -> {
            if (r.path().startsWith("/hls/down/")) {
                r.response().setStatusCode(503).end("primary down");
            } else {
                answer("primary", r);
            }
        });
        backup = new Origin(vertx).respond(r -> answer("backup", r));
        return Map.of("edge.upstreams.hls.servers", primary.address(),
                "edge.upstreams.hls.allowed-peers", backup.address(),
                "edge.upstreams.hls.next-upstream", "error,timeout,http_502,http_503,http_504",
                "edge.upstreams.hls-backup.servers", backup.address(),
                "edge.upstreams.app.servers", primary.address(),
                "edge.upstreams.api.servers", primary.address());
    }

    private static void answer(String name, io.vertx.core.http.HttpServerRequest r) {
        r.response().putHeader("Cache-Control", r.path().startsWith("/hls/ttl/") ? "no-cache" : "max-age=60")
                .putHeader("Content-Type", "text/plain")
                .end(name + " " + r.uri() + " " + r.getHeader("X-Device-Class"));
    }

    public static Origin primary() {
        return primary;
    }

    public static Origin backup() {
        return backup;
    }

    @Override
    public void stop() {
        if (primary != null) {
            primary.close();
            backup.close();
        }
        if (vertx != null) {
            vertx.close();
        }
    }
}
