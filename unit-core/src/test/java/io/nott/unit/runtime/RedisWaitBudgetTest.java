package io.nott.unit.runtime;

import static io.nott.unit.runtime.Fixture.get;
import static org.assertj.core.api.Assertions.assertThat;

import io.nott.unit.model.Budget;
import io.nott.unit.model.Phase;
import io.nott.unit.runtime.UnitOutcome.Kind;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;

/**
 * Waiting for Redis is not the unit's work: up to {@link RunnerSettings#maxRedisWait()} per call
 * it does not count against the 50 ms wall-clock budget (a loaded node used to time out, and then
 * open the breaker of, a counter unit that did almost nothing); past that allowance it does, so a
 * unit looping over a slow Redis still ends.
 */
class RedisWaitBudgetTest {

    /** A Redis whose every increment takes 120 ms to answer: more than the whole default wall budget. */
    private static UnitRedisClient slowRedis() {
        InMemoryUnitRedisClient store = new InMemoryUnitRedisClient(Fixture.CLOCK);
        return (UnitRedisClient) Proxy.newProxyInstance(UnitRedisClient.class.getClassLoader(),
                new Class<?>[] {UnitRedisClient.class}, (proxy, method, args) -> {
                    if (method.getName().equals("incrby")) {
                        LockSupport.parkNanos(Duration.ofMillis(120).toNanos()); // the network round trip
                    }
                    try {
                        return method.invoke(store, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }

    private static UnitOutcome runLog(Duration maxRedisWait, String code) {
        RunnerSettings d = RunnerSettings.DEFAULT;
        RunnerSettings settings = new RunnerSettings(d.limits(), d.breakerFailureThreshold(), d.breakerCoolDown(),
                d.maxBodyBytes(), maxRedisWait);
        PhaseRunner runner = new PhaseRunner(settings, null, Fixture.CLOCK, slowRedis());
        PhaseResult r = runner.run(Fixture.snapshot(Fixture.unit("counter", Phase.LOG, code).withBudget(Budget.DEFAULT)), Phase.LOG,
                get("/hls/live.m3u8"), new RequestState());
        return r.outcomes().get(0);
    }

    @Test
    void aSlowRedisAnswerIsNotChargedToTheWallBudget() {
        UnitOutcome o = runLog(Duration.ofSeconds(1),
                "local n, err = edge_computing.redis_client:incr('soak') assert(n == 1, err)");
        assertThat(o.kind()).as(o.message()).isEqualTo(Kind.OK);
    }

    @Test
    void withoutAnAllowanceTheWaitCountsAsBefore() {
        UnitOutcome o = runLog(Duration.ZERO, "edge_computing.redis_client:incr('soak')");
        assertThat(o.kind()).isEqualTo(Kind.TIMEOUT);
        assertThat(o.message()).contains("wall-clock budget exceeded");
    }

    @Test
    void waitingBeyondTheAllowanceEndsTheUnit() {
        // 20 waits of 120 ms: the first second is excused, the rest runs out the 50 ms budget.
        UnitOutcome o = runLog(Duration.ofSeconds(1),
                "for i = 1, 20 do edge_computing.redis_client:incr('soak') end");
        assertThat(o.kind()).isEqualTo(Kind.TIMEOUT);
    }
}
