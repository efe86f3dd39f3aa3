package io.nott.unit.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.nott.unit.model.Budget;
import io.nott.unit.model.ComputingUnit;
import io.nott.unit.model.Phase;
import io.nott.unit.runtime.InMemoryUnitRedisClient;
import io.nott.unit.runtime.PhaseRunner;
import io.nott.unit.runtime.RunnerSettings;
import io.nott.unit.runtime.SimulatedExchange;
import io.nott.unit.runtime.UnitOutcome;
import io.nott.unit.runtime.UnitSnapshot;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * One location per request for every phase, as nginx runs one {@code location} block's handlers:
 * a config of several location blocks, each with its own phases, written as units with paths.
 */
class PathScopedPipelineTest {

    private final RequestPipeline pipeline = new RequestPipeline(new PhaseRunner(RunnerSettings.DEFAULT, null,
            Clock.systemUTC(), new InMemoryUnitRedisClient()));
    private final List<UnitOutcome> outcomes = new ArrayList<>();

    private BufferedResponse get(String uri, ComputingUnit... units) {
        outcomes.clear();
        UnitSnapshot snapshot = UnitSnapshot.build(1, Arrays.stream(units)
                .map(u -> u.withBudget(new Budget(1_000_000, 5_000))).toList());
        assertThat(snapshot.errors()).isEmpty();
        PipelineRun run = pipeline.start(snapshot, SimulatedExchange.get("example.com", uri), null, outcomes::add);
        return pipeline.run(run, () -> new BufferedResponse(200, Map.of("Content-Type", List.of("text/plain")),
                "origin\n".getBytes(StandardCharsets.UTF_8)));
    }

    private static ComputingUnit unit(String id, Phase phase, String path, String code) {
        return ComputingUnit.of(id, phase, code).withPaths(List.of(path));
    }

    private List<String> ran() {
        return outcomes.stream().map(o -> o.unitId() + "/" + o.phase().luaName()).toList();
    }

    /**
     * nginx: {@code location /hls/ { access_by_lua ... }} and {@code location ~ \.m3u8$
     * { header_filter_by_lua ... }}: a playlist under /hls/ is in the regex location, so the
     * /hls/ access check does not run for it — the location is chosen across all phases, not per phase.
     */
    @Test
    void theLocationIsChosenAmongThePathsOfEveryPhase() {
        ComputingUnit token = unit("token", Phase.ACCESS, "/hls/", "ngx.header['X-Token'] = 'checked'");
        ComputingUnit playlist = unit("playlist", Phase.HEADER_FILTER, "~ \\.m3u8$", "ngx.header['X-Playlist'] = 'yes'");
        BufferedResponse segment = get("/hls/a.ts", token, playlist);
        assertThat(ran()).containsExactly("token/access");
        assertThat(segment.header("X-Token")).isEqualTo("checked");

        BufferedResponse live = get("/hls/live.m3u8", token, playlist);
        assertThat(ran()).containsExactly("playlist/header_filter");
        assertThat(live.header("X-Token")).isNull();
        assertThat(live.header("X-Playlist")).isEqualTo("yes");

        get("/app/", token, playlist);
        assertThat(ran()).isEmpty();
    }

    /** {@code rewrite_by_lua 'ngx.req.set_uri("/new/x", true)'}: nginx re-matches and runs the new location's handlers. */
    @Test
    void aJumpChoosesTheLocationAgainAndASetUriWithoutJumpKeepsIt() {
        ComputingUnit move = unit("move", Phase.REWRITE, "/old/", "ngx.req.set_uri('/new' .. ngx.var.uri:sub(5), true)");
        ComputingUnit quiet = unit("quiet", Phase.REWRITE, "/quiet/", "ngx.req.set_uri('/new/x')");
        ComputingUnit fresh = unit("fresh", Phase.ACCESS, "/new/", "ngx.header['X-New'] = ngx.var.uri");
        ComputingUnit stay = unit("stay", Phase.ACCESS, "/quiet/", "ngx.header['X-Stay'] = ngx.var.uri");

        BufferedResponse moved = get("/old/x", move, quiet, fresh, stay);
        assertThat(ran()).containsExactly("move/rewrite", "fresh/access");
        assertThat(moved.header("X-New")).isEqualTo("/new/x");

        BufferedResponse kept = get("/quiet/x", move, quiet, fresh, stay);
        assertThat(ran()).containsExactly("quiet/rewrite", "stay/access");
        assertThat(kept.header("X-Stay")).isEqualTo("/new/x");
    }

    @Test
    void unitsWithoutPathsRunEverywhereAsBefore() {
        ComputingUnit all = ComputingUnit.of("all", Phase.HEADER_FILTER, "ngx.header['X-All'] = '1'");
        ComputingUnit hls = unit("hls", Phase.HEADER_FILTER, "/hls/", "ngx.header['X-Hls'] = '1'");
        assertThat(get("/app/", all, hls).header("X-All")).isEqualTo("1");
        assertThat(ran()).containsExactly("all/header_filter");
        BufferedResponse r = get("/hls/a.ts", all, hls);
        assertThat(ran()).containsExactly("all/header_filter", "hls/header_filter");
        assertThat(r.header("X-Hls")).isEqualTo("1");
    }
}
