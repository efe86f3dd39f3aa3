package io.nott.edge.units.sync;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import io.nott.edge.support.EdgeStateResource;
import io.nott.edge.support.OriginResource;
import io.nott.testsupport.InjectRedisCluster;
import io.nott.testsupport.Node;
import io.nott.testsupport.RedisCluster;
import io.nott.testsupport.RedisClusterResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The soak of issue #22 in a short, bounded form: the seed's token check and its per-client
 * Redis counter (log phase) on the live edge at a fixed modest rate over loopback, then: every
 * request counted in Redis or reported to its unit as not counted (nil, err; timeout;
 * breaker_open), no unit Redis command left in flight, no pool queue, and a unit change still
 * applied. The same with the counter's master SIGKILLed halfway (Redis Cluster fails over):
 * nothing wedged afterwards, and what the failover cost beyond the reported calls (writes the
 * dead master acknowledged without replicating) is measured and stays under 5 %. Finally a node that cannot follow an announced version is
 * reported by readiness (DOWN) and in its heartbeat ({@code sync: behind}) and heals.
 *
 * <p>Rate and length: {@code -Dsoak.rate} (requests/s, default 150) and {@code -Dsoak.seconds}
 * (default 10 per run) keep it CI-sized; {@code edge-node/bench/soak.sh} is the long form.
 */
@QuarkusTest
@QuarkusTestResource(value = RedisClusterResource.class, restrictToAnnotatedClass = true)
@QuarkusTestResource(value = OriginResource.class, restrictToAnnotatedClass = true)
@QuarkusTestResource(value = EdgeStateResource.class, restrictToAnnotatedClass = true)
@QuarkusTestResource(value = EdgeSoakIT.ShortLag.class, restrictToAnnotatedClass = true)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class EdgeSoakIT {

    /** A node is {@code behind} after 2 s here (30 s by default), so the test need not wait long. */
    public static class ShortLag implements QuarkusTestResourceLifecycleManager {
        @Override
        public Map<String, String> start() {
            return Map.of("edge.sync.max-lag", "2s");
        }

        @Override
        public void stop() {
        }
    }

    static final int RATE = Integer.getInteger("soak.rate", 150);
    static final int SECONDS = Integer.getInteger("soak.seconds", 10);
    static final String COUNTER_KEY = "ud:soak-127.0.0.1";

    @InjectRedisCluster
    RedisCluster cluster;

    @TestHTTPResource("/hls/colorbar.m3u8?token=token")
    URI stream;

    /** One client address for the whole test (RestAssured's localhost may be ::1, another counter key). */
    private final HttpClient http = HttpClient.newBuilder().executor(Executors.newVirtualThreadPerTaskExecutor()).build();

    private String cli(String key, String... args) {
        return cluster.cli(cluster.masterOf(key), args).trim();
    }

    private long bumpVersion() {
        long version = Long.parseLong(cli("{cu}:version", "INCR", "{cu}:version"));
        cli("{cu}:version", "PUBLISH", "cu:changes", String.valueOf(version));
        return version;
    }

    private void seedUnits() {
        cli("authentication", "SET", "authentication", EdgeUnitsSyncIT.SEED_AUTHENTICATION);
        cli("coding_units", "SADD", "coding_units", "authentication");
        // The seed's counter exactly as the seed stores it: a legacy unit with the default 50 ms
        // wall budget. Waiting for Redis is not charged to that budget (RunnerSettings.maxRedisWait),
        // so a loaded machine's slow answers no longer time the counter out and open its breaker.
        cli("soakcounter", "SET", "soakcounter",
                "log||local r, err = edge_computing.redis_client:incr('soak-' .. ngx.var.remote_addr)");
        cli("coding_units", "SADD", "coding_units", "soakcounter");
        bumpVersion();
        EdgeUnitsSyncIT.await("the seed's units run", () -> given().get("/hls/soak.m3u8").statusCode() == 403);
        assertThat(get()).isEqualTo(200);
        EdgeUnitsSyncIT.await("the warm-up increment landed", () -> !cli(COUNTER_KEY, "GET", COUNTER_KEY).isEmpty());
        awaitQuiet();
        cli(COUNTER_KEY, "DEL", COUNTER_KEY);
    }

    /** Sends {@code RATE} requests per second for {@code SECONDS}; returns [answered 200, other]. */
    private long[] load(Runnable halfway) throws Exception {
        URI uri = loopback();
        AtomicLong ok = new AtomicLong();
        AtomicLong other = new AtomicLong();
        int total = RATE * SECONDS;
        long intervalNanos = TimeUnit.SECONDS.toNanos(1) / RATE;
        List<Future<?>> sent = new ArrayList<>();
        try (ExecutorService senders = Executors.newVirtualThreadPerTaskExecutor()) {
            long start = System.nanoTime();
            for (int i = 0; i < total; i++) {
                long due = start + i * intervalNanos; // a fixed rate, not "as fast as it answers"
                long wait = due - System.nanoTime();
                if (wait > 0) {
                    TimeUnit.NANOSECONDS.sleep(wait);
                }
                if (i == total / 2) {
                    halfway.run();
                }
                sent.add(senders.submit(() -> {
                    HttpResponse<Void> r = http.send(HttpRequest.newBuilder(uri).build(),
                            HttpResponse.BodyHandlers.discarding());
                    (r.statusCode() == 200 ? ok : other).incrementAndGet();
                    return null;
                }));
            }
            for (Future<?> f : sent) {
                f.get(60, TimeUnit.SECONDS);
            }
        }
        return new long[] {ok.get(), other.get()};
    }

    private URI loopback() {
        return URI.create("http://127.0.0.1:" + stream.getPort() + stream.getRawPath() + "?" + stream.getRawQuery());
    }

    private int get() {
        try {
            return http.send(HttpRequest.newBuilder(loopback()).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    private void awaitQuiet() {
        EdgeUnitsSyncIT.await("no units' Redis command left in flight",
                () -> metric(metrics(), "edge_units_redis_in_flight", null) == 0);
    }

    /** The counter unit's log-phase calls so far, whatever their outcome. */
    private double logCalls() {
        return metric(metrics(), "cu_unit_calls_total", "phase=\"log\",unit=\"soakcounter\"");
    }

    /**
     * The log phase runs after the response is out: a client can hold every answer while the last
     * requests' counter calls have not even started (no Redis command in flight either). Waits until
     * each answered request's call ended (counted, or told why not), then until nothing is in flight.
     */
    private void awaitLogPhases(double callsBefore, long answered) {
        EdgeUnitsSyncIT.await("the log phase of all " + answered + " answered requests ran",
                () -> logCalls() >= callsBefore + answered);
        awaitQuiet();
    }

    private static double metric(String metrics, String name, String labelPart) {
        double sum = 0;
        Matcher m = Pattern.compile("^" + Pattern.quote(name) + "(\\{[^}]*\\})? (\\S+)$", Pattern.MULTILINE).matcher(metrics);
        while (m.find()) {
            if (labelPart == null || (m.group(1) != null && m.group(1).contains(labelPart))) {
                sum += Double.parseDouble(m.group(2));
            }
        }
        return sum;
    }

    /** The counter unit's calls that were told they failed: redis_client failures, timeouts, breaker_open. */
    private double[] reported() {
        String m = metrics();
        return new double[] {metric(m, "cu_unit_redis_failures_total", "unit=\"soakcounter\""),
                metric(m, "cu_unit_calls_total", "outcome=\"timeout\",phase=\"log\",unit=\"soakcounter\""),
                metric(m, "cu_unit_calls_total", "outcome=\"breaker_open\",phase=\"log\",unit=\"soakcounter\""),
                metric(m, "cu_unit_calls_total", "outcome=\"overloaded\",phase=\"log\",unit=\"soakcounter\"")};
    }

    private static String figures(long served, long counted, double[] reported) {
        // overloaded (refused by node admission, not run) is shown, not excused: the soak's rate must not need it.
        return String.format("served %d, counted %d, redis_client failures %.0f, unit timeouts %.0f, breaker_open %.0f,"
                + " overloaded %.0f", served, counted, reported[0], reported[1], reported[2], reported[3]);
    }

    private String metrics() {
        return given().get("/q/metrics").body().asString();
    }

    private long counter() {
        String v = cli(COUNTER_KEY, "GET", COUNTER_KEY);
        return v.isEmpty() ? 0 : Long.parseLong(v);
    }

    /** Nothing left in flight, no pool queue, and a unit saved now runs; returns the ms it took. */
    private long assertNothingWedgedAndAChangeApplies(String tag) {
        awaitQuiet();
        assertThat(metric(metrics(), "redis_pool_queue_size", null)).as("Redis pool queues").isZero();
        cli("{cu}:units", "HSET", "{cu}:unit:probe", "id", "probe", "phase", "header_filter", "code",
                "ngx.header['X-Probe'] = '" + tag + "'");
        cli("{cu}:units", "SADD", "{cu}:units", "probe");
        long saved = System.nanoTime();
        bumpVersion();
        EdgeUnitsSyncIT.await("the change " + tag + " is applied",
                () -> tag.equals(given().get("/hls/probe.m3u8?token=token").header("X-Probe")));
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - saved);
    }

    @Test
    @Order(1)
    void everyRequestIsCountedAndNothingWedges() throws Exception {
        seedUnits();
        double calls = logCalls();
        long[] answered = load(() -> { });
        assertThat(answered[1]).as("requests not answered 200").isZero();
        awaitLogPhases(calls, answered[0]);
        double[] reported = reported();
        long counted = counter();
        String figures = figures(answered[0], counted, reported);
        // Every request is counted unless its unit was told why not: a Redis failure (nil, err),
        // its wall budget running out, or its breaker open. How many were told depends on the
        // machine (a loaded CI box misses budgets); that none goes missing silently does not.
        assertThat(counted).as(figures).isLessThanOrEqualTo(answered[0])
                .isGreaterThanOrEqualTo(answered[0] - (long) (reported[0] + reported[1] + reported[2]));
        long applyMillis = assertNothingWedgedAndAChangeApplies("after-soak");
        System.out.printf("soak at %d/s: %s; a change applied %d ms after it was published%n", RATE, figures, applyMillis);
    }

    @Test
    @Order(2)
    void aMasterKilledMidSoakCostsOnlyWhatTheFailoverLoses() throws Exception {
        awaitQuiet();
        cli(COUNTER_KEY, "DEL", COUNTER_KEY);
        double[] before = reported();
        double calls = logCalls();
        Node master = cluster.masterOf(COUNTER_KEY);
        long[] countedAtKill = {0};
        long[] answered;
        try {
            answered = load(() -> {
                countedAtKill[0] = counter();
                cluster.stopNode(master);
            });
            cluster.awaitHealthy();
        } finally {
            cluster.restartNode(master);
            cluster.awaitHealthy();
        }
        assertThat(answered[1]).as("requests not answered 200 (units run in the log phase)").isZero();
        awaitLogPhases(calls, answered[0]);
        long counted = counter();
        double[] after = reported();
        double[] delta = {after[0] - before[0], after[1] - before[1], after[2] - before[2], after[3] - before[3]};
        double failed = delta[0] + delta[1] + delta[2];
        assertThat(get()).isEqualTo(200);
        EdgeUnitsSyncIT.await("increments land again after the failover", () -> counter() > counted);
        long lost = answered[0] - counted;
        // Redis replicates asynchronously: the dead master may have acknowledged increments its
        // replica never saw. Everything else the failover cost was reported to the unit as nil, err.
        long unreported = Math.max(0, lost - (long) failed);
        String figures = figures(answered[0], counted, delta);
        System.out.printf("failover soak: %s; counter at the kill %d; lost without a report (acknowledged by the dead "
                + "master, not replicated) %d%n", figures, countedAtKill[0], unreported);
        assertThat(counted).as(figures).isLessThanOrEqualTo(answered[0]);
        assertThat(unreported).as("increments lost without an error to the unit; " + figures)
                .isLessThanOrEqualTo(answered[0] / 20);
        assertNothingWedgedAndAChangeApplies("after-failover");
    }

    @Test
    @Order(3)
    void aNodeThatCannotFollowAnAnnouncedVersionIsNotReadyAndSaysSo() {
        String stored = cli("{cu}:version", "GET", "{cu}:version");
        String good = stored.isEmpty() ? "0" : stored;
        cli("{cu}:version", "SET", "{cu}:version", "not-a-number");
        cli("{cu}:version", "PUBLISH", "cu:changes", String.valueOf(Long.parseLong(good) + 1));
        try {
            EdgeUnitsSyncIT.await("readiness DOWN while behind", () -> given().get("/q/health/ready").statusCode() == 503);
            given().get("/q/health/ready").then()
                    .body("checks.find { it.name.startsWith('Computing units') }.data.sync", org.hamcrest.Matchers.equalTo("behind"));
            EdgeUnitsSyncIT.await("the heartbeat says behind",
                    () -> cli("{cu}:edges", "GET", "{cu}:edge:" + EdgeStateResource.nodeId()).contains("\"sync\":\"behind\""));
            assertThat(metric(metrics(), "edge_units_sync_failures_total", "cause=\"redis\"")).isPositive();
            given().get("/hls/still-serving.m3u8?token=token").then().statusCode(200);
        } finally {
            cli("{cu}:version", "SET", "{cu}:version", good);
        }
        bumpVersion();
        EdgeUnitsSyncIT.await("readiness UP once it caught up", () -> given().get("/q/health/ready").statusCode() == 200);
        EdgeUnitsSyncIT.await("the heartbeat says in_sync",
                () -> cli("{cu}:edges", "GET", "{cu}:edge:" + EdgeStateResource.nodeId()).contains("\"sync\":\"in_sync\""));
    }
}
