package io.nott.conformance;

import io.nott.testsupport.FreePorts;
import io.nott.testsupport.RedisCluster;
import io.nott.unit.codec.Json;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The edge side of the comparison: a real Redis Cluster, the real registry and the real edge,
 * the edge routing every path to the shared origin with its cache off. Units reach the edge only
 * through the registry's API and the edge's own sync, as an operator's do.
 */
final class EdgePlatform implements AutoCloseable {

    private static final Duration APPLIED = Duration.ofSeconds(60);
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private final RedisCluster redis;
    private final JarService registry;
    private final JarService edge;
    private final String token;

    private EdgePlatform(RedisCluster redis, JarService registry, JarService edge, String token) {
        this.redis = redis;
        this.registry = registry;
        this.edge = edge;
        this.token = token;
    }

    static EdgePlatform start(Path root, Path work, int originPort) {
        RedisCluster redis = RedisCluster.start();
        JarService registry = null;
        try {
            String token = UUID.randomUUID().toString().replace("-", "");
            registry = JarService.start(root, "unit-registry", FreePorts.one(),
                    Map.of("QUARKUS_REDIS_HOSTS", redis.hosts(), "REGISTRY_AUTH_EDITOR_TOKENS", "operator:" + token),
                    Map.of(), work.resolve("registry"));
            String origin = "127.0.0.1:" + originPort;
            Map<String, String> properties = new LinkedHashMap<>();
            // Every path goes to the shared origin, uncached: the configured routes keep their
            // prefixes but point there too, so /app or /hls in a case changes nothing.
            properties.put("edge.routes.conformance.prefix", "/");
            properties.put("edge.routes.conformance.upstream", "conformance");
            properties.put("edge.routes.conformance.cache", "false");
            properties.put("edge.upstreams.conformance.servers", origin);
            for (String route : List.of("hls", "api", "app")) {
                properties.put("edge.routes." + route + ".cache", "false");
                properties.put("edge.upstreams." + route + ".servers", origin);
            }
            properties.put("edge.sync.snapshot-file", work.resolve("edge/units-snapshot.json").toString());
            JarService edge = JarService.start(root, "edge-node", FreePorts.one(),
                    Map.of("QUARKUS_REDIS_HOSTS", redis.hosts()), properties, work.resolve("edge"));
            return new EdgePlatform(redis, registry, edge, token);
        } catch (RuntimeException e) {
            if (registry != null) {
                registry.close();
            }
            redis.close();
            throw e;
        }
    }

    int edgePort() {
        return edge.port();
    }

    /** Declares the shared dicts on the registry (the edge applies them with the units). */
    void declareDicts(Map<String, String> dicts) {
        dicts.forEach((name, size) -> {
            HttpResponse<String> r = send(HttpRequest.newBuilder(URI.create(registry.base() + "/api/v1/shared-dicts/" + name))
                    .header("Content-Type", "application/json")
                    .PUT(HttpRequest.BodyPublishers.ofString(Json.write(Map.of("size", size)))));
            if (r.statusCode() != 200 && r.statusCode() != 201) {
                throw new IllegalStateException("the registry refused shared dict " + name + ": " + r.statusCode() + " " + r.body());
            }
        });
    }

    /** Publishes one unit per phase section of the case, scoped to its host, and its init and module units. */
    void publish(ConformanceCase c) {
        if (c.init() != null) {
            // Init units run for no request: no hosts (the registry refuses them), one per case.
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("phase", "init");
            body.put("code", c.init());
            body.put("failure", "closed");
            body.put("budget", Map.of("wallMillis", 1000));
            put(c.key() + "-init", body);
        }
        for (Map.Entry<String, String> module : c.modules().entrySet()) {
            // A module unit is required by its id: the section's name is the id. Like init units,
            // it runs for no request, so it has no hosts.
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("phase", "module");
            body.put("code", module.getValue());
            put(module.getKey(), body);
        }
        int order = 0;
        for (Map.Entry<String, String> phase : c.phases().entrySet()) {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("phase", phase.getKey());
            body.put("code", phase.getValue());
            body.put("hosts", List.of(c.host()));
            // nginx answers 500 when Lua fails in a request phase: the edge's "closed" policy.
            body.put("failure", "closed");
            body.put("order", order++);
            // Generous: a loaded machine must not turn a case into a timeout.
            body.put("budget", Map.of("wallMillis", 1000));
            put(c.key() + "-" + phase.getKey().replace('_', '-'), body);
        }
    }

    private void put(String id, Map<String, Object> body) {
        HttpResponse<String> r = send(HttpRequest.newBuilder(URI.create(registry.base() + "/api/v1/units/" + id))
                .header("Content-Type", "application/json").PUT(HttpRequest.BodyPublishers.ofString(Json.write(body))));
        if (r.statusCode() != 200 && r.statusCode() != 201) {
            throw new UnitRefused(r.statusCode() + " " + r.body());
        }
    }

    long version() {
        HttpResponse<String> r = send(HttpRequest.newBuilder(URI.create(registry.base() + "/api/v1/units")).GET());
        return ((Number) json(r).get("version")).longValue();
    }

    /** Waits until the edge's heartbeat reports {@code version} as applied. */
    void awaitApplied(long version) {
        long deadline = System.nanoTime() + APPLIED.toNanos();
        Object last = null;
        while (System.nanoTime() < deadline) {
            Map<String, Object> fleet = json(send(HttpRequest.newBuilder(URI.create(registry.base() + "/api/v1/edges")).GET()));
            last = fleet;
            @SuppressWarnings("unchecked")
            List<Map<String, Object>> edges = (List<Map<String, Object>>) fleet.get("edges");
            if (edges != null && edges.stream().anyMatch(e -> e.get("appliedVersion") instanceof Number n && n.longValue() >= version)) {
                return;
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        throw new IllegalStateException("the edge did not apply version " + version + " within " + APPLIED + "; fleet: " + last);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> json(HttpResponse<String> r) {
        return (Map<String, Object>) Json.parse(r.body());
    }

    private HttpResponse<String> send(HttpRequest.Builder request) {
        try {
            return HTTP.send(request.header("Authorization", "Bearer " + token).timeout(Duration.ofSeconds(30)).build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new IllegalStateException("the registry did not answer: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        edge.close();
        registry.close();
        redis.close();
    }

    /** The registry refused a case's unit (e.g. its Lua does not compile on the edge). */
    static final class UnitRefused extends RuntimeException {
        UnitRefused(String message) {
            super(message);
        }
    }
}
