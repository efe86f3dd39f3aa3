package io.nott.unit.runtime;

import static io.nott.unit.runtime.Fixture.get;
import static io.nott.unit.runtime.Fixture.unit;
import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.nott.unit.model.Budget;
import io.nott.unit.model.ComputingUnit;
import io.nott.unit.model.Phase;
import java.time.Duration;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@code ngx.timer.*}: callbacks run after the request with the unit's budget, see
 * {@code premature} on shutdown and on a replaced unit, and nginx's limits and errors apply.
 * Observed through the in-memory Redis the callbacks write to; waits are loose deadlines, never assertions on time.
 */
class TimerTest {

    private final InMemoryUnitRedisClient redis = new InMemoryUnitRedisClient(Fixture.CLOCK);
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private PhaseRunner runner = new PhaseRunner(RunnerSettings.DEFAULT, meters, Fixture.CLOCK, redis,
            MemoryAdmission.unbounded(), new io.nott.unit.runtime.shared.SharedDicts(Fixture.CLOCK, meters, Long.MAX_VALUE),
            new TimerSettings(3, 2));

    @AfterEach
    void stop() {
        runner.shutdownTimers(Duration.ofSeconds(10));
    }

    private String run(ComputingUnit u) {
        return run(UnitSnapshot.build(1, List.of(u)), u);
    }

    private String run(UnitSnapshot s, ComputingUnit u) {
        RequestState state = new RequestState();
        PhaseResult r = runner.run(s, Phase.CONTENT, get("/"), state);
        assertThat(r.outcomes().get(0).kind()).as(r.outcomes().get(0).message()).isEqualTo(UnitOutcome.Kind.OK);
        return new String(state.body());
    }

    private static void await(BooleanSupplier done) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!done.getAsBoolean()) {
            assertThat(System.nanoTime()).as("condition not met within 20 s").isLessThan(deadline);
            Thread.sleep(10);
        }
    }

    private static final String R = "local r = edge_computing.redis_client ";

    @Test
    void aTimerRunsAfterTheRequestWithItsArguments() throws Exception {
        String body = run(unit("t", Phase.CONTENT, R + "local ok = ngx.timer.at(0, function(premature, a, b)"
                + " r:set('fired', tostring(premature) .. a .. b .. ngx.get_phase()) end, 'x', 'y') ngx.print(ok)"));
        assertThat(body).isEqualTo("1");
        await(() -> redis.get("ud:fired") != null);
        assertThat(redis.get("ud:fired")).isEqualTo("falsexytimer");
    }

    /** lua-nginx-module lets a timer sleep (it yields the timer); here the timer's own virtual thread waits. */
    @Test
    void aTimerMaySleep() throws Exception {
        run(unit("t", Phase.CONTENT, R + "ngx.timer.at(0, function()"
                + " local ok, e = pcall(ngx.sleep, 0.05) r:set('slept', tostring(ok) .. ':' .. tostring(e)) end)")
                // generous: a loaded machine must not turn the sleep into a timeout
                .withBudget(new Budget(1_000_000, 5_000)));
        await(() -> redis.get("ud:slept") != null);
        assertThat(redis.get("ud:slept")).isEqualTo("true:nil");
    }

    /**
     * The request-body, info and balancer functions act on the thread's call, not on the runtime
     * that made the closure: a timer must never read the request that runtime serves meanwhile.
     */
    @Test
    void bodyInfoAndBalancerApisAreDisabledInTimersToo() throws Exception {
        run(unit("t", Phase.CONTENT, R + "ngx.timer.at(0, function() local out = {}"
                + " for _, f in ipairs({ngx.req.get_body_data, ngx.req.raw_header, ngx.balancer.get_last_failure}) do"
                + " local ok, e = pcall(f) out[#out + 1] = tostring(ok) .. ':' .. tostring(e) end"
                + " r:set('errs', table.concat(out, '|')) end)"));
        await(() -> redis.get("ud:errs") != null);
        assertThat(redis.get("ud:errs")).isEqualTo(String.join("|", java.util.Collections.nCopies(3,
                "false:API disabled in the context of ngx.timer")));
    }

    @Test
    void requestApisAreDisabledInTimers() throws Exception {
        run(unit("t", Phase.CONTENT, R + "ngx.timer.at(0, function() local ok, e = pcall(ngx.say, 'x')"
                + " local ok2, e2 = pcall(function() return ngx.var.uri end) r:set('err', e .. '|' .. e2) end)"));
        await(() -> redis.get("ud:err") != null);
        assertThat(redis.get("ud:err")).isEqualTo("API disabled in the context of ngx.timer|t:1: API disabled in the context of ngx.timer");
    }

    @Test
    void pendingTimersRunPrematurelyOnShutdown() {
        String body = run(unit("t", Phase.CONTENT, R + "ngx.timer.at(3600, function(premature) r:set('p', tostring(premature)) end)"
                + " ngx.print(ngx.timer.pending_count())"));
        assertThat(body).isEqualTo("1");
        runner.shutdownTimers(Duration.ofSeconds(10));
        assertThat(redis.get("ud:p")).isEqualTo("true");
        assertThat(runner.timers().pendingCount()).isZero();
        assertThat(run(unit("t2", Phase.CONTENT, "ngx.print(select(2, ngx.timer.at(0, function() end)))"))).isEqualTo("process exiting");
    }

    @Test
    void tooManyPendingTimers() {
        String body = run(unit("t", Phase.CONTENT, "local out = {} for i = 1, 4 do local ok, e = ngx.timer.at(3600, function() end)"
                + " out[i] = tostring(ok) .. ',' .. tostring(e) end ngx.print(table.concat(out, ' '), ' ', ngx.timer.pending_count())"));
        assertThat(body).isEqualTo("1,nil 1,nil 1,nil nil,too many pending timers 3");
    }

    @Test
    void argumentErrorsAsNginx() {
        String body = run(unit("t", Phase.CONTENT, "ngx.print(select(2, pcall(ngx.timer.at, 'x', print)), '|',"
                + " select(2, pcall(ngx.timer.at, 0, print)), '|', select(2, pcall(ngx.timer.every, 0, function() end)))"));
        assertThat(body).isEqualTo("bad argument #1 to '?' (number expected, got string)|bad argument #2 to '?' (Lua function expected)|delay cannot be zero");
    }

    @Test
    void everyRepeatsUntilShutdown() throws Exception {
        run(unit("t", Phase.CONTENT, R + "ngx.timer.every(0.01, function(premature) if premature then r:set('stopped', '1')"
                + " else r:incrby('n', 1) end end)"));
        await(() -> redis.get("ud:n") != null && Integer.parseInt(redis.get("ud:n")) >= 3);
        runner.shutdownTimers(Duration.ofSeconds(10));
        assertThat(redis.get("ud:stopped")).isEqualTo("1");
    }

    @Test
    void aReplacedUnitsPendingTimersRunPrematurely() throws Exception {
        ComputingUnit v1 = unit("t", Phase.CONTENT, R + "ngx.timer.at(3600, function(premature) r:set('replaced', tostring(premature)) end)")
                .withAudit(1, java.time.Instant.EPOCH, "test");
        run(UnitSnapshot.build(1, List.of(v1)), v1);
        ComputingUnit v2 = v1.withCode("ngx.print('v2')").withAudit(2, java.time.Instant.EPOCH, "test");
        run(UnitSnapshot.build(2, List.of(v2)), v2);
        await(() -> redis.get("ud:replaced") != null);
        assertThat(redis.get("ud:replaced")).isEqualTo("true");
    }

    @Test
    void eachCallbackHasTheUnitsBudgetAndFailuresAreCounted() throws Exception {
        run(unit("spin", Phase.CONTENT, "ngx.timer.at(0, function() while true do end end)").withBudget(new Budget(100_000, 5_000)));
        await(() -> meters.find("cu.unit.timers.failed").tag("unit", "spin").counter() != null
                && meters.find("cu.unit.timers.failed").tag("unit", "spin").counter().count() == 1);
        await(() -> runner.timers().runningCount() == 0);
    }

    @Test
    void coroutinesAreCounted() {
        run(unit("c", Phase.CONTENT, "for i = 1, 3 do coroutine.wrap(function() end)() end"));
        assertThat(meters.find("cu.unit.coroutines").tag("unit", "c").counter().count()).isEqualTo(3);
    }
}
