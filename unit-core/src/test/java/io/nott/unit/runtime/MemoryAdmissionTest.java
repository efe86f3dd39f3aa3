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

    private static final long SLICE = MemoryAdmission.FIRST_SLICE_BYTES;

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
        MemoryAdmission admission = new MemoryAdmission(SLICE, Duration.ZERO, meters);
        PhaseRunner runner = new PhaseRunner(RunnerSettings.DEFAULT, meters, Fixture.CLOCK, new InMemoryUnitRedisClient(),
                admission);
        long other = admission.reserve(1, false); // another call in flight: a first slice no longer fits
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
        assertThat(meters.get("cu.unit.calls").tags("unit", "open", "phase", "access", "outcome", "overloaded").counter().count())
                .isEqualTo(1);

        admission.release(other);
        RequestState after = new RequestState();
        runner.run(snapshot(unit("open", Phase.ACCESS, "ngx.header['X-Ran'] = 'yes'")), Phase.ACCESS, get("/"), after);
        assertThat(after.headerChange("X-Ran").values()).containsExactly("yes");
        assertThat(admission.reserved()).as("every reservation given back").isZero();
    }

    @Test
    void aLeaseGrowsWithTheCallsChargesAndGivesEverythingBack() {
        MemoryAdmission admission = new MemoryAdmission(10 * SLICE, Duration.ZERO, null);
        MemoryAdmission.Lease lease = admission.open(SLICE, false);
        assertThat(admission.reserved()).isEqualTo(SLICE);
        assertThat(lease.cover(SLICE + 1)).as("doubles").isEqualTo(2 * SLICE);
        assertThat(lease.cover(7 * SLICE)).isEqualTo(7 * SLICE);
        MemoryAdmission.Lease other = admission.open(SLICE, false);
        assertThat(lease.cover(9 * SLICE + 1)).as("only what is left does not cover it").isEqualTo(-1);
        assertThat(lease.cover(9 * SLICE)).as("exactly what is needed when doubling does not fit").isEqualTo(9 * SLICE);
        assertThat(admission.reserved()).isEqualTo(10 * SLICE);
        other.close();
        lease.close();
        lease.close();
        assertThat(admission.reserved()).as("closing twice gives back once").isZero();
        assertThat(admission.rejections()).isEqualTo(1);
    }

    /** Issue #15: a call that goes on to keep more than the node can grant ends as overloaded, its memory given back. */
    @Test
    void aCallThatCannotGrowItsLeaseEndsOverloaded() {
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        MemoryAdmission admission = new MemoryAdmission(8 * SLICE, Duration.ZERO, meters);
        PhaseRunner runner = new PhaseRunner(RunnerSettings.DEFAULT, meters, Fixture.CLOCK, new InMemoryUnitRedisClient(),
                admission);
        String keep = "local keep = {} for i = 1, 3 do keep[i] = string.rep('x', 12 * 1024 * 1024) end";
        long other = admission.reserve(SLICE, false); // another call in flight (alone, a call may take the whole node)
        // A roomy wall clock: on a loaded machine the lease must be what stops it.
        io.nott.unit.model.Budget roomy = new io.nott.unit.model.Budget(10_000_000, 10_000);
        PhaseResult open = runner.run(snapshot(unit("hog", Phase.ACCESS, keep).withBudget(roomy)), Phase.ACCESS, get("/"),
                new RequestState());
        assertThat(open.outcomes()).extracting(UnitOutcome::kind).containsExactly(Kind.OVERLOADED);
        assertThat(open.outcomes().get(0).message()).contains("overloaded");
        assertThat(open.action()).isEqualTo(PhaseResult.Action.CONTINUE);
        PhaseResult closed = runner.run(snapshot(unit("hog", Phase.ACCESS, keep).withBudget(roomy).withFailure(FailurePolicy.CLOSED)),
                Phase.ACCESS, get("/"), new RequestState());
        assertThat(closed.action()).isEqualTo(PhaseResult.Action.EXIT);
        assertThat(closed.status()).isEqualTo(500);
        PhaseResult small = runner.run(snapshot(unit("small", Phase.ACCESS, "local s = string.rep('x', 1024 * 1024)").withBudget(roomy)),
                Phase.ACCESS, get("/"), new RequestState());
        assertThat(small.outcomes()).extracting(UnitOutcome::kind).containsExactly(Kind.OK);
        admission.release(other);
        assertThat(admission.reserved()).as("every lease given back").isZero();
    }
}
