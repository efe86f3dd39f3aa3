package io.nott.unit.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nott.unit.model.ComputingUnit;
import io.nott.unit.model.PathScope;
import io.nott.unit.runtime.re.LocationRegex;
import io.nott.unit.model.Phase;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Path scopes: the spec forms nginx's {@code location} accepts, the choice of one location in
 * nginx's order, hosts as servers, and which units run for a chosen location. The same order is
 * checked against real nginx by edge-node's {@code LocationMatchingIT}.
 */
class PathScopesTest {

    @Test
    void specsParseInNginxsFormsWithAndWithoutTheSpace() {
        assertThat(PathScope.parse("= /x")).isEqualTo(new PathScope(PathScope.Kind.EXACT, "/x"));
        assertThat(PathScope.parse("=/x")).isEqualTo(new PathScope(PathScope.Kind.EXACT, "/x"));
        assertThat(PathScope.parse("/hls/")).isEqualTo(new PathScope(PathScope.Kind.PREFIX, "/hls/"));
        assertThat(PathScope.parse("^~ /s")).isEqualTo(new PathScope(PathScope.Kind.PREFERENTIAL_PREFIX, "/s"));
        assertThat(PathScope.parse("~ \\.ts$")).isEqualTo(new PathScope(PathScope.Kind.REGEX, "\\.ts$"));
        assertThat(PathScope.parse("~*\\.TS$")).isEqualTo(new PathScope(PathScope.Kind.REGEX_CASELESS, "\\.TS$"));
        assertThat(PathScope.parse("  ^~   /a b ").spec()).isEqualTo("^~ /a b");
    }

    @Test
    void badSpecsSayWhatIsWrongAndWhatWouldDo() {
        assertThatThrownBy(() -> PathScope.parse("hls/")).hasMessageContaining("must be a path starting with /");
        assertThatThrownBy(() -> PathScope.parse("= ")).hasMessageContaining("names no path");
        assertThatThrownBy(() -> PathScope.parse("~")).hasMessageContaining("names no regex");
        assertThatThrownBy(() -> PathScope.parse("@fallback")).hasMessageContaining("named locations");
        assertThatThrownBy(() -> PathScope.parse("")).hasMessage("must not be empty");
        assertThatThrownBy(() -> LocationRegex.compile("(a", false)).hasMessageStartingWith("pcre_compile() failed: missing )");
        assertThatThrownBy(() -> PathScope.parse("/a\nb")).hasMessageContaining("control characters");
    }

    private static ComputingUnit unit(String id, String... paths) {
        return ComputingUnit.of(id, Phase.ACCESS, "return").withPaths(List.of(paths));
    }

    private static String chosen(UnitSnapshot s, String uri) {
        Location l = s.locate(uri, "example.com");
        return l == null ? null : l.spec();
    }

    @Test
    void exactThenLongestPrefixThenRegexesInOrderThenThePrefix() {
        UnitSnapshot s = UnitSnapshot.build(1, List.of(
                unit("a", "= /"), unit("b", "/"), unit("c", "/documents/"), unit("d", "^~ /images/"),
                unit("e", "~* \\.(gif|jpg|jpeg)$"), unit("f", "/documents/old/"), unit("g", "~ ^/documents/old/x")));
        assertThat(s.errors()).isEmpty();
        // nginx's documentation example: A "/", B "/index.html", C "/documents/document.html", D, E
        assertThat(chosen(s, "/")).isEqualTo("= /");
        assertThat(chosen(s, "/index.html")).isEqualTo("/");
        assertThat(chosen(s, "/documents/document.html")).isEqualTo("/documents/");
        assertThat(chosen(s, "/images/1.gif")).isEqualTo("^~ /images/");
        assertThat(chosen(s, "/documents/1.jpg")).isEqualTo("~* \\.(gif|jpg|jpeg)$");
        assertThat(chosen(s, "/documents/1.JPG")).isEqualTo("~* \\.(gif|jpg|jpeg)$");
        // the longest prefix wins over a shorter one, a regex over both unless ^~
        assertThat(chosen(s, "/documents/old/y")).isEqualTo("/documents/old/");
        assertThat(chosen(s, "/documents/old/x.gif")).isEqualTo("~* \\.(gif|jpg|jpeg)$"); // e before g: run order
    }

    @Test
    void noMatchMeansNoLocationAndUnitsWithoutPathsAreNotLocations() {
        UnitSnapshot s = UnitSnapshot.build(1, List.of(unit("a", "/hls/"), ComputingUnit.of("b", Phase.ACCESS, "return")));
        assertThat(chosen(s, "/app/")).isNull();
        assertThat(chosen(s, "/hls")).isNull(); // a prefix is a string prefix: /hls/ does not cover /hls
        assertThat(UnitSnapshot.build(1, List.of(ComputingUnit.of("b", Phase.ACCESS, "return"))).locate("/x", "h")).isNull();
    }

    @Test
    void aLocationOfAnotherHostNeverShadowsThisHostsLocations() {
        UnitSnapshot s = UnitSnapshot.build(1, List.of(
                unit("mine", "/").withHosts(List.of("mine.example")),
                unit("theirs", "/hls/").withHosts(List.of("theirs.example")),
                unit("theirs-re", "~ \\.m3u8$").withHosts(List.of("*.theirs.example"))));
        assertThat(s.locate("/hls/a.m3u8", "mine.example").spec()).isEqualTo("/");
        assertThat(s.locate("/hls/a.m3u8", "theirs.example:8080").spec()).isEqualTo("/hls/");
        assertThat(s.locate("/hls/a.m3u8", "cdn.theirs.example").spec()).isEqualTo("~ \\.m3u8$");
        assertThat(s.locate("/hls/a.m3u8", "nobody.example")).isNull();
    }

    @Test
    void theSamePrefixWithAndWithoutCaretTildeIsOneLocationThatStopsRegexes() {
        UnitSnapshot s = UnitSnapshot.build(1, List.of(unit("a", "/s/"), unit("b", "^~ /s/"), unit("c", "~ x$")));
        assertThat(chosen(s, "/s/x")).isEqualTo("^~ /s/");
        Location l = s.locate("/s/x", "h");
        assertThat(l.entries(Phase.ACCESS)).extracting(e -> e.unit().id()).containsExactly("a", "b");
    }

    @Test
    void aBadPathLeavesOnlyThatUnitOut() {
        UnitSnapshot s = UnitSnapshot.build(1, List.of(unit("bad", "~ (a"), unit("good", "/")));
        assertThat(s.errors()).containsOnlyKeys("bad");
        assertThat(s.errors().get("bad").getMessage()).contains("bad path '~ (a'");
        assertThat(chosen(s, "/x")).isEqualTo("/");
    }

    @Test
    void aRequestRunsThePathlessUnitsAndThoseOfItsLocationInRunOrder() {
        PhaseRunner runner = new PhaseRunner(RunnerSettings.DEFAULT, null, java.time.Clock.systemUTC(),
                new InMemoryUnitRedisClient());
        UnitSnapshot s = UnitSnapshot.build(1, List.of(
                ComputingUnit.of("everywhere", Phase.ACCESS, "return").withOrder(2),
                unit("hls-first", "/hls/").withOrder(1),
                unit("hls-last", "/hls/", "= /x").withOrder(3),
                unit("playlists", "~ \\.m3u8$").withOrder(0)));
        List<String> ran = new ArrayList<>();
        for (String uri : List.of("/hls/seg.ts", "/hls/live.m3u8", "/x", "/app/")) {
            SimulatedExchange ex = SimulatedExchange.get("example.com", uri);
            ran.add(uri + " " + runner.run(s, Phase.ACCESS, ex, new RequestState()).outcomes().stream()
                    .map(UnitOutcome::unitId).toList());
        }
        assertThat(ran).containsExactly(
                "/hls/seg.ts [hls-first, everywhere, hls-last]",
                "/hls/live.m3u8 [playlists, everywhere]",
                "/x [everywhere, hls-last]",
                "/app/ [everywhere]");
    }
}
