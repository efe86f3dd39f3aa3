package io.nott.edge.units.sync;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import io.nott.edge.support.EdgeStateResource;
import io.nott.edge.support.OriginResource;
import io.nott.testsupport.InjectRedisCluster;
import io.nott.testsupport.Poll;
import io.nott.testsupport.RedisCluster;
import io.nott.testsupport.RedisClusterResource;
import io.nott.unit.codec.ChangeNotice;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Incremental sync on a real Redis Cluster (issue #17): a change reads only the units it names
 * (counted by {@code edge_units_sync_fetched_units_total}), missed messages are caught up from
 * the change log, a version the log does not hold (trimmed, or bumped with redis-cli) makes the
 * edge read everything, and the seed's redis-cli format still arrives.
 */
@QuarkusTest
@QuarkusTestResource(value = RedisClusterResource.class, restrictToAnnotatedClass = true)
@QuarkusTestResource(value = OriginResource.class, restrictToAnnotatedClass = true)
@QuarkusTestResource(value = EdgeStateResource.class, restrictToAnnotatedClass = true)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class IncrementalSyncIT {

    private static final int UNITS = 30;

    @InjectRedisCluster
    RedisCluster cluster;

    private String cli(String key, String... args) {
        return cluster.cli(cluster.masterOf(key), args).trim();
    }

    /**
     * Writes units as the registry does (hash, index, then version and change-log entry together,
     * as the registry's transaction does); publishes the notice when asked. With {@code log}
     * false the version moves without a log entry, as if the log had been trimmed past it.
     */
    private long registryWrite(boolean publish, boolean log, String... idsAndHeaders) {
        return registryWrite(publish, log, false, idsAndHeaders);
    }

    /** As above; with {@code all} the notice and the log entry say "*", as a bulk change too large to list does. */
    private long registryWrite(boolean publish, boolean log, boolean all, String... idsAndHeaders) {
        List<String> ids = new java.util.ArrayList<>();
        List<List<String>> units = new java.util.ArrayList<>();
        for (int i = 0; i < idsAndHeaders.length; i += 2) {
            ids.add(idsAndHeaders[i]);
            units.add(List.of(idsAndHeaders[i], idsAndHeaders[i + 1]));
        }
        // One script (one redis-cli process: they are slow on a loaded machine) writes every unit,
        // bumps the version and, when asked, appends the change-log entry, atomically.
        long version = Long.parseLong(cli("{cu}:version", "EVAL", """
                local units = cjson.decode(ARGV[1])
                local ids = {}
                for i, u in ipairs(units) do
                  redis.call('HSET', '{cu}:unit:' .. u[1], 'id', u[1], 'phase', 'header_filter',
                    'code', "ngx.header['X-" .. u[1] .. "'] = '" .. u[2] .. "'", 'hosts', '["' .. u[1] .. '.example"]')
                  redis.call('SADD', KEYS[3], u[1])
                  ids[i] = u[1]
                end
                local v = redis.call('INCR', KEYS[1])
                if ARGV[3] == 'log' then
                  redis.call('XADD', KEYS[2], 'MAXLEN', '~', '1000', '*', 'version', v, 'notice',
                    '{"version":' .. v .. ',"committed_at_ms":' .. ARGV[2] .. ',"units":'
                    .. (ARGV[4] == 'all' and '"*"' or cjson.encode(ids)) .. ',"dicts":false}')
                end
                return v""", "3", "{cu}:version", "{cu}:changelog", "{cu}:units", io.nott.unit.codec.Json.write(units),
                String.valueOf(System.currentTimeMillis()), log ? "log" : "nolog", all ? "all" : "listed"));
        if (publish) {
            ChangeNotice notice = all ? new ChangeNotice(version, System.currentTimeMillis(), java.util.Set.of(), false, true, true)
                    : ChangeNotice.of(version, System.currentTimeMillis(), ids, false);
            cli("{cu}:version", "PUBLISH", "cu:changes", notice.toJson());
        }
        return version;
    }

    private static double metric(String name) {
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(name) + " ([0-9.eE+-]+)$")
                .matcher(given().get("/q/metrics").asString());
        return m.find() ? Double.parseDouble(m.group(1)) : 0;
    }

    /** The version in the readiness data (the only "version" there), read without GPath (slow to compile under load). */
    private static long servedVersion() {
        Matcher m = Pattern.compile("\"version\"\\s*:\\s*(\\d+)").matcher(given().get("/q/health/ready").asString());
        return m.find() ? Long.parseLong(m.group(1)) : -1;
    }

    private static void awaitVersion(long version) {
        // loose: a sync takes well under a second, but this machine was measured at load 40+
        Poll.upTo(Duration.ofSeconds(120), "the edge serves version " + version).until(() -> servedVersion() >= version);
    }

    private static String header(String id) {
        return given().header("Host", id + ".example").get("/hls/x.m3u8").header("X-" + id);
    }

    @Test
    @Order(1)
    void aChangeReadsOnlyTheUnitsItNames() {
        String[] all = new String[UNITS * 2];
        for (int i = 0; i < UNITS; i++) {
            all[2 * i] = "inc" + i;
            all[2 * i + 1] = "one";
        }
        awaitVersion(registryWrite(true, true, all));
        assertThat(header("inc7")).isEqualTo("one");
        double before = metric("edge_units_sync_fetched_units_total");
        double fullBefore = metric("edge_units_sync_full_total{reason=\"gap\"}");
        double buildsBefore = metric("edge_units_sync_stage_seconds_count{stage=\"build\"}");

        awaitVersion(registryWrite(true, true, "inc7", "two"));
        assertThat(header("inc7")).isEqualTo("two");
        assertThat(header("inc8")).isEqualTo("one");
        assertThat(metric("edge_units_sync_fetched_units_total") - before).as("unit hashes read for one change").isEqualTo(1);
        assertThat(metric("edge_units_sync_full_total{reason=\"gap\"}")).isEqualTo(fullBefore);
        // every sync that swaps times its stages (a poll that finds nothing new swaps nothing)
        assertThat(metric("edge_units_sync_stage_seconds_count{stage=\"build\"}")).isEqualTo(buildsBefore + 1);
    }

    @Test
    @Order(2)
    void missedMessagesAreCaughtUpFromTheChangeLog() {
        double before = metric("edge_units_sync_fetched_units_total");
        double fullBefore = metric("edge_units_sync_full_total{reason=\"gap\"}");
        registryWrite(false, true, "inc1", "silent");
        registryWrite(false, true, "inc2", "silent");
        long version = registryWrite(false, true, "inc3", "silent", "inc4", "silent");
        // nothing published: the jittered poll sees the version move and reads the log
        awaitVersion(version);
        assertThat(header("inc1")).isEqualTo("silent");
        assertThat(header("inc4")).isEqualTo("silent");
        assertThat(header("inc5")).isEqualTo("one");
        assertThat(metric("edge_units_sync_fetched_units_total") - before).isEqualTo(4);
        assertThat(metric("edge_units_sync_full_total{reason=\"gap\"}")).isEqualTo(fullBefore);
    }

    @Test
    @Order(3)
    void aVersionTheLogDoesNotHoldMakesTheEdgeReadEverything() {
        double fullBefore = metric("edge_units_sync_full_total{reason=\"gap\"}");
        double before = metric("edge_units_sync_fetched_units_total");
        // as if the log had been trimmed past this node: the entry of the next version is gone
        registryWrite(false, false, "inc9", "trimmed");
        long version = registryWrite(true, true, "inc10", "after");
        awaitVersion(version);
        assertThat(header("inc9")).isEqualTo("trimmed");
        assertThat(header("inc10")).isEqualTo("after");
        assertThat(metric("edge_units_sync_full_total{reason=\"gap\"}")).isEqualTo(fullBefore + 1);
        assertThat(metric("edge_units_sync_fetched_units_total") - before).isGreaterThanOrEqualTo(UNITS);
    }

    @Test
    @Order(4)
    void aVersionBumpedWithRedisCliAndTheSeedFormatStillArrive() {
        double fullBefore = metric("edge_units_sync_full_total{reason=\"gap\"}");
        cli("{cu}:units", "HSET", "{cu}:unit:inc11", "id", "inc11", "phase", "header_filter",
                "code", "ngx.header['X-inc11'] = 'cli'", "hosts", "[\"inc11.example\"]");
        cli("{cu}:units", "SADD", "{cu}:units", "inc11");
        long version = Long.parseLong(cli("{cu}:version", "INCR", "{cu}:version"));
        cli("{cu}:version", "PUBLISH", "cu:changes", String.valueOf(version));
        awaitVersion(version);
        assertThat(header("inc11")).isEqualTo("cli");
        assertThat(metric("edge_units_sync_full_total{reason=\"gap\"}")).isEqualTo(fullBefore + 1);

        cli("legacyinc", "SET", "legacyinc", "header_filter||ngx.header['X-Legacy'] = 'seed'");
        cli("coding_units", "SADD", "coding_units", "legacyinc");
        try {
            Poll.upTo(Duration.ofSeconds(120), "the seed-format unit runs")
                    .until(() -> "seed".equals(given().get("/hls/x.m3u8").header("X-Legacy")));
            assertThat(header("inc11")).isEqualTo("cli");
        } finally {
            cli("coding_units", "SREM", "coding_units", "legacyinc");
            cli("legacyinc", "DEL", "legacyinc");
        }
    }

    @Test
    @Order(5)
    void aBulkChangeTooLargeToListIsReadWholeButIsNoGap() {
        double gapsBefore = metric("edge_units_sync_full_total{reason=\"gap\"}");
        double bulksBefore = metric("edge_units_sync_full_total{reason=\"bulk\"}");
        // the log entry and the push say "*": what the registry writes above 1,000 changed ids
        long version = registryWrite(true, true, true, "inc12", "bulk", "inc13", "bulk");
        awaitVersion(version);
        assertThat(header("inc12")).isEqualTo("bulk");
        assertThat(header("inc13")).isEqualTo("bulk");
        assertThat(header("inc5")).isEqualTo("one");
        assertThat(metric("edge_units_sync_full_total{reason=\"bulk\"}")).isEqualTo(bulksBefore + 1);
        assertThat(metric("edge_units_sync_full_total{reason=\"gap\"}")).isEqualTo(gapsBefore);
    }

    /**
     * Writes raw unit hashes as the registry does (an empty hash deletes the unit), bumps the
     * version with a change-log entry listing them and publishes its notice.
     */
    private long writeHashes(java.util.Map<String, java.util.Map<String, String>> hashes) {
        long version = Long.parseLong(cli("{cu}:version", "EVAL", """
                local units = cjson.decode(ARGV[1])
                local ids = {}
                for id, fields in pairs(units) do
                  redis.call('DEL', '{cu}:unit:' .. id)
                  if next(fields) == nil then
                    redis.call('SREM', KEYS[3], id)
                  else
                    for k, v in pairs(fields) do redis.call('HSET', '{cu}:unit:' .. id, k, v) end
                    redis.call('SADD', KEYS[3], id)
                  end
                  ids[#ids + 1] = id
                end
                local v = redis.call('INCR', KEYS[1])
                redis.call('XADD', KEYS[2], 'MAXLEN', '~', '1000', '*', 'version', v, 'notice',
                  '{"version":' .. v .. ',"committed_at_ms":' .. ARGV[2] .. ',"units":' .. cjson.encode(ids)
                  .. ',"dicts":false}')
                return v""", "3", "{cu}:version", "{cu}:changelog", "{cu}:units", io.nott.unit.codec.Json.write(hashes),
                String.valueOf(System.currentTimeMillis())));
        cli("{cu}:version", "PUBLISH", "cu:changes",
                ChangeNotice.of(version, System.currentTimeMillis(), hashes.keySet(), false).toJson());
        return version;
    }

    private static double fullSyncs() {
        Matcher m = Pattern.compile("(?m)^edge_units_sync_full_total\\{[^}]*} ([0-9.eE+-]+)$")
                .matcher(given().get("/q/metrics").asString());
        double sum = 0;
        while (m.find()) {
            sum += Double.parseDouble(m.group(1));
        }
        return sum;
    }

    private String heartbeat() {
        return cli("{cu}:edges", "GET", "{cu}:edge:" + EdgeStateResource.nodeId());
    }

    @Test
    @Order(6)
    void errorsAndDeletionsArriveByChangeAsWhenEverythingIsRead() {
        double fullBefore = fullSyncs();
        awaitVersion(writeHashes(java.util.Map.of(
                "inc-broken", java.util.Map.of("id", "inc-broken", "phase", "header_filter", "code", "if then end",
                        "hosts", "[\"inc-broken.example\"]"),
                "inc-garbled", java.util.Map.of("id", "inc-garbled", "phase", "no-such-phase", "code", "return"),
                "inc14", java.util.Map.of())));
        assertThat(header("inc14")).as("a deleted unit no longer runs").isNull();
        assertThat(header("inc15")).isEqualTo("one");
        Poll.upTo(Duration.ofSeconds(120), "the heartbeat names the unit that does not compile and the undecodable one")
                .until(() -> heartbeat().contains("inc-broken") && heartbeat().contains("inc-garbled"));

        awaitVersion(writeHashes(java.util.Map.of("inc-broken", java.util.Map.of(), "inc-garbled", java.util.Map.of())));
        Poll.upTo(Duration.ofSeconds(120), "the heartbeat no longer names the deleted units")
                .until(() -> !heartbeat().contains("inc-broken") && !heartbeat().contains("inc-garbled"));
        assertThat(fullSyncs()).as("every change was read by itself").isEqualTo(fullBefore);
    }

    @Test
    @Order(7)
    void aFullReadOfManyBatchesGetsEveryUnit() {
        int many = RedisUnitSource.BATCH * 4 + 7; // five batches, the last one short
        String[] units = new String[many * 2];
        for (int i = 0; i < many; i++) {
            units[2 * i] = "many" + i;
            units[2 * i + 1] = "v" + i;
        }
        double gapsBefore = metric("edge_units_sync_full_total{reason=\"gap\"}");
        // multi-byte text (é, €, an emoji: 2, 3 and 4 bytes, written as Lua escapes so that no
        // locale touches them): the batch reply counts bytes, a reader counting characters would misread it
        cli("{cu}:units", "EVAL", """
                redis.call('HSET', KEYS[1], 'id', 'many-utf8', 'phase', 'header_filter', 'hosts', '["many-utf8.example"]',
                  'code', "-- \\195\\169 \\226\\130\\172 \\240\\159\\152\\128\\nngx.header['X-many-utf8'] = 'read'")
                return redis.call('SADD', KEYS[2], 'many-utf8')""", "2", "{cu}:unit:many-utf8", "{cu}:units");
        // no log entry: the edge cannot tell what changed and reads every hash, batch by batch
        registryWrite(false, false, units);
        awaitVersion(registryWrite(true, true, "inc16", "after-many"));
        assertThat(metric("edge_units_sync_full_total{reason=\"gap\"}")).isEqualTo(gapsBefore + 1);
        for (int i : new int[] {0, RedisUnitSource.BATCH - 1, RedisUnitSource.BATCH, 2 * RedisUnitSource.BATCH + 5, many - 1}) {
            assertThat(header("many" + i)).as("unit many%d", i).isEqualTo("v" + i);
        }
        assertThat(header("many-utf8")).isEqualTo("read");
        assertThat(header("inc16")).isEqualTo("after-many");
        assertThat(header("inc15")).isEqualTo("one");
    }

    /**
     * A push whose notices cover every version after the units served is applied without reading
     * {@code {cu}:version} (the probe): while that key cannot be read at all (it holds no number),
     * a pushed change still arrives. A probe would fail on it, as the polls do meanwhile.
     */
    @Test
    @Order(8)
    void aPushedChangeIsAppliedWithoutReadingTheVersion() {
        long current = Long.parseLong(cli("{cu}:version", "GET", "{cu}:version"));
        awaitVersion(current); // the notice below then covers every version after the one served
        long next = current + 1;
        double before = metric("edge_units_sync_fetched_units_total");
        try {
            // One script: the key turns unreadable and the change is pushed at once, so no poll
            // fails before the push (failed polls in a row make the edge resubscribe).
            cli("{cu}:version", "EVAL", """
                    redis.call('SET', KEYS[1], 'not-a-number')
                    redis.call('HSET', KEYS[2], 'id', 'inc17', 'phase', 'header_filter',
                      'code', "ngx.header['X-inc17'] = 'pushed'", 'hosts', '["inc17.example"]')
                    redis.call('SADD', KEYS[3], 'inc17')
                    return redis.call('PUBLISH', 'cu:changes', ARGV[1])""", "3", "{cu}:version", "{cu}:unit:inc17",
                    "{cu}:units", ChangeNotice.of(next, System.currentTimeMillis(), List.of("inc17"), false).toJson());
            awaitVersion(next);
            assertThat(header("inc17")).isEqualTo("pushed");
            assertThat(metric("edge_units_sync_fetched_units_total") - before).isEqualTo(1);
        } finally {
            cli("{cu}:version", "SET", "{cu}:version", Long.toString(next));
        }
    }
}
