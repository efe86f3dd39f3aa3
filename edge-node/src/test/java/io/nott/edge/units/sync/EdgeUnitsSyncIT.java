package io.nott.edge.units.sync;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import io.nott.edge.support.OriginResource;
import io.nott.testsupport.InjectRedisCluster;
import io.nott.testsupport.Poll;
import io.nott.testsupport.Node;
import io.nott.testsupport.RedisCluster;
import io.nott.testsupport.RedisClusterResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Units reaching a running edge through a real Redis Cluster: the seed's redis-cli flow, the
 * registry's format with push, compile failures, heartbeat and disk snapshot, and a master
 * failover while the edge serves.
 */
@QuarkusTest
@QuarkusTestResource(value = RedisClusterResource.class, restrictToAnnotatedClass = true)
@QuarkusTestResource(value = OriginResource.class, restrictToAnnotatedClass = true)
@QuarkusTestResource(value = io.nott.edge.support.EdgeStateResource.class, restrictToAnnotatedClass = true)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class EdgeUnitsSyncIT {

    /** The seed's "How to use it" unit, with the newlines redis-cli's quoted string turns "\n" into. */
    static final String SEED_AUTHENTICATION = "rewrite||local token = ngx.var.arg_token or ngx.var.cookie_superstition \n"
            + " if token ~= 'token' then \n return ngx.exit(ngx.HTTP_FORBIDDEN) \n else \n"
            + " ngx.header['Set-Cookie'] = {'superstition=token'} \n end";

    @InjectRedisCluster
    RedisCluster cluster;

    private String cli(String key, String... args) {
        return cluster.cli(cluster.masterOf(key), args).trim();
    }

    private long bumpVersion() {
        long version = Long.parseLong(cli("{cu}:version", "INCR", "{cu}:version"));
        cli("{cu}:version", "PUBLISH", "cu:changes", String.valueOf(version));
        return version;
    }

    private long putUnit(String id, String phase, String code) {
        cli("{cu}:units", "HSET", "{cu}:unit:" + id, "id", id, "phase", phase, "code", code, "budget_wall_ms", "2000");
        cli("{cu}:units", "SADD", "{cu}:units", id);
        return bumpVersion();
    }

    private long deleteUnit(String id) {
        cli("{cu}:units", "DEL", "{cu}:unit:" + id);
        cli("{cu}:units", "SREM", "{cu}:units", id);
        return bumpVersion();
    }

    static void await(String what, BooleanSupplier condition) {
        Poll.upTo(Duration.ofSeconds(30), what).until(condition::getAsBoolean);
    }

    @Test
    @Order(1)
    void theSeedsRedisCliFlowProtectsTheStreams() {
        cli("authentication", "SET", "authentication", SEED_AUTHENTICATION);
        cli("coding_units", "SADD", "coding_units", "authentication");
        try {
            await("the legacy unit answers 403", () -> given().get("/hls/colorbar.m3u8").statusCode() == 403);
            Response allowed = given().get("/hls/colorbar.m3u8?token=token");
            assertThat(allowed.statusCode()).isEqualTo(200);
            assertThat(allowed.body().asString()).isEqualTo("origin /hls/colorbar.m3u8?token=token");
            assertThat(allowed.header("Set-Cookie")).isEqualTo("superstition=token");
            assertThat(given().cookie("superstition", "token").get("/hls/colorbar.m3u8").statusCode()).isEqualTo(200);
        } finally {
            cli("coding_units", "SREM", "coding_units", "authentication");
            cli("authentication", "DEL", "authentication");
        }
        await("removing the legacy unit opens the streams again", () -> given().get("/hls/colorbar.m3u8").statusCode() == 200);
    }

    @Test
    @Order(2)
    void aUnitAddedInRedisTakesEffectWithoutRestartAndIsReportedAndSaved() throws Exception {
        long version = putUnit("tagger", "header_filter", "ngx.header['X-Tagged'] = 'yes'");
        await("the pushed unit runs", () -> "yes".equals(given().get("/hls/tagged.m3u8").header("X-Tagged")));
        await("the heartbeat reports version " + version, () -> {
            String beat = cli("{cu}:edges", "GET", "{cu}:edge:" + io.nott.edge.support.EdgeStateResource.nodeId());
            return beat.contains("\"version\":" + version);
        });
        assertThat(cli("{cu}:edges", "ZSCORE", "{cu}:edges", io.nott.edge.support.EdgeStateResource.nodeId())).isNotBlank();
        given().get("/q/health/ready").then().statusCode(200)
                .body("checks.find { it.name.startsWith('Computing units') }.data.version", org.hamcrest.Matchers.equalTo((int) version));
        await("the snapshot is on disk", () -> {
            try {
                return Files.readString(io.nott.edge.support.EdgeStateResource.snapshotFile()).contains("X-Tagged");
            } catch (java.io.IOException e) {
                return false;
            }
        });
        deleteUnit("tagger");
        await("the removed unit stops", () -> given().get("/hls/tagged.m3u8").header("X-Tagged") == null);
    }

    /**
     * Issue #20: the commit time the registry's change notice carries ({@code committed_at_ms})
     * gives one propagation sample when that version is applied; a bare version number (the
     * seed's redis-cli path, an older registry) gives none. The edge's own Redis clients are named
     * meters (no {@code m__*} series).
     */
    @Test
    @Order(3)
    void theNoticesCommitTimeMeasuresPropagationOfThatVersionOnly() {
        double before = propagationSamples();
        cli("{cu}:units", "HSET", "{cu}:unit:timed", "id", "timed", "phase", "log", "code", "local x = 1");
        cli("{cu}:units", "SADD", "{cu}:units", "timed");
        long version = Long.parseLong(cli("{cu}:version", "INCR", "{cu}:version"));
        cli("{cu}:version", "PUBLISH", "cu:changes",
                io.nott.unit.codec.ChangeNotice.of(version, System.currentTimeMillis(), List.of("timed"), false).toJson());
        await("version " + version + " measured", () -> propagationSamples() == before + 1);

        // The registry publishes after its commit: a poll can apply the version first. Its notice,
        // arriving late, still gives the one sample.
        cli("{cu}:units", "HSET", "{cu}:unit:timed", "id", "timed", "phase", "log", "code", "local x = 2");
        long polled = Long.parseLong(cli("{cu}:version", "INCR", "{cu}:version"));
        await("version " + polled + " applied by the poll", () -> servedVersion() == polled);
        cli("{cu}:version", "PUBLISH", "cu:changes",
                io.nott.unit.codec.ChangeNotice.of(polled, System.currentTimeMillis(), List.of("timed"), false).toJson());
        await("the late notice of version " + polled + " measured", () -> propagationSamples() == before + 2);

        long next = deleteUnit("timed"); // published as a bare number, without a commit time
        await("version " + next + " applied", () -> servedVersion() == next);
        assertThat(propagationSamples()).isEqualTo(before + 2);
        assertThat(given().get("/q/metrics").asString()).doesNotContain("\nm__").contains("clientName=\"edge-changes\"");
    }

    private static long servedVersion() {
        return given().get("/q/health/ready").jsonPath().getLong("checks.find { it.name.startsWith('Computing units') }.data.version");
    }

    private static double propagationSamples() {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(?m)^edge_units_propagation_seconds_count (\\S+)")
                .matcher(given().get("/q/metrics").asString());
        return m.find() ? Double.parseDouble(m.group(1)) : 0;
    }

    @Test
    @Order(4)
    void aUnitThatDoesNotCompileIsSkippedWithAnErrorMetricAndTheRestLoad() {
        putUnit("broken", "access", "if then end");
        putUnit("still-works", "header_filter", "ngx.header['X-Still'] = 'here'");
        try {
            await("the good unit runs", () -> "here".equals(given().get("/hls/x.m3u8").header("X-Still")));
            // Counted before the swap, and once: later syncs share its entry and do not count it again.
            assertThat(given().get("/q/metrics").body().asString())
                    .contains("edge_units_compile_errors_total{unit=\"broken\"} 1.0");
            putUnit("another", "header_filter", "ngx.header['X-Another'] = 'yes'");
            await("a later change is in", () -> "yes".equals(given().get("/hls/x.m3u8").header("X-Another")));
            assertThat(given().get("/q/metrics").body().asString())
                    .as("a unit still in error is not counted again by a sync that did not compile it")
                    .contains("edge_units_compile_errors_total{unit=\"broken\"} 1.0");
            await("the heartbeat names the broken unit",
                    () -> cli("{cu}:edges", "GET", "{cu}:edge:" + io.nott.edge.support.EdgeStateResource.nodeId()).contains("broken"));
        } finally {
            deleteUnit("broken");
            deleteUnit("still-works");
            deleteUnit("another");
        }
    }

    @Test
    @Order(5)
    void aMasterFailoverWhileServingFailsNoRequest() throws Exception {
        putUnit("guard", "access", """
                if ngx.var.arg_token ~= 'token' then return ngx.exit(403) end
                local n = edge_computing.redis_client:incr('hits')
                """);
        await("the guard runs", () -> given().get("/hls/f.m3u8").statusCode() == 403);
        AtomicBoolean running = new AtomicBoolean(true);
        AtomicInteger served = new AtomicInteger();
        List<String> failures = java.util.Collections.synchronizedList(new ArrayList<>());
        ExecutorService clients = Executors.newFixedThreadPool(4);
        List<Future<?>> loops = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            int client = i;
            loops.add(clients.submit(() -> {
                while (running.get()) {
                    int status = given().get("/hls/f" + client + ".m3u8?token=token").statusCode();
                    served.incrementAndGet();
                    if (status != 200) {
                        failures.add("status " + status);
                    }
                }
            }));
        }
        Node master = cluster.masterOf("{cu}:version");
        try {
            await("requests flow", () -> served.get() > 50);
            cluster.stopNode(master);
            int before = served.get();
            cluster.awaitHealthy();
            await("requests keep flowing after the failover", () -> served.get() > before + 100);
        } finally {
            running.set(false);
            for (Future<?> loop : loops) {
                loop.get(30, TimeUnit.SECONDS);
            }
            clients.shutdown();
            cluster.restartNode(master);
            cluster.awaitHealthy();
        }
        assertThat(failures).isEmpty();
        // The sync survived the failover: a change made now still arrives.
        long version = deleteUnit("guard");
        await("version " + version + " applied after the failover", () -> given().get("/hls/f.m3u8").statusCode() == 200);
    }

    /**
     * Issue #15's per-unit namespace, against the real cluster: {@code ns-isolated} is listed in
     * {@code edge.units.redis-isolated} (test profile), {@code ns-shared} is not. Each writes a key
     * and reads the other's: neither sees it, and the keys land where the namespaces say.
     */
    @Test
    @Order(6)
    void anIsolatedUnitsKeysAreItsOwn() {
        String read = "local v = r:get('%s') ngx.header['%s'] = v == ngx.null and 'nil' or v";
        putUnit("ns-isolated", "access", "local r = edge_computing.redis_client r:set('secret', 'mine') "
                + read.formatted("shared-key", "X-Isolated-Sees"));
        long version = putUnit("ns-shared", "access", "local r = edge_computing.redis_client r:set('shared-key', 'visible') "
                + read.formatted("secret", "X-Shared-Sees"));
        try {
            await("version " + version + " applied", () -> given().get("/hls/ns.m3u8").header("X-Shared-Sees") != null
                    && given().get("/hls/ns.m3u8").header("X-Isolated-Sees") != null);
            Response r = given().get("/hls/ns.m3u8");
            assertThat(r.header("X-Isolated-Sees")).as("the isolated unit cannot read the shared namespace").isEqualTo("nil");
            assertThat(r.header("X-Shared-Sees")).as("a shared unit cannot read the isolated unit's keys").isEqualTo("nil");
            assertThat(cli("ui:ns-isolated:secret", "GET", "ui:ns-isolated:secret")).isEqualTo("mine");
            assertThat(cli("ud:shared-key", "GET", "ud:shared-key")).isEqualTo("visible");
            assertThat(cli("ud:secret", "EXISTS", "ud:secret")).isEqualTo("0");
        } finally {
            deleteUnit("ns-isolated");
            deleteUnit("ns-shared");
        }
    }

    @Test
    @Order(10)
    void initGlobalsReachUnitsAndAFailingInitKeepsThePreviousSnapshot() {
        putUnit("setup", "init", "edge_tag = 'from-init'");
        putUnit("tag", "header_filter", "ngx.header['X-Init'] = edge_tag");
        try {
            await("the init global reaches the unit", () -> "from-init".equals(given().get("/hls/i.m3u8").header("X-Init")));
            java.util.regex.Pattern failed = java.util.regex.Pattern.compile("edge_units_sync_failures_total\\{cause=\"build\"[^}]*\\} [1-9]");
            putUnit("setup", "init", "error('init broken')");
            await("the failing init is a failed sync", () -> failed.matcher(given().get("/q/metrics").body().asString()).find());
            // nginx would refuse to start; the edge keeps serving the snapshot it had.
            assertThat(given().get("/hls/i.m3u8").header("X-Init")).isEqualTo("from-init");
        } finally {
            deleteUnit("setup");
            deleteUnit("tag");
        }
        await("without the units the header is gone", () -> given().get("/hls/i.m3u8").header("X-Init") == null);
    }

    /** The value of the first /q/metrics sample of {@code name} whose labels contain {@code labels}, or NaN. */
    private static double metric(String name, String labels) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(?m)^" + name + "(\\{[^}]*\\})? (\\S+)$")
                .matcher(given().get("/q/metrics").body().asString());
        while (m.find()) {
            if (m.group(1) == null ? labels.isEmpty() : m.group(1).contains(labels)) {
                return Double.parseDouble(m.group(2));
            }
        }
        return Double.NaN;
    }

    /**
     * Issue #13: the memory of init state and of shared dicts is visible in /q/metrics, and init
     * state is bounded: an init unit that builds more than one call may allocate (the sandbox's
     * max-allocated, 64M) is refused with its name and the reason, and the node keeps serving the
     * snapshot it had, gauges included.
     */
    @Test
    @Order(11)
    void initStateAndSharedDictsAreInTheMetricsAndInitStateIsBounded() {
        cli("{cu}:shared-dicts", "HSET", "{cu}:shared-dicts", "it_hits", String.valueOf(64 * 1024));
        putUnit("state", "init", "state_table = {} for i = 1, 2000 do state_table[i] = 'entry ' .. i end");
        putUnit("count", "header_filter", "ngx.header['X-State'] = #state_table .. ' ' .. ngx.shared.it_hits:incr('n', 1, 0)");
        try {
            await("the init state and the dict reach the unit", () -> {
                String h = given().get("/hls/s.m3u8").header("X-State");
                return h != null && h.startsWith("2000 ");
            });
            await("a request runtime holds a copy of the init state", () -> metric("cu_units_init_runtimes", "") >= 1);
            double state = metric("cu_units_init_state_bytes", "");
            assertThat(state).as("init state bytes").isPositive().isLessThan(64.0 * 1024 * 1024);
            assertThat(metric("cu_shared_dict_capacity_bytes", "dict=\"it_hits\"")).isEqualTo(64.0 * 1024);
            assertThat(metric("cu_shared_dict_used_bytes", "dict=\"it_hits\"")).isPositive().isLessThanOrEqualTo(64.0 * 1024);
            assertThat(metric("cu_shared_dict_keys", "dict=\"it_hits\"")).isEqualTo(1.0);
            assertThat(metric("cu_shared_dict_evictions_total", "dict=\"it_hits\"")).isZero();

            double buildFailures = metric("edge_units_sync_failures_total", "cause=\"build\"");
            long refused = putUnit("hog", "init",
                    "hog = {} for i = 1, 8 do hog[i] = string.rep(tostring(i), 16 * 1024 * 1024 - 1) end");
            await("the oversized init state is a failed sync", () ->
                    metric("edge_units_sync_failures_total", "cause=\"build\"") > (Double.isNaN(buildFailures) ? 0 : buildFailures));
            await("the heartbeat says which init unit and why", () -> {
                String beat = cli("{cu}:edges", "GET", "{cu}:edge:" + io.nott.edge.support.EdgeStateResource.nodeId());
                return beat.contains("version " + refused + " is not served") && beat.contains("hog (error: ")
                        && beat.contains("memory limit exceeded");
            });
            // The previous snapshot still serves, and the gauges still describe it.
            assertThat(given().get("/hls/s.m3u8").header("X-State")).startsWith("2000 ");
            assertThat(metric("cu_units_init_state_bytes", "")).isEqualTo(state);
        } finally {
            deleteUnit("hog");
            deleteUnit("count");
            deleteUnit("state");
            cli("{cu}:shared-dicts", "HDEL", "{cu}:shared-dicts", "it_hits");
            bumpVersion();
        }
        await("without the units the header is gone", () -> given().get("/hls/s.m3u8").header("X-State") == null);
    }
}
