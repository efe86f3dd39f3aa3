package io.nott.unit.runtime;

import static io.nott.unit.runtime.Fixture.get;
import static io.nott.unit.runtime.Fixture.unit;
import static org.assertj.core.api.Assertions.assertThat;

import io.nott.unit.model.Budget;
import io.nott.unit.model.ComputingUnit;
import io.nott.unit.model.FailurePolicy;
import io.nott.unit.model.Phase;
import io.nott.unit.runtime.UnitOutcome.Kind;
import org.junit.jupiter.api.Test;

/** The recent-cost estimate hosts use to move slow units off their event loop. */
class UnitCostTest {

    private static final long MS = 1_000_000;
    /** A loaded test machine must not turn these calls into timeouts: this test is about cost, not budgets. */
    private static final Budget ROOMY = new Budget(1_000_000, 5_000);

    @Test
    void aSlowCallMakesTheUnitSlowAndCheapCallsBringItBackWithHysteresis() {
        UnitCost cost = new UnitCost();
        for (int i = 0; i < 100; i++) {
            cost.record(20_000); // 20 us: a compiled unit
        }
        assertThat(cost.slow(MS)).isFalse();
        cost.record(45 * MS);
        assertThat(cost.slow(MS)).as("one 45 ms call is enough").isTrue();
        int cheapCalls = 0;
        while (cost.slow(MS)) {
            cost.record(20_000);
            cheapCalls++;
            assertThat(cheapCalls).as("cheap calls bring the estimate down").isLessThan(200);
        }
        // Hysteresis: it became cheap only below half the threshold, not just below it.
        assertThat(cost.estimateNanos()).isLessThan(MS / 2);
        assertThat(cheapCalls).as("not after the first cheap call").isGreaterThan(10);
    }

    @Test
    void aCallCountsNoMoreThanItsWorkCanTake() {
        UnitCost cost = new UnitCost();
        // 40 instructions that took 30 ms of wall time: preempted, paused, not busy.
        cost.record(30 * MS, 40);
        assertThat(cost.estimateNanos()).isEqualTo(40 * UnitCost.SLOWEST_NANOS_PER_INSTRUCTION);
        assertThat(cost.slow(MS)).as("a stalled cheap call is not a slow unit").isFalse();
        // Enough work to take the wall time it took: the wall time counts.
        cost.record(30 * MS, 10_000_000);
        assertThat(cost.slow(MS)).isTrue();
        // Wall time below what the work could take: wall time (the work ran at its warm pace).
        UnitCost warm = new UnitCost();
        warm.record(20_000, 4_000);
        assertThat(warm.estimateNanos()).isEqualTo(20_000);
        // No overflow on an absurd count.
        UnitCost huge = new UnitCost();
        huge.record(5 * MS, Long.MAX_VALUE);
        assertThat(huge.estimateNanos()).isEqualTo(5 * MS);
    }

    @Test
    void aUnitNeverCalledIsUnmeasuredAndItsFirstCallSetsTheEstimate() {
        UnitCost cost = new UnitCost();
        assertThat(cost.measured()).isFalse();
        assertThat(cost.slow(MS)).as("no recorded cost makes it slow").isFalse();
        assertThat(cost.estimateNanos()).isZero();

        cost.record(3 * MS);
        assertThat(cost.measured()).isTrue();
        assertThat(cost.estimateNanos()).as("the first call sets the estimate").isEqualTo(3 * MS);
        assertThat(cost.slow(MS)).isTrue();
    }

    @Test
    void aNewUnitsRequestPhasesLeaveTheLoopUntilItsFirstCallButNotItsHeaderFilter() {
        Fixture f = new Fixture();
        UnitSnapshot snapshot = UnitSnapshot.build(1, java.util.List.of(
                unit("fresh", Phase.ACCESS, "local x = 1").withBudget(ROOMY),
                unit("stamp", Phase.HEADER_FILTER, "ngx.header['X-A'] = '1'").withBudget(ROOMY)));
        assertThat(snapshot.slow(Phase.ACCESS, "example.com", MS)).as("never called: nothing says it is cheap").isTrue();
        assertThat(snapshot.slow(Phase.HEADER_FILTER, "example.com", MS)).isFalse();
        assertThat(snapshot.slowUnits(MS)).as("only measured costs are listed").isEmpty();

        f.runner.run(snapshot, Phase.ACCESS, get("/"), new RequestState());
        assertThat(snapshot.cost("fresh").measured()).isTrue();
        assertThat(snapshot.slow(Phase.ACCESS, "example.com", 10 * MS)).as("measured cheap").isFalse();
    }

    @Test
    void aUnitBetweenHalfAndTheThresholdKeepsItsState() {
        UnitCost cost = new UnitCost();
        for (int i = 0; i < 100; i++) {
            cost.record(700_000);
        }
        assertThat(cost.slow(MS)).as("never above: still cheap").isFalse();
        for (int i = 0; i < 20; i++) {
            cost.record(5 * MS);
        }
        assertThat(cost.slow(MS)).isTrue();
        for (int i = 0; i < 500; i++) {
            cost.record(700_000);
        }
        assertThat(cost.slow(MS)).as("0.7 ms is above half the threshold: stays slow").isTrue();
    }

    @Test
    void theRunnerRecordsCostsAndRefusesSlowUnitsWhenAskedUnderTheirFailurePolicy() {
        Fixture f = new Fixture();
        ComputingUnit open = unit("busy-open", Phase.ACCESS, "local x = 0 for i = 1, 2000 do x = x + i end")
                .withBudget(ROOMY);
        ComputingUnit closed = unit("busy-closed", Phase.REWRITE, "local x = 0 for i = 1, 2000 do x = x + i end")
                .withBudget(ROOMY).withFailure(FailurePolicy.CLOSED);
        UnitSnapshot snapshot = UnitSnapshot.build(1, java.util.List.of(open, closed));
        long threshold = 1_000; // 1 us: any Lua call is above it
        f.runner.run(snapshot, Phase.ACCESS, get("/"), new RequestState());
        f.runner.run(snapshot, Phase.REWRITE, get("/"), new RequestState());
        assertThat(snapshot.cost("busy-open").estimateNanos()).isPositive();
        assertThat(snapshot.slowUnits(threshold)).containsExactlyInAnyOrder("busy-open", "busy-closed");
        assertThat(snapshot.slow(Phase.ACCESS, "example.com", threshold)).isTrue();
        assertThat(snapshot.slow(Phase.CONTENT, "example.com", threshold)).isFalse();

        PhaseResult openRefused = f.runner.run(snapshot, Phase.ACCESS, get("/"), new RequestState(), threshold);
        assertThat(openRefused.isContinue()).isTrue();
        assertThat(openRefused.outcomes()).extracting(UnitOutcome::kind).containsExactly(Kind.OVERLOADED);
        PhaseResult closedRefused = f.runner.run(snapshot, Phase.REWRITE, get("/"), new RequestState(), threshold);
        assertThat(closedRefused.status()).isEqualTo(500);
        assertThat(closedRefused.outcomes()).singleElement().satisfies(o ->
                assertThat(o.problem()).contains("slow").contains("retry later"));
        // A refusal never touches the estimate, and a cheap threshold refuses nothing.
        assertThat(f.runner.run(snapshot, Phase.ACCESS, get("/"), new RequestState(), Long.MAX_VALUE).outcomes())
                .extracting(UnitOutcome::kind).containsExactly(Kind.OK);
    }
}
