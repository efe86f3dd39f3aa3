package io.nott.unit.runtime;

import static io.nott.unit.runtime.Fixture.get;
import static io.nott.unit.runtime.Fixture.unit;
import static org.assertj.core.api.Assertions.assertThat;

import io.nott.unit.model.Budget;
import io.nott.unit.model.ComputingUnit;
import io.nott.unit.model.Phase;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** Units of phase {@code init}: run once per snapshot per node, their globals read-only in every unit. */
class InitPhaseTest {

    private final Fixture f = new Fixture();

    private static final String SETUP = """
            local cjson = require "cjson"
            config = { greeting = "hello", limits = { rate = 10 } }
            local issued = 0
            function next_id() issued = issued + 1 return issued end
            function render(t) return cjson.encode(t) end
            edge_computing.redis_client:incr("init-runs")
            """;

    private static UnitSnapshot snapshot(ComputingUnit... units) {
        return UnitSnapshot.build(1, List.of(units));
    }

    private RequestState run(UnitSnapshot s, Phase phase) {
        RequestState state = new RequestState();
        for (UnitOutcome o : f.runner.run(s, phase, get("/"), state).outcomes()) {
            assertThat(o.kind()).as(o.unitId() + ": " + o.message()).isEqualTo(UnitOutcome.Kind.OK);
        }
        return state;
    }

    private static String body(RequestState state) {
        return new String(state.body(), StandardCharsets.UTF_8);
    }

    @Test
    void initGlobalsAreVisibleToEveryUnitAndInitRunsOncePerSnapshot() throws Exception {
        UnitSnapshot s = snapshot(unit("setup", Phase.INIT, SETUP).withBudget(CjsonTest.ROOMY),
                unit("page", Phase.CONTENT, "ngx.say(config.greeting, ' ', next_id(), ' ', render({config.limits.rate}),"
                        + " ' ', tostring(package.loaded.cjson ~= nil))").withBudget(CjsonTest.ROOMY));
        assertThat(f.runner.prepare(s)).isEmpty();
        assertThat(body(run(s, Phase.CONTENT))).isEqualTo("hello 1 [10] true\n");
        // Same runtime: init's upvalues live on, as in one nginx worker.
        assertThat(body(run(s, Phase.CONTENT))).isEqualTo("hello 2 [10] true\n");
        // Another thread is another worker: its own copy, counting from where init left it.
        AtomicReference<String> other = new AtomicReference<>();
        Thread t = new Thread(() -> other.set(body(run(s, Phase.CONTENT))));
        t.start();
        t.join();
        assertThat(other.get()).isEqualTo("hello 1 [10] true\n");
        assertThat(f.runner.prepare(s)).isEmpty();
        assertThat(f.redis.get(io.nott.unit.codec.RedisSchema.unitDataKey("init-runs"))).isEqualTo("1");
    }

    private double gauge(String name) {
        return f.meters.get(name).gauge().value();
    }

    @Test
    void initStateGaugesFollowTheCurrentSnapshotAndAreReplacedNotAddedUp() {
        UnitSnapshot big = UnitSnapshot.build(1, List.of(
                unit("setup", Phase.INIT, "big = {} for i = 1, 50000 do big[i] = 'v' .. i end").withBudget(CjsonTest.ROOMY),
                unit("page", Phase.CONTENT, "ngx.say(#big)")));
        assertThat(f.runner.prepare(big)).isEmpty();
        double first = gauge("cu.units.init_state");
        // 50,000 distinct strings (a LuaString and its byte array each) and the table's array part.
        assertThat(first).isGreaterThan(50_000 * 16.0);
        assertThat(gauge("cu.units.init_runtimes")).isZero(); // init's own runtime is the source, not a copy
        assertThat(body(run(big, Phase.CONTENT))).isEqualTo("50000\n");
        assertThat(gauge("cu.units.init_runtimes")).isEqualTo(1);

        UnitSnapshot small = UnitSnapshot.build(2, List.of(unit("setup", Phase.INIT, "answer = 42"),
                unit("page", Phase.CONTENT, "ngx.say(answer)")));
        assertThat(f.runner.prepare(small)).isEmpty();
        // The new snapshot's figure replaces the old one's (the old state goes with its snapshot).
        assertThat(gauge("cu.units.init_state")).isLessThan(first / 10);
        assertThat(gauge("cu.units.init_runtimes")).isZero();
        assertThat(body(run(small, Phase.CONTENT))).isEqualTo("42\n");
        assertThat(gauge("cu.units.init_runtimes")).isEqualTo(1);
    }

    @Test
    void initGlobalsAreReadOnlyAndAUnitsOwnGlobalsStayPerCall() {
        UnitSnapshot s = snapshot(unit("setup", Phase.INIT, "answer = 42 function set_answer(v) answer = v end"),
                unit("a", Phase.ACCESS, "ngx.log(ngx.ERR, answer) answer = 7 _G.answer = 8 ngx.log(ngx.ERR, answer)"
                        + " local ok, e = pcall(set_answer, 9) ngx.log(ngx.ERR, e)").withOrder(1),
                unit("b", Phase.ACCESS, "ngx.log(ngx.ERR, answer)").withOrder(2));
        RequestState state = run(s, Phase.ACCESS);
        // A unit's own globals live for its call; init's globals table cannot be written, even by init's functions.
        assertThat(state.logs()).extracting(RequestState.LogLine::message)
                .containsExactly("42", "8", "setup:1: attempt to modify a read-only table", "42");
    }

    @Test
    void functionsFromInitAreChargedToTheCallingUnit() {
        UnitSnapshot s = snapshot(unit("setup", Phase.INIT, "function spin() while true do end end"),
                unit("page", Phase.CONTENT, "spin()").withBudget(new Budget(100_000, 5_000)));
        UnitOutcome o = f.runner.run(s, Phase.CONTENT, get("/"), new RequestState()).outcomes().get(0);
        assertThat(o.kind()).isEqualTo(UnitOutcome.Kind.TIMEOUT);
        assertThat(o.message()).contains("instruction budget exceeded");
    }

    @Test
    void aFailingInitUnitIsReportedAndTheOthersStillCount() {
        UnitSnapshot s = snapshot(unit("a-ok", Phase.INIT, "x = 1"),
                unit("b-loop", Phase.INIT, "while true do end").withBudget(new Budget(10_000, 5_000)),
                unit("c-var", Phase.INIT, "y = ngx.var.uri"),
                unit("page", Phase.CONTENT, "ngx.say(x, ' ', tostring(y))"));
        List<UnitOutcome> failures = f.runner.prepare(s);
        assertThat(failures).extracting(UnitOutcome::unitId).containsExactly("b-loop", "c-var");
        assertThat(failures.get(0).kind()).isEqualTo(UnitOutcome.Kind.TIMEOUT);
        assertThat(failures.get(1).message()).contains("cannot be called in the init phase");
        assertThat(body(run(s, Phase.CONTENT))).isEqualTo("1 nil\n");
    }

    @Test
    void unitsWithoutInitSeeNoGlobals() {
        UnitSnapshot s = snapshot(unit("page", Phase.CONTENT, "ngx.say(tostring(config))"));
        assertThat(f.runner.prepare(s)).isEmpty();
        assertThat(body(run(s, Phase.CONTENT))).isEqualTo("nil\n");
    }
}
