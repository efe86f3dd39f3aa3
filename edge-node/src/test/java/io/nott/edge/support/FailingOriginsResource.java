package io.nott.edge.support;

import io.nott.testsupport.FreePorts;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.vertx.core.Vertx;
import java.util.Map;

/**
 * Two more routes for {@code @QuarkusTest}s of the proxy's own errors, each to a real origin that
 * fails: {@code /dead} to a free port nobody listens on (every request is refused: 502), and
 * {@code /slow} to a Vert.x server that accepts and never answers, with a 500 ms read timeout
 * (504). Neither is cached, and each group has one server, so the edge never leaves it out.
 */
public class FailingOriginsResource implements QuarkusTestResourceLifecycleManager {

    private static volatile int deadPort;
    private Vertx vertx;
    private Origin silent;

    @Override
    public Map<String, String> start() {
        vertx = Vertx.vertx();
        silent = new Origin(vertx).respond(r -> { /* never answers: the edge's read timeout ends the request */ });
        deadPort = FreePorts.one();
        return Map.ofEntries(
                Map.entry("edge.routes.dead.prefix", "/dead"), Map.entry("edge.routes.dead.upstream", "dead"),
                Map.entry("edge.routes.dead.cache", "false"),
                Map.entry("edge.upstreams.dead.servers", "127.0.0.1:" + deadPort),
                Map.entry("edge.routes.slow.prefix", "/slow"), Map.entry("edge.routes.slow.upstream", "slow"),
                Map.entry("edge.routes.slow.cache", "false"),
                Map.entry("edge.upstreams.slow.servers", silent.address()),
                Map.entry("edge.upstreams.slow.read-timeout", "500ms"));
    }

    /** The port of the {@code dead} group's only server. */
    public static int deadPort() {
        return deadPort;
    }

    @Override
    public void stop() {
        if (silent != null) {
            silent.close();
        }
        if (vertx != null) {
            vertx.close();
        }
    }
}
