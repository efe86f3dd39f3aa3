package io.nott.edge.units;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.nott.edge.cache.CachePolicy;
import io.nott.edge.cache.CacheSettings;
import io.nott.edge.support.NginxProcess;
import io.nott.edge.support.Origin;
import io.nott.edge.support.ProxyBed;
import io.nott.edge.support.RawHttp;
import io.nott.edge.units.run.LuaPhasesInterceptor;
import io.nott.edge.units.run.OffLoop;
import io.nott.edge.units.sync.AppliedSnapshot;
import io.nott.edge.units.sync.SnapshotHolder;
import io.nott.edge.upstream.UpstreamSettings;
import io.nott.unit.model.Budget;
import io.nott.unit.model.ComputingUnit;
import io.nott.unit.model.Phase;
import io.nott.unit.pipeline.RequestPipeline;
import io.nott.unit.runtime.InMemoryUnitRedisClient;
import io.nott.unit.runtime.PhaseRunner;
import io.nott.unit.runtime.RunnerSettings;
import io.nott.unit.runtime.UnitSnapshot;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Units' {@code paths} against real nginx {@code location} blocks (issue #16): the same set of
 * locations written once as nginx {@code location} blocks that each answer their own name, and once
 * as content units, one per location, each answering its name; the same raw requests (exact,
 * prefix, {@code ^~}, regex, case-insensitive regex, overlapping prefixes, URIs that only match
 * once normalised) to both; the same location chosen, or none on both sides.
 */
class LocationMatchingIT {

    /**
     * nginx refuses duplicate locations, so each spec appears once. There is no {@code /} prefix
     * on purpose: a URI outside every location is a case too (nginx answers 404, the edge's units
     * let it through to the origin, which answers {@code none}).
     */
    static final List<String> LOCATIONS = List.of(
            "= /", "= /exact", "/exact/longer", "/documents/", "/documents/old/", "= /documents/",
            "^~ /images/", "^~ /images/big/", "~* \\.(gif|jpg|jpeg)$", "~ ^/documents/old/.*\\.txt$",
            "~ /CaseSensitive", "/hls/", "~ \\.m3u8$", "^~ /hls/static/", "/api/", "~ ^/api/v[0-9]+/",
            "~* ^/shout/", "/shout/quiet/", "/a", "/ab", "~ ^/abc");

    /** Paths chosen to sit on every boundary of the set above. */
    static final List<String> BASES = List.of(
            "/", "/exact", "/exact/", "/exact/longer", "/exact/longerx", "/exactx", "/documents", "/documents/",
            "/documents/a", "/documents/old/", "/documents/old/a.txt", "/documents/old/a.TXT", "/documents/old/b.gif",
            "/documents/a.JPEG", "/images/", "/images/a.gif", "/images/big/a.jpg", "/IMAGES/a.gif", "/hls/",
            "/hls/live.m3u8", "/hls/LIVE.M3U8", "/hls/static/live.m3u8", "/hls/static/a.ts", "/hls/a.ts",
            "/api/", "/api/v1/x", "/api/vx/x", "/api/v2", "/x/CaseSensitive/y", "/x/casesensitive", "/other.jpeg",
            "/nothing", "/SHOUT/x", "/shout/quiet/x", "/Shout/quiet/x", "/a", "/ab", "/abc", "/abcd", "/b",
            "/m3u8", "/x.m3u8x", "/documents/old/../a.gif");

    /**
     * An nginx config of several location blocks with their {@code *_by_lua_block} handlers; the
     * test turns each handler into a unit with the block's location as its one path.
     */
    static final List<Block> BLOCKS = List.of(
            new Block("/hls/", Map.of(
                    Phase.ACCESS, "ngx.header['X-Access'] = 'hls'",
                    Phase.CONTENT, "ngx.say('hls ', ngx.var.uri)",
                    Phase.HEADER_FILTER, "ngx.header['X-Filter'] = 'hls'")),
            new Block("~* \\.m3u8$", Map.of(
                    Phase.REWRITE, "ngx.header['X-Rewrite'] = 'm3u8'",
                    Phase.CONTENT, "ngx.say('m3u8 ', ngx.var.uri, ' ', tostring(ngx.header['X-Access']))")),
            new Block("= /exact", Map.of(
                    Phase.CONTENT, "ngx.say('exact')",
                    Phase.HEADER_FILTER, "ngx.header['X-Filter'] = 'exact'")),
            new Block("^~ /static/", Map.of(
                    Phase.ACCESS, "if ngx.var.arg_deny then return ngx.exit(403) end",
                    Phase.CONTENT, "ngx.say('static ', ngx.var.uri)")),
            new Block("/jump/", Map.of(
                    Phase.REWRITE, "ngx.req.set_uri('/hls/' .. ngx.var.uri:sub(7), true)",
                    Phase.CONTENT, "ngx.say('jump never answers')")),
            new Block("/quiet/", Map.of(
                    Phase.REWRITE, "ngx.req.set_uri('/hls/moved.m3u8')",
                    Phase.CONTENT, "ngx.say('quiet ', ngx.var.uri)")));

    /** One location block: its spec and its Lua handler per phase. */
    record Block(String location, Map<Phase, String> handlers) {
    }

    static Vertx vertx;
    static NginxProcess nginx;
    static NginxProcess luaNginx;
    static Origin origin;
    static ProxyBed edge;
    static OffLoop offLoop;
    static SimpleMeterRegistry meters;
    static SnapshotHolder holder;

    @BeforeAll
    static void start(@TempDir Path tmp) throws Exception {
        vertx = Vertx.vertx();
        StringBuilder server = new StringBuilder("server { listen 127.0.0.1:%PORT%; merge_slashes on;\n");
        for (int i = 0; i < LOCATIONS.size(); i++) {
            server.append("  location ").append(LOCATIONS.get(i)).append(" { return 200 \"L").append(i).append("\"; }\n");
        }
        nginx = new NginxProcess(tmp.resolve("nginx"), server.append("}\n").toString());
        StringBuilder blocks = new StringBuilder("server { listen 127.0.0.1:%PORT%;\n");
        for (Block block : BLOCKS) {
            blocks.append("  location ").append(block.location()).append(" {\n");
            block.handlers().forEach((phase, code) -> blocks.append("    ").append(phase.luaName())
                    .append("_by_lua_block { ").append(code).append(" }\n"));
            blocks.append("  }\n");
        }
        luaNginx = new NginxProcess(tmp.resolve("lua-nginx"), "load_module /usr/share/nginx/modules/ndk_http_module.so;\n"
                + "load_module /usr/share/nginx/modules/ngx_http_lua_module.so;\n", blocks.append("}\n").toString());
        origin = new Origin(vertx).respond(r -> r.response().putHeader("Content-Type", "text/plain").end("none"));
        meters = new SimpleMeterRegistry();
        holder = new SnapshotHolder(meters, Clock.systemUTC());
        offLoop = new OffLoop();
        PhaseRunner runner = new PhaseRunner(RunnerSettings.DEFAULT, meters, Clock.systemUTC(), new InMemoryUnitRedisClient());
        LuaPhasesInterceptor lua = new LuaPhasesInterceptor(holder, new RequestPipeline(runner), offLoop, 1 << 20);
        edge = new ProxyBed(vertx, CacheSettings.defaults(), List.of(new ProxyBed.RouteSpec("all", "/",
                UpstreamSettings.of("origin", List.of(origin.address())), CachePolicy.DISABLED)), List.of(lua));
    }

    @AfterAll
    static void stop() throws Exception {
        if (edge != null) {
            edge.close();
        }
        if (offLoop != null) {
            offLoop.close();
        }
        if (origin != null) {
            origin.close();
        }
        for (NginxProcess n : new NginxProcess[] {nginx, luaNginx}) {
            if (n != null) {
                n.close();
            }
        }
        vertx.close();
    }

    private static void install(List<ComputingUnit> units) {
        UnitSnapshot snapshot = UnitSnapshot.build(1, units.stream()
                .map(u -> u.withBudget(new Budget(1_000_000, 5_000))).toList());
        assertThat(snapshot.errors()).isEmpty();
        holder.swap(new AppliedSnapshot(snapshot, "v1", System.currentTimeMillis(), "test", List.of()));
    }

    /** Each base as is, with its slashes doubled, behind a dot segment, with a letter percent-encoded, with a query. */
    static List<String> requests() {
        Set<String> targets = new LinkedHashSet<>();
        for (String base : BASES) {
            targets.add(base);
            targets.add(base.replace("/", "//"));
            targets.add("/x/.." + base);
            targets.add(base + "?q=/images/a.gif");
            int letter = firstLetter(base);
            if (letter >= 0) {
                targets.add(base.substring(0, letter) + String.format("%%%02X", (int) base.charAt(letter))
                        + base.substring(letter + 1));
            }
        }
        return List.copyOf(targets);
    }

    private static int firstLetter(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (Character.isLetter(s.charAt(i))) {
                return i;
            }
        }
        return -1;
    }

    private static String name(int status, String body) {
        return status == 404 ? "none" : dechunk(body).strip();
    }

    /** The edge streams a unit's answer chunked; {@link RawHttp} hands back the body as sent. */
    private static String dechunk(String body) {
        if (!body.matches("(?s)[0-9a-fA-F]+\r\n.*")) {
            return body;
        }
        StringBuilder out = new StringBuilder();
        int at = 0;
        while (true) {
            int eol = body.indexOf("\r\n", at);
            int size = Integer.parseInt(body.substring(at, eol), 16);
            if (size == 0) {
                return out.toString();
            }
            out.append(body, eol + 2, eol + 2 + size);
            at = eol + 2 + size + 2;
        }
    }

    @Test
    void unitsChooseTheLocationNginxChooses() throws Exception {
        List<ComputingUnit> units = new ArrayList<>();
        for (int i = 0; i < LOCATIONS.size(); i++) {
            // ids sort in declaration order, so regexes are tried in the nginx file's order
            units.add(ComputingUnit.of(String.format("loc-%02d", i), Phase.CONTENT, "ngx.say('L" + i + "')")
                    .withPaths(List.of(LOCATIONS.get(i))));
        }
        install(units);
        List<String> targets = requests();
        List<String> differences = new ArrayList<>();
        Set<String> chosen = new LinkedHashSet<>();
        for (String target : targets) {
            RawHttp.Answer theirs = RawHttp.get(nginx.port(), target);
            RawHttp.Answer ours = RawHttp.get(edge.port(), target);
            String expected = name(theirs.status(), theirs.text());
            String actual = name(ours.status(), ours.text());
            chosen.add(expected);
            if (!expected.equals(actual)) {
                differences.add(target + ": nginx " + describe(expected) + ", units " + describe(actual));
            }
        }
        assertThat(differences).as("requests where the units' location differs from nginx's").isEmpty();
        // The table is worth something only if it reaches every location and the no-location case;
        // but "/shout/quiet/" never wins: every URI under it matches the regex "~* ^/shout/" too.
        Set<String> reachable = new LinkedHashSet<>(List.of("none"));
        for (int i = 0; i < LOCATIONS.size(); i++) {
            if (!LOCATIONS.get(i).equals("/shout/quiet/")) {
                reachable.add("L" + i);
            }
        }
        assertThat(chosen).as("locations nginx chose over %d requests", targets.size())
                .containsExactlyInAnyOrderElementsOf(reachable);
        System.out.printf("LocationMatchingIT: %d requests, %d locations, %d distinct answers, all equal to nginx's%n",
                targets.size(), LOCATIONS.size(), chosen.size());
    }

    private static String describe(String name) {
        return name.startsWith("L") ? "'" + LOCATIONS.get(Integer.parseInt(name.substring(1))) + "'" : name;
    }

    /**
     * "Code written for nginx runs unchanged": a config of several location blocks, each with its
     * own phase handlers, against the same handlers as units with the block's location as their
     * path. Only one block's handlers run per request, in every phase (a playlist under /hls/ is in
     * the regex block, so /hls/'s access and header_filter do not run for it); a jump re-chooses;
     * a set_uri without jump keeps the block.
     */
    @Test
    void aConfigOfSeveralLocationBlocksRunsAsUnitsUnchanged() throws Exception {
        List<ComputingUnit> units = new ArrayList<>();
        for (int b = 0; b < BLOCKS.size(); b++) {
            Block block = BLOCKS.get(b);
            for (Map.Entry<Phase, String> handler : block.handlers().entrySet()) {
                units.add(ComputingUnit.of(String.format("block-%d-%s", b, handler.getKey().luaName()),
                        handler.getKey(), handler.getValue()).withPaths(List.of(block.location())));
            }
        }
        install(units);
        List<String> targets = List.of("/hls/a.ts", "/hls/live.m3u8", "/hls/LIVE.M3U8", "/x/live.m3u8", "/exact",
                "/exact/", "/static/a.m3u8", "/static/a.m3u8?deny=1", "/static/a.ts?deny=1", "/jump/b.ts",
                "/jump/b.m3u8", "/quiet/x", "/nothing", "//hls//./a.ts", "/exact.m3u8");
        List<String> differences = new ArrayList<>();
        Set<String> answers = new LinkedHashSet<>();
        for (String target : targets) {
            String theirs = observed(RawHttp.get(luaNginx.port(), target));
            String ours = observed(RawHttp.get(edge.port(), target));
            answers.add(theirs);
            if (!theirs.equals(ours)) {
                differences.add(target + ":\n  nginx " + theirs + "\n  units " + ours);
            }
        }
        assertThat(differences).as("requests where units answer otherwise than nginx's location blocks").isEmpty();
        // worth something only if the blocks really answered: each its own way, a 403 and "none" among them
        assertThat(answers).as("distinct answers").hasSizeGreaterThanOrEqualTo(10)
                .contains("none", "403 '' access=null filter=null rewrite=null",
                        "200 'm3u8 /hls/live.m3u8 nil' access=null filter=null rewrite=m3u8",
                        "200 'hls /hls/a.ts' access=hls filter=hls rewrite=null",
                        "200 'quiet /hls/moved.m3u8' access=null filter=null rewrite=null");
    }

    /** What a request shows of the handlers that ran: status, body, and the headers they set. */
    private static String observed(RawHttp.Answer a) {
        String body = a.status() == 200 ? dechunk(a.text()).strip() : "";
        if (a.status() == 404 || body.equals("none")) {
            return "none"; // no location: nginx's 404, or the edge's origin
        }
        return a.status() + " '" + body + "' access=" + a.header("X-Access") + " filter=" + a.header("X-Filter")
                + " rewrite=" + a.header("X-Rewrite");
    }

    /** Issue #16's acceptance: a request whose path matches no unit's scope runs no unit, by the unit call counters. */
    @Test
    void aRequestOutsideEveryUnitsPathsRunsNoUnit() throws Exception {
        List<ComputingUnit> units = new ArrayList<>();
        for (int i = 0; i < 500; i++) {
            units.add(ComputingUnit.of(String.format("tenant-%03d", i), Phase.ACCESS, "ngx.header['X-Unit'] = 'tenant-" + i + "'")
                    .withPaths(List.of("/tenant-" + i + "/", "~ ^/t" + i + "\\.")));
        }
        install(units);
        double before = calls();
        RawHttp.Answer outside = RawHttp.get(edge.port(), "/hls/live.m3u8");
        assertThat(outside.text()).isEqualTo("none");
        assertThat(calls() - before).as("unit calls for a path no unit is scoped to").isZero();

        RawHttp.Answer inside = RawHttp.get(edge.port(), "/tenant-321/live.m3u8");
        assertThat(inside.text()).isEqualTo("none");
        assertThat(calls() - before).as("unit calls for a path one unit is scoped to").isEqualTo(1.0);
        assertThat(meters.find("cu.unit.calls").tag("unit", "tenant-321").counters())
                .extracting(Counter::count).containsExactly(1.0);
        RawHttp.get(edge.port(), "/t42.ts");
        assertThat(calls() - before).as("one more for the regex of one unit").isEqualTo(2.0);
        assertThat(meters.find("cu.unit.calls").tag("unit", "tenant-042").counters())
                .extracting(Counter::count).containsExactly(1.0);
    }

    private static double calls() {
        return meters.find("cu.unit.calls").counters().stream().mapToDouble(Counter::count).sum();
    }
}
