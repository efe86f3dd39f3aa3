package io.nott.unit.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.nott.unit.model.ComputingUnit;
import io.nott.unit.model.PathScope;
import io.nott.unit.model.Phase;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The host index: each form of nginx's {@code server_name} finds its units, and on random unit sets
 * the index runs exactly the units the linear filter (every unit asked {@link HostMatcher#matches})
 * ran, in the same order, with the same location and the same answers to what hosts ask per request.
 */
class HostIndexTest {

    private static ComputingUnit unit(String id, String... hosts) {
        return ComputingUnit.of(id, Phase.ACCESS, "return").withHosts(List.of(hosts));
    }

    private static List<String> ran(UnitSnapshot s, String host, String uri) {
        PhaseRunner runner = new PhaseRunner(RunnerSettings.DEFAULT, null, Clock.systemUTC(), new InMemoryUnitRedisClient());
        return runner.run(s, Phase.ACCESS, SimulatedExchange.get(host, uri), new RequestState()).outcomes().stream()
                .map(UnitOutcome::unitId).toList();
    }

    @Test
    void everyServerNameFormFindsItsUnitsAndAHostRunsAllThatMatchInRunOrder() {
        UnitSnapshot s = UnitSnapshot.build(1, List.of(
                unit("exact", "www.example.com").withOrder(5),
                unit("prefix-long", "*.www.example.com").withOrder(1),
                unit("prefix", "*.example.com").withOrder(2),
                unit("suffix", "www.example.*").withOrder(3),
                unit("regex", "~^(www|api)\\.").withOrder(4),
                unit("everyone").withOrder(6),
                unit("other", "other.example.org", "*.other.net")));
        assertThat(s.errors()).isEmpty();
        // nginx would serve www.example.com by the exact name alone; a host here runs every unit for it
        assertThat(ran(s, "www.example.com", "/")).containsExactly("prefix", "suffix", "regex", "exact", "everyone");
        assertThat(ran(s, "WWW.Example.COM:8443", "/")).containsExactly("prefix", "suffix", "regex", "exact", "everyone");
        assertThat(ran(s, "a.www.example.com", "/")).containsExactly("prefix-long", "prefix", "everyone");
        assertThat(ran(s, "www.example.org", "/")).containsExactly("suffix", "regex", "everyone");
        assertThat(ran(s, "api.example.com", "/")).containsExactly("prefix", "regex", "everyone");
        assertThat(ran(s, "cdn.other.net.", "/")).containsExactly("other", "everyone");
        assertThat(ran(s, "nobody.test", "/")).containsExactly("everyone");
        // "*.example.com" is not example.com itself, "www.example.*" not "www.example" (a trailing dot is dropped)
        assertThat(ran(s, "example.com", "/")).containsExactly("everyone");
        assertThat(ran(s, "www.example.", "/")).containsExactly("regex", "everyone");
    }

    @Test
    void aUnitListingSeveralMatchingPatternsRunsOnce() {
        UnitSnapshot s = UnitSnapshot.build(1, List.of(
                unit("many", "www.example.com", "*.example.com", "www.example.*", "~example", "WWW.EXAMPLE.COM")));
        assertThat(ran(s, "www.example.com", "/")).containsExactly("many");
    }

    @Test
    void theHostCacheIsBoundedAndAnsweringAfterItStartsAgain() {
        UnitSnapshot s = UnitSnapshot.build(1, List.of(unit("mine", "mine.example")));
        for (int i = 0; i < HostIndex.MAX_CACHED_HOSTS + 10; i++) {
            assertThat(s.has(Phase.ACCESS, "h" + i + ".example")).isFalse();
        }
        assertThat(s.has(Phase.ACCESS, "mine.example")).isTrue();
    }

    // --- equivalence with the linear filter on random unit sets ---

    private static final String[] HOST_PATTERNS = {"example.com", "www.example.com", "a.example.com", "EXAMPLE.com:8080",
        "*.example.com", "*.a.example.com", "www.example.*", "a.example.*", "~^edge[0-9]+$", "~example\\.(com|org)",
        "www.example.org", "edge7", "x.y.example.com."};
    private static final String[] REQUEST_HOSTS = {"example.com", "www.example.com", "a.example.com", "b.a.example.com",
        "EXAMPLE.COM:8080", "www.example.com.", "www.example.org", "a.example.net", "edge7", "edge12", "x.y.example.com",
        "nobody.test", "", "www.example."};
    private static final String[] PATHS = {"/hls/", "/hls/live/", "^~ /static/", "= /x", "~ \\.m3u8$", "~* \\.TS$", "/",
        "^~ /hls/"};
    private static final String[] URIS = {"/hls/a.m3u8", "/hls/live/b.ts", "/static/x.m3u8", "/x", "/y.TS", "/other",
        "/hls/live/c.TS"};
    private static final String[] CODES = {"return", "-- redis_client\nreturn", "-- ngx.req.read_body()\nreturn",
        "-- ngx.sleep\nreturn"};

    @Test
    void onRandomUnitSetsTheIndexRunsWhatTheLinearFilterRuns() {
        for (int seed = 0; seed < 100; seed++) {
            Random random = new Random(seed);
            List<ComputingUnit> units = new ArrayList<>();
            int n = 1 + random.nextInt(30);
            for (int i = 0; i < n; i++) {
                units.add(ComputingUnit.of("u" + i, random.nextInt(4) == 0 ? Phase.REWRITE : Phase.ACCESS,
                                CODES[random.nextInt(CODES.length)])
                        .withHosts(pick(random, HOST_PATTERNS, random.nextInt(4) == 0 ? 0 : 1 + random.nextInt(3)))
                        .withPaths(pick(random, PATHS, random.nextInt(2) == 0 ? 0 : 1 + random.nextInt(2)))
                        .withOrder(random.nextInt(5)));
            }
            UnitSnapshot s = UnitSnapshot.build(seed, units);
            assertThat(s.errors()).as("seed %d", seed).isEmpty();
            PhaseRunner runner = new PhaseRunner(RunnerSettings.DEFAULT, null, Clock.systemUTC(),
                    new InMemoryUnitRedisClient());
            for (String host : REQUEST_HOSTS) {
                for (String uri : URIS) {
                    String where = "seed " + seed + ", " + host + uri;
                    String location = linearLocation(units, host, uri);
                    Location chosen = s.locate(uri, host);
                    assertThat(chosen == null ? null : chosen.spec()).as(where).isEqualTo(location);
                    for (Phase phase : List.of(Phase.REWRITE, Phase.ACCESS)) {
                        List<ComputingUnit> expected = linearRun(units, phase, host, location);
                        List<String> got = runner.run(s, phase, SimulatedExchange.get(host, uri), new RequestState(), 0,
                                chosen).outcomes().stream().map(UnitOutcome::unitId).toList();
                        assertThat(got).as(where + " " + phase).isEqualTo(expected.stream().map(ComputingUnit::id).toList());
                        assertThat(s.has(phase, host, chosen)).as(where).isEqualTo(!expected.isEmpty());
                        List<ComputingUnit> anyPath = linearRun(units, phase, host, "*");
                        assertThat(s.has(phase, host)).as(where).isEqualTo(!anyPath.isEmpty());
                        assertThat(s.blocks(phase, host)).as(where).isEqualTo(anyPath.stream()
                                .anyMatch(u -> u.code().contains("redis_client") || u.code().contains("sleep")));
                        assertThat(s.readsBody(phase, host)).as(where).isEqualTo(anyPath.stream()
                                .anyMatch(u -> u.code().contains("read_body")));
                    }
                }
            }
        }
    }

    private static List<String> pick(Random random, String[] from, int count) {
        List<String> picked = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            picked.add(from[random.nextInt(from.length)]);
        }
        return picked;
    }

    private static boolean forHost(ComputingUnit u, String host) {
        return HostMatcher.of(u.hosts()).matches(host);
    }

    private static List<ComputingUnit> inRunOrder(List<ComputingUnit> units) {
        return units.stream().sorted(Comparator.comparingInt(ComputingUnit::order).thenComparing(ComputingUnit::id)).toList();
    }

    /**
     * What the linear filter chose: nginx's order over the locations the host's units declare
     * ({@code ^~} when any unit, of any host, declares the prefix with it; regexes in the order
     * they were first declared in run order).
     */
    private static String linearLocation(List<ComputingUnit> units, String host, String uri) {
        List<PathScope> all = new ArrayList<>();
        List<PathScope> mine = new ArrayList<>();
        for (ComputingUnit u : inRunOrder(units)) {
            for (String p : u.paths()) {
                PathScope scope = PathScope.parse(p);
                all.add(scope);
                if (forHost(u, host)) {
                    mine.add(scope);
                }
            }
        }
        for (PathScope scope : mine) {
            if (scope.kind() == PathScope.Kind.EXACT && scope.pattern().equals(uri)) {
                return scope.spec();
            }
        }
        String prefix = null;
        for (PathScope scope : mine) {
            if ((scope.kind() == PathScope.Kind.PREFIX || scope.kind() == PathScope.Kind.PREFERENTIAL_PREFIX)
                    && uri.startsWith(scope.pattern()) && (prefix == null || scope.pattern().length() > prefix.length())) {
                prefix = scope.pattern();
            }
        }
        String longest = prefix;
        boolean noRegex = prefix != null && all.stream().anyMatch(sc -> sc.kind() == PathScope.Kind.PREFERENTIAL_PREFIX
                && sc.pattern().equals(longest));
        if (noRegex) {
            return "^~ " + prefix;
        }
        List<String> regexOrder = all.stream().filter(sc -> sc.kind().regex()).map(PathScope::spec).distinct().toList();
        for (String spec : regexOrder) {
            PathScope scope = PathScope.parse(spec);
            boolean declaredForHost = mine.stream().anyMatch(m -> m.spec().equals(spec));
            if (declaredForHost && io.nott.unit.runtime.re.LocationRegex.compile(scope.pattern(),
                    scope.kind() == PathScope.Kind.REGEX_CASELESS).matcher(uri).find()) {
                return spec;
            }
        }
        return prefix;
    }

    /** What the linear filter ran: every unit of the phase, in run order, asked for the host and the location ("*": any). */
    private static List<ComputingUnit> linearRun(List<ComputingUnit> units, Phase phase, String host, String location) {
        return inRunOrder(units).stream().filter(u -> u.phase() == phase && forHost(u, host))
                .filter(u -> u.paths().isEmpty() || "*".equals(location) || location != null && u.paths().stream()
                        .map(p -> PathScope.parse(p).kind() == PathScope.Kind.PREFIX
                                || PathScope.parse(p).kind() == PathScope.Kind.PREFERENTIAL_PREFIX
                                ? PathScope.parse(p).pattern() : PathScope.parse(p).spec())
                        .anyMatch(p -> location.equals(p) || location.equals("^~ " + p)))
                .toList();
    }
}
