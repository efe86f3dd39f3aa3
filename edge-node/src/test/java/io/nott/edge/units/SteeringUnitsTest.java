package io.nott.edge.units;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.nott.edge.cache.CachePolicy;
import io.nott.edge.cache.CacheSettings;
import io.nott.edge.support.Origin;
import io.nott.edge.support.ProxyBed;
import io.nott.edge.units.run.LuaPhasesInterceptor;
import io.nott.edge.units.run.OffLoop;
import io.nott.edge.units.sync.AppliedSnapshot;
import io.nott.edge.units.sync.SnapshotHolder;
import io.nott.edge.upstream.UpstreamSettings;
import io.nott.unit.model.Budget;
import io.nott.unit.model.ComputingUnit;
import io.nott.unit.model.FailurePolicy;
import io.nott.unit.model.Phase;
import io.nott.unit.pipeline.RequestPipeline;
import io.nott.unit.runtime.InMemoryUnitRedisClient;
import io.nott.unit.runtime.PhaseRunner;
import io.nott.unit.runtime.RunnerSettings;
import io.nott.unit.runtime.UnitSnapshot;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.http.HttpResponse;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Issue #16's steering through the real proxy chain (units, cache, upstream groups) in front of
 * real origins: upstream choice, the balancer phase and its allow-list, cache steering, and the
 * README's use-case units as a user pastes them.
 */
class SteeringUnitsTest {

    static Vertx vertx;
    Origin primary;
    Origin backup;
    SnapshotHolder holder;
    OffLoop offLoop;
    ProxyBed bed;
    final List<AutoCloseable> closing = new ArrayList<>();

    @BeforeAll
    static void startVertx() {
        vertx = Vertx.vertx();
    }

    @AfterAll
    static void stopVertx() {
        vertx.close();
    }

    @BeforeEach
    void start() {
        primary = new Origin(vertx).respond(r -> r.response().putHeader("X-Origin", "primary")
                .end("primary " + r.path() + " " + r.getHeader("User-Agent")));
        backup = new Origin(vertx).respond(r -> r.response().putHeader("X-Origin", "backup").end("backup " + r.path()));
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        holder = new SnapshotHolder(registry, Clock.systemUTC());
        offLoop = new OffLoop();
    }

    /** The edge: route /hls → group hls (primary); group hls-backup (backup); further groups as given. */
    private void edge(CachePolicy policy, UpstreamSettings hls, UpstreamSettings... more) {
        PhaseRunner runner = new PhaseRunner(RunnerSettings.DEFAULT, new SimpleMeterRegistry(), Clock.systemUTC(),
                new InMemoryUnitRedisClient());
        LuaPhasesInterceptor lua = new LuaPhasesInterceptor(holder, new RequestPipeline(runner), offLoop, 1 << 20);
        List<UpstreamSettings> groups = new ArrayList<>(List.of(UpstreamSettings.of("hls-backup", List.of(backup.address()))));
        groups.addAll(Arrays.asList(more));
        bed = new ProxyBed(vertx, CacheSettings.defaults(), List.of(new ProxyBed.RouteSpec("hls", "/hls", hls, policy)),
                groups, List.of(lua));
    }

    private void edge(CachePolicy policy) {
        edge(policy, UpstreamSettings.of("hls", List.of(primary.address())));
    }

    @AfterEach
    void stop() throws Exception {
        if (bed != null) {
            bed.close();
        }
        primary.close();
        backup.close();
        offLoop.close();
        for (AutoCloseable c : closing) {
            c.close();
        }
    }

    private void units(ComputingUnit... units) {
        UnitSnapshot snapshot = UnitSnapshot.build(1, Arrays.stream(units)
                .map(u -> u.withBudget(new Budget(1_000_000, 5_000))).toList());
        assertThat(snapshot.errors()).isEmpty();
        holder.swap(new AppliedSnapshot(snapshot, "v1", System.currentTimeMillis(), "test", List.of()));
    }

    private static String cacheStatus(HttpResponse<String> r) {
        return r.headers().firstValue("X-Cache-Status").orElse("-");
    }

    private static final CachePolicy MINUTE = CachePolicy.parse(true, List.of("200=60s"), false);

    // ---- README units (kept here verbatim: the README shows these) ---------------------------

    /** Canary by cookie: viewers with {@code canary=1} go to the group {@code hls-backup}. */
    public static final String CANARY = """
            if ngx.var.cookie_canary == "1" then
              ngx.var.upstream = "hls-backup"
            end
            """;

    /** Failover: the primary's 5xx makes the next attempt go to the backup peer. */
    public static String failover(String primaryPeer, String backupPeer) {
        return """
                if ngx.var.upstream ~= "hls" then return end -- other groups balance as configured
                local balancer = ngx.balancer
                local state, status = balancer.get_last_failure()
                local peer = "%s"
                if state == nil then
                  balancer.set_more_tries(1)
                else
                  ngx.log(ngx.WARN, "primary failed (", state, " ", status, "), trying the backup")
                  peer = "%s"
                end
                local ok, err = balancer.set_current_peer(peer)
                if not ok then
                  ngx.log(ngx.ERR, "failed to set the current peer: ", err)
                  return ngx.exit(500)
                end
                """.formatted(primaryPeer, backupPeer);
    }

    /** Geo/IP redirect: clients in these IPv4 ranges are sent to their region's host. */
    public static String geoRedirect(String cidr, String target) {
        return """
                local ranges = { { "%s", "%s" } }
                local function ip4(a)
                  local o1, o2, o3, o4 = a:match("^(%%d+)%%.(%%d+)%%.(%%d+)%%.(%%d+)$")
                  if not o1 then return nil end
                  return ((o1 * 256 + o2) * 256 + o3) * 256 + o4
                end
                local addr = ip4(ngx.var.remote_addr)
                if not addr then return end
                for _, r in ipairs(ranges) do
                  local net, bits = r[1]:match("^([%%d.]+)/(%%d+)$")
                  local size = 2 ^ (32 - tonumber(bits))
                  if math.floor(addr / size) == math.floor(ip4(net) / size) then
                    return ngx.redirect(r[2] .. ngx.var.request_uri, 302)
                  end
                end
                """.formatted(cidr, target);
    }

    /** Per-device cache key: one entry per User-Agent class, not per User-Agent string. */
    public static final String DEVICE_KEY = """
            local ua = (ngx.var.http_user_agent or ""):lower()
            local class = "desktop"
            if ua:find("mobile", 1, true) or ua:find("android", 1, true) or ua:find("iphone", 1, true) then
              class = "mobile"
            elseif ua:find("smart-tv", 1, true) or ua:find("smarttv", 1, true) then
              class = "tv"
            end
            ngx.req.set_header("X-Device-Class", class)
            ngx.var.cache_key = ngx.var.request_method .. " " .. ngx.var.host .. ngx.var.request_uri .. " " .. class
            """;

    /** Playlists cached 1 s, segments 10 min, whatever the origin says. */
    public static final String HLS_TTL = """
            local uri = ngx.var.uri
            if ngx.status == 200 then
              if uri:sub(-5) == ".m3u8" then
                ngx.header["X-Accel-Expires"] = "1"
              elseif uri:sub(-3) == ".ts" or uri:sub(-4) == ".m4s" then
                ngx.header["X-Accel-Expires"] = "600"
              end
            end
            """;

    // ---- upstream choice ---------------------------------------------------------------------

    @Test
    void aCookieSplitsViewersBetweenTwoGroupsAndTheCacheKeepsTheirAnswersApart() {
        edge(MINUTE);
        units(ComputingUnit.of("canary", Phase.REWRITE, CANARY));

        HttpResponse<String> stable = bed.get("/hls/live.m3u8");
        HttpResponse<String> canary = bed.get("/hls/live.m3u8", "Cookie", "canary=1");
        assertThat(stable.body()).startsWith("primary /hls/live.m3u8");
        assertThat(canary.body()).isEqualTo("backup /hls/live.m3u8");
        assertThat(cacheStatus(stable)).isEqualTo("MISS");
        assertThat(cacheStatus(canary)).isEqualTo("MISS");

        HttpResponse<String> stableAgain = bed.get("/hls/live.m3u8");
        HttpResponse<String> canaryAgain = bed.get("/hls/live.m3u8", "Cookie", "canary=1");
        assertThat(cacheStatus(stableAgain)).isEqualTo("HIT");
        assertThat(stableAgain.body()).startsWith("primary");
        assertThat(cacheStatus(canaryAgain)).isEqualTo("HIT");
        assertThat(canaryAgain.body()).isEqualTo("backup /hls/live.m3u8");
        assertThat(primary.requests()).isEqualTo(1);
        assertThat(backup.requests()).isEqualTo(1);
        assertThat(bed.cache.get("GET 127.0.0.1/hls/live.m3u8 upstream=hls-backup")).isNotNull();
    }

    @Test
    void anUnknownUpstreamIsTheUnitsErrorAndItsFailurePolicyDecides() {
        edge(CachePolicy.DISABLED);
        units(ComputingUnit.of("typo", Phase.ACCESS, "ngx.var.upstream = 'hls-bakup'").withFailure(FailurePolicy.CLOSED));
        HttpResponse<String> closed = bed.get("/hls/live.m3u8");
        assertThat(closed.statusCode()).isEqualTo(500);
        assertThat(primary.requests() + backup.requests()).isZero();

        units(ComputingUnit.of("typo", Phase.ACCESS, "ngx.var.upstream = 'hls-bakup'"));
        HttpResponse<String> open = bed.get("/hls/live.m3u8");
        assertThat(open.statusCode()).isEqualTo(200);
        assertThat(open.body()).startsWith("primary"); // the route's own group
    }

    @Test
    void theChosenGroupKeepsItsRetriesAndPassiveHealth() throws IOException {
        int dead = deadPort();
        Origin second = new Origin(vertx).respond(r -> r.response().end("second"));
        closing.add(second);
        edge(CachePolicy.DISABLED, UpstreamSettings.of("hls", List.of(primary.address())),
                UpstreamSettings.of("pair", List.of("127.0.0.1:" + dead, second.address())));
        units(ComputingUnit.of("pick", Phase.ACCESS, "ngx.var.upstream = 'pair'"));
        for (int i = 0; i < 4; i++) {
            HttpResponse<String> r = bed.get("/hls/x");
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.body()).isEqualTo("second"); // the dead server is retried past, then left out
        }
        assertThat(second.requests()).isEqualTo(4);
        assertThat(primary.requests()).isZero();
    }

    // ---- balancer ----------------------------------------------------------------------------

    @Test
    void aBalancerUnitFailsOverToTheBackupWhenThePrimaryAnswers5xx() {
        primary.respond(r -> r.response().setStatusCode(503).end("primary down"));
        edge(CachePolicy.DISABLED, UpstreamSettings.of("hls", List.of(primary.address()))
                .withAllowedPeers(List.of(backup.address())).withNextUpstream(Set.of(500, 502, 503, 504)));
        units(ComputingUnit.of("failover", Phase.BALANCER, failover(primary.address(), backup.address())));

        HttpResponse<String> r = bed.get("/hls/live.m3u8");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).isEqualTo("backup /hls/live.m3u8");
        assertThat(primary.requests()).isEqualTo(1);
        assertThat(backup.requests()).isEqualTo(1);

        primary.respond(q -> q.response().end("primary back"));
        assertThat(bed.get("/hls/live.m3u8").body()).isEqualTo("primary back");
        assertThat(backup.requests()).isEqualTo(1);
    }

    @Test
    void aPeerThatIsNotAllowListedIsRefusedAndNeverConnectedTo() throws IOException {
        try (ServerSocketChannel trap = ServerSocketChannel.open()) {
            trap.bind(new InetSocketAddress("127.0.0.1", 0));
            trap.configureBlocking(false);
            String trapPeer = "127.0.0.1:" + ((InetSocketAddress) trap.getLocalAddress()).getPort();
            edge(CachePolicy.DISABLED, UpstreamSettings.of("hls", List.of(primary.address()))
                    .withAllowedPeers(List.of(backup.address())));

            // OpenResty's idiom: the unit checks err and ends the request.
            units(ComputingUnit.of("ssrf", Phase.BALANCER, failover(trapPeer, trapPeer)));
            HttpResponse<String> refused = bed.get("/hls/live.m3u8");
            assertThat(refused.statusCode()).isEqualTo(500);

            // A unit that ignores err: the group's own choice, never the refused peer.
            units(ComputingUnit.of("ssrf", Phase.BALANCER, "ngx.balancer.set_current_peer('127.0.0.1', "
                    + trapPeer.substring(trapPeer.indexOf(':') + 1) + ")\nngx.balancer.set_current_peer('169.254.169.254', 80)"));
            HttpResponse<String> ignored = bed.get("/hls/live.m3u8");
            assertThat(ignored.statusCode()).isEqualTo(200);
            assertThat(ignored.body()).startsWith("primary");

            // Units in other phases cannot reach the balancer API at all.
            units(ComputingUnit.of("ssrf", Phase.ACCESS, "ngx.balancer.set_current_peer('" + trapPeer + "')")
                    .withFailure(FailurePolicy.CLOSED));
            assertThat(bed.get("/hls/live.m3u8").statusCode()).isEqualTo(500);

            SocketChannel connection = trap.accept(); // non-blocking: a connection made at any point is queued here
            assertThat(connection).as("the edge connected to a peer that is not allow-listed").isNull();
        }
    }

    @Test
    void aBalancerUnitsTimeoutsApplyToItsAttempt() {
        primary.respond(r -> { }); // never answers
        edge(CachePolicy.DISABLED, UpstreamSettings.of("hls", List.of(primary.address())));
        units(ComputingUnit.of("short", Phase.BALANCER, "assert(ngx.balancer.set_timeouts(nil, nil, 0.3))"));
        HttpResponse<String> r = bed.get("/hls/live.m3u8");
        assertThat(r.statusCode()).isEqualTo(504);
        assertThat(r.body()).contains("did not answer within 300 ms"); // not the group's 30 s
    }

    @Test
    void aBalancerUnitsExitIsNginxsPageNotTheEdgesJsonError() {
        edge(CachePolicy.DISABLED);
        units(ComputingUnit.of("shut", Phase.BALANCER, "return ngx.exit(503)"));
        HttpResponse<String> r = bed.get("/hls/live.m3u8");
        assertThat(r.statusCode()).isEqualTo(503);
        assertThat(r.headers().firstValue("Content-Type")).hasValue("text/html");
        assertThat(r.body()).contains("<title>503 Service Temporarily Unavailable</title>");
        assertThat(primary.requests()).isZero();
    }

    // ---- cache steering ----------------------------------------------------------------------

    @Test
    void cacheBypassSkipsTheLookupButStoresAndNoCacheNeverStores() {
        edge(MINUTE);
        units(ComputingUnit.of("steer", Phase.ACCESS, """
                if ngx.var.arg_fresh then ngx.var.cache_bypass = 1 end
                if ngx.var.arg_private then ngx.var.no_cache = "1" end
                """));
        assertThat(cacheStatus(bed.get("/hls/a.m3u8?private=1"))).isEqualTo("MISS");
        assertThat(cacheStatus(bed.get("/hls/a.m3u8?private=1"))).isEqualTo("MISS"); // never stored
        assertThat(primary.requests()).isEqualTo(2);

        assertThat(cacheStatus(bed.get("/hls/b.m3u8"))).isEqualTo("MISS");
        assertThat(cacheStatus(bed.get("/hls/b.m3u8"))).isEqualTo("HIT");
        primary.respond(r -> r.response().end("newer"));
        HttpResponse<String> bypassed = bed.get("/hls/b.m3u8?fresh=1");
        assertThat(cacheStatus(bypassed)).isEqualTo("BYPASS");
        assertThat(bypassed.body()).isEqualTo("newer");
        // proxy_cache_bypass alone still stores the answer (under the bypassing request's key)
        assertThat(cacheStatus(bed.get("/hls/b.m3u8?fresh=1"))).isEqualTo("BYPASS");
        assertThat(bed.cache.get("GET 127.0.0.1/hls/b.m3u8?fresh=1")).isNotNull();

        units(ComputingUnit.of("steer", Phase.ACCESS, "ngx.var.cache_bypass = 0 ngx.var.no_cache = ''"));
        assertThat(cacheStatus(bed.get("/hls/b.m3u8"))).isEqualTo("HIT"); // "0" and "" are false, as in nginx
    }

    @Test
    void aPerDeviceCacheKeySharesOneEntryPerClass() {
        edge(MINUTE);
        units(ComputingUnit.of("device-key", Phase.REWRITE, DEVICE_KEY));
        HttpResponse<String> iphone = bed.get("/hls/seg1.ts", "User-Agent", "Mozilla/5.0 (iPhone) Mobile Safari");
        HttpResponse<String> android = bed.get("/hls/seg1.ts", "User-Agent", "Mozilla/5.0 (Linux; Android 14) Mobile");
        HttpResponse<String> desktop = bed.get("/hls/seg1.ts", "User-Agent", "Mozilla/5.0 (X11; Linux x86_64) Firefox");
        assertThat(cacheStatus(iphone)).isEqualTo("MISS");
        assertThat(cacheStatus(android)).isEqualTo("HIT");
        assertThat(android.body()).isEqualTo(iphone.body()).contains("iPhone");
        assertThat(cacheStatus(desktop)).isEqualTo("MISS");
        assertThat(desktop.body()).contains("Firefox");
        assertThat(primary.requests()).isEqualTo(2);
        assertThat(bed.cache.get("GET 127.0.0.1/hls/seg1.ts mobile")).isNotNull();
    }

    @Test
    void theOriginsXAccelExpiresWinsOverCacheControlAsInNginx() {
        primary.respond(r -> r.response().putHeader("Cache-Control", "no-cache").putHeader("X-Accel-Expires", "5")
                .end("accel"));
        edge(MINUTE);
        assertThat(cacheStatus(bed.get("/hls/a.m3u8"))).isEqualTo("MISS");
        assertThat(cacheStatus(bed.get("/hls/a.m3u8"))).isEqualTo("HIT");
        bed.clock.advance(Duration.ofSeconds(6));
        assertThat(cacheStatus(bed.get("/hls/a.m3u8"))).isEqualTo("EXPIRED");

        primary.respond(r -> r.response().putHeader("X-Accel-Expires", "0").putHeader("Cache-Control", "max-age=60")
                .end("never"));
        assertThat(cacheStatus(bed.get("/hls/b.m3u8"))).isEqualTo("MISS");
        assertThat(cacheStatus(bed.get("/hls/b.m3u8"))).isEqualTo("MISS"); // 0: not cached, whatever follows
    }

    @Test
    void aHeaderFilterUnitCachesPlaylistsOneSecondAndSegmentsTenMinutes() {
        primary.respond(r -> r.response().putHeader("Cache-Control", "no-cache").end("media " + r.path()));
        edge(CachePolicy.parse(true, List.of(), false)); // nothing cached by the route's own rules
        units(ComputingUnit.of("hls-ttl", Phase.HEADER_FILTER, HLS_TTL));
        assertThat(cacheStatus(bed.get("/hls/live.m3u8"))).isEqualTo("MISS");
        assertThat(cacheStatus(bed.get("/hls/seg1.ts"))).isEqualTo("MISS");
        assertThat(cacheStatus(bed.get("/hls/other.txt"))).isEqualTo("MISS");
        assertThat(cacheStatus(bed.get("/hls/live.m3u8"))).isEqualTo("HIT");
        assertThat(cacheStatus(bed.get("/hls/seg1.ts"))).isEqualTo("HIT");
        assertThat(cacheStatus(bed.get("/hls/other.txt"))).isEqualTo("MISS"); // no TTL from the unit: not stored

        bed.clock.advance(Duration.ofMillis(1500));
        assertThat(cacheStatus(bed.get("/hls/live.m3u8"))).isEqualTo("EXPIRED");
        assertThat(cacheStatus(bed.get("/hls/seg1.ts"))).isEqualTo("HIT");
        bed.clock.advance(Duration.ofSeconds(599));
        assertThat(cacheStatus(bed.get("/hls/seg1.ts"))).isEqualTo("EXPIRED");
    }

    // ---- geo / IP redirect -------------------------------------------------------------------

    @Test
    void clientsInARangeAreRedirectedAndOthersServed() {
        edge(CachePolicy.DISABLED);
        units(ComputingUnit.of("geo", Phase.REWRITE, geoRedirect("127.0.0.0/8", "https://eu.edge.example")));
        HttpResponse<String> sent = bed.get("/hls/live.m3u8?token=t");
        assertThat(sent.statusCode()).isEqualTo(302);
        assertThat(sent.headers().firstValue("Location")).hasValue("https://eu.edge.example/hls/live.m3u8?token=t");
        assertThat(primary.requests()).isZero();

        units(ComputingUnit.of("geo", Phase.REWRITE, geoRedirect("10.0.0.0/8", "https://eu.edge.example")));
        assertThat(bed.get("/hls/live.m3u8").statusCode()).isEqualTo(200);
    }

    private static int deadPort() throws IOException {
        try (ServerSocketChannel s = ServerSocketChannel.open()) {
            s.bind(new InetSocketAddress("127.0.0.1", 0));
            return ((InetSocketAddress) s.getLocalAddress()).getPort();
        }
    }
}
