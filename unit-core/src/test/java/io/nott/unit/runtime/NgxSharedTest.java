package io.nott.unit.runtime;

import static io.nott.unit.runtime.Fixture.get;
import static io.nott.unit.runtime.Fixture.unit;
import static org.assertj.core.api.Assertions.assertThat;

import io.nott.unit.model.Budget;
import io.nott.unit.model.Phase;
import io.nott.unit.model.SharedDictSpec;
import io.nott.unit.runtime.UnitOutcome.Kind;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code ngx.shared} through the runner, against nginx's own answer to the same chunk. */
class NgxSharedTest {

    private final Fixture f = new Fixture();

    private static String resource(String name) throws IOException {
        try (InputStream in = NgxSharedTest.class.getResourceAsStream("/shared/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static UnitSnapshot withDicts(UnitSnapshot s) {
        return s.withSharedDicts(List.of(new SharedDictSpec("dogs", 1 << 20), new SharedDictSpec("tiny", 12 * 1024)));
    }

    @Test
    void probeAnswersAsNginxDoes() throws IOException {
        RequestState state = new RequestState();
        UnitSnapshot s = withDicts(Fixture.snapshot(unit("probe", Phase.CONTENT, resource("probe.lua"))
                // a cold JVM interprets the first call slowly; the budget is not what is tested here
                .withBudget(new Budget(10_000_000, 10_000))));
        PhaseResult r = f.runner.run(s, Phase.CONTENT, get("/"), state);
        assertThat(r.outcomes().get(0).message()).isNull();
        assertThat(new String(state.body(), StandardCharsets.UTF_8)).isEqualTo(resource("probe.nginx.txt"));
    }

    @Test
    void dictsAreSharedBetweenUnitsPhasesAndRequests() {
        UnitSnapshot s = withDicts(Fixture.snapshot(
                unit("count", Phase.ACCESS, "ngx.shared.dogs:incr('hits', 1, 0)"),
                unit("show", Phase.HEADER_FILTER, "ngx.header['X-Hits'] = ngx.shared.dogs:get('hits')"),
                unit("log", Phase.LOG, "ngx.shared.dogs:incr('logged', 1, 0)")));
        for (int i = 0; i < 3; i++) {
            RequestState state = new RequestState();
            f.runner.run(s, Phase.ACCESS, get("/"), state);
            f.runner.run(s, Phase.HEADER_FILTER, get("/"), state);
            f.runner.run(s, Phase.LOG, get("/"), state);
            assertThat(state.headerChanges()).extracting(RequestState.HeaderChange::values)
                    .containsExactly(List.of(String.valueOf(i + 1)));
        }
        assertThat(f.runner.sharedDicts().get("dogs").get("logged", false).value()).isEqualTo(3.0);
    }

    @Test
    void prepareAppliesTheDictsBeforeInitUnitsFillThem() {
        // The runner applies a snapshot's dicts once, in prepare (not per phase): init units see them.
        UnitSnapshot s = withDicts(Fixture.snapshot(
                unit("fill", Phase.INIT, "ngx.shared.dogs:set('greeting', 'hello')"),
                unit("read", Phase.ACCESS, "ngx.log(ngx.ERR, ngx.shared.dogs:get('greeting'))")));
        assertThat(f.runner.prepare(s)).isEmpty();
        RequestState state = new RequestState();
        f.runner.run(s, Phase.ACCESS, get("/"), state);
        assertThat(state.logs()).extracting(RequestState.LogLine::message).containsExactly("hello");
    }

    /**
     * nginx's {@code ngx.shared} is a plain table: {@code ngx.shared.x = 1} works and an undeclared
     * dict reads as nil (recorded in the conformance suite's {@code shared-dict.t}). The write
     * lasts for the unit call here (on nginx, for the worker): the next call sees the dicts again.
     */
    @Test
    void undeclaredDictIsNilAndAssignmentsLastForTheCallOnly() {
        UnitSnapshot s = withDicts(Fixture.snapshot(
                unit("assign", Phase.ACCESS, String.join("\n",
                        "ngx.log(ngx.ERR, tostring(ngx.shared.cats))",
                        "ngx.shared.cats = 1",
                        "ngx.shared.dogs = 'not a dict'",
                        "ngx.log(ngx.ERR, tostring(ngx.shared.cats) .. ' ' .. ngx.shared.dogs)",
                        "ngx.shared.dogs = nil",
                        "ngx.log(ngx.ERR, tostring(ngx.shared.dogs))")),
                unit("later", Phase.LOG, "ngx.log(ngx.ERR, tostring(ngx.shared.cats) .. ' ' .. type(ngx.shared.dogs))")));
        RequestState state = new RequestState();
        f.runner.run(s, Phase.ACCESS, get("/"), state);
        f.runner.run(s, Phase.LOG, get("/"), state);
        assertThat(state.logs()).extracting(RequestState.LogLine::message)
                .containsExactly("nil", "1 not a dict", "nil", "nil table");
    }

    @Test
    void aNewSnapshotKeepsContentsOfDictsItStillDeclares() {
        UnitSnapshot s1 = withDicts(Fixture.snapshot(unit("w", Phase.ACCESS, "ngx.shared.dogs:set('k', 'v')")));
        f.runner.run(s1, Phase.ACCESS, get("/"), new RequestState());
        UnitSnapshot s2 = UnitSnapshot.build(2, List.of(unit("r", Phase.ACCESS,
                "ngx.log(ngx.ERR, ngx.shared.dogs:get('k'), ' ', tostring(ngx.shared.tiny))")))
                .withSharedDicts(List.of(new SharedDictSpec("dogs", 2 << 20)));
        RequestState state = new RequestState();
        f.runner.run(s2, Phase.ACCESS, get("/"), state);
        assertThat(state.logs()).extracting(RequestState.LogLine::message).containsExactly("v nil");
    }
}
