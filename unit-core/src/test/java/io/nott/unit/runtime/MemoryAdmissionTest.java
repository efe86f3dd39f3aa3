package io.nott.unit.runtime;

import static io.nott.unit.runtime.Fixture.get;
import static io.nott.unit.runtime.Fixture.snapshot;
import static io.nott.unit.runtime.Fixture.unit;
import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.nott.unit.model.FailurePolicy;
import io.nott.unit.model.Phase;
import io.nott.unit.runtime.UnitOutcome.Kind;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Node admission (issue #15): calls reserve their memory budget; what does not fit is refused, never run. */
class MemoryAdmissionTest {

    private static final long BUDGET = RunnerSettings.DEFAULT.limits().maxAllocatedBytes();

    @Test
    void reservationsNeverPassTheCapacity() {
        MemoryAdmission admission = new MemoryAdmission(100, Duration.ZERO, null);
        long first = admission.reserve(60, false);
        assertThat(first).isEqualTo(60);
        assertThat(admission.reserve(60, false)).isEqualTo(-1);
        assertThat(admission.reserve(40, false)).isEqualTo(40);
        admission.release(first);
        assertThat(admission.reserve(1_000, false)).as("cut to the capacity, and it does not fit now").isEqualTo(-1);
        assertThat(admission.reserved()).isEqualTo(40);
    }

    @Test
    void aCallThatMayWaitGetsMemoryFreedWhileItWaits() throws Exception {
        MemoryAdmission admission = new MemoryAdmission(100, Duration.ofSeconds(30), null);
        long held = admission.reserve(100, false);
        CountDownLatch waiting = new CountDownLatch(1);
        CompletableFuture<Long> waiter = new CompletableFuture<>();
        Thread.ofVirtual().start(() -> {
            waiting.countDown();
            waiter.complete(admission.reserve(50, true));
        });
        waiting.await(10, TimeUnit.SECONDS);
        admission.release(held);
        assertThat(waiter.get(30, TimeUnit.SECONDS)).isEqualTo(50);
    }

    @Test
    void aCallThatCannotReserveIsOverloadedAndItsPolicyDecides() {
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        MemoryAdmission admission = new MemoryAdmission(BUDGET, Duration.ZERO, meters);
        PhaseRunner runner = new PhaseRunner(RunnerSettings.DEFAULT, meters, Fixture.CLOCK, new InMemoryUnitRedisClient(),
                admission);
        long other = admission.reserve(1, false); // another call in flight: one budget no longer fits
        RequestState open = new RequestState();
        PhaseResult openResult = runner.run(snapshot(unit("open", Phase.ACCESS, "ngx.header['X-Ran'] = 'yes'")),
                Phase.ACCESS, get("/"), open);
        assertThat(openResult.outcomes()).extracting(UnitOutcome::kind).containsExactly(Kind.OVERLOADED);
        assertThat(openResult.action()).isEqualTo(PhaseResult.Action.CONTINUE);
        assertThat(open.headerChange("X-Ran")).as("the unit did not run").isNull();
        PhaseResult closed = runner.run(snapshot(unit("closed", Phase.ACCESS, "return").withFailure(FailurePolicy.CLOSED)),
                Phase.ACCESS, get("/"), new RequestState());
        assertThat(closed.action()).isEqualTo(PhaseResult.Action.EXIT);
        assertThat(closed.status()).isEqualTo(500);
        assertThat(meters.counter("cu.unit.admission.rejected").count()).isEqualTo(2);
        assertThat(meters.counter("cu.unit.calls", "unit", "open", "phase", "access", "outcome", "overloaded").count())
                .isEqualTo(1);

        admission.release(other);
        RequestState after = new RequestState();
        runner.run(snapshot(unit("open", Phase.ACCESS, "ngx.header['X-Ran'] = 'yes'")), Phase.ACCESS, get("/"), after);
        assertThat(after.headerChange("X-Ran").values()).containsExactly("yes");
        assertThat(admission.reserved()).as("every reservation given back").isZero();
    }
}
