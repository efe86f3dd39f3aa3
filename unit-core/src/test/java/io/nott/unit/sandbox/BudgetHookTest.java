package io.nott.unit.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nott.unit.model.Budget;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Library work is charged before it is done, and a charge that cannot finish inside the budget
 * is refused up front (issue #15): by the instructions left, and by the wall time left at the
 * call's pace so far. The wall clock is a test clock here, so the figures are exact.
 */
class BudgetHookTest {

    private static final long MS = 1_000_000L;
    private final AtomicLong now = new AtomicLong(1_000 * MS);
    private final BudgetHook hook = new BudgetHook(now::get);

    @AfterEach
    void disarm() {
        hook.disarm();
    }

    @Test
    void aChargeLargerThanTheInstructionsLeftIsRefusedBeforeTheWork() {
        hook.arm(new Budget(1_000_000, 50), SandboxLimits.DEFAULT);
        hook.spend(900_000);
        assertThatThrownBy(() -> hook.spend(200_000))
                .isInstanceOf(UnitAbort.BudgetExceeded.class)
                .hasMessage("instruction budget exceeded: more than 1000000 instructions");
        // The call is over: the next charge does not run any work either.
        assertThatThrownBy(() -> hook.spend(1)).isInstanceOf(UnitAbort.BudgetExceeded.class);
    }

    /** Runs {@code n} Lua instructions, each taking {@code nanos} of the test clock. */
    private void runLua(int n, long nanos) {
        for (int i = 0; i < n; i++) {
            now.addAndGet(nanos);
            hook.onInstruction(0, null, 0);
        }
    }

    @Test
    void workThatCannotEndBeforeTheDeadlineAtTheMeasuredPaceIsRefusedUpFront() {
        hook.arm(new Budget(50_000_000_000L, 50), SandboxLimits.DEFAULT);
        runLua(4 * BudgetHook.CHECK_EVERY, 100);
        now.addAndGet(40 * MS);
        // 50,000 instructions of library work need ~5 ms at 100 ns each; ~9.6 ms are left.
        hook.spend(50_000);
        now.addAndGet(5 * MS);
        // 100,000 would need ~10 ms with ~4.6 ms left: refused before the work.
        assertThatThrownBy(() -> hook.spend(100_000))
                .isInstanceOf(UnitAbort.BudgetExceeded.class)
                .hasMessage("wall-clock budget exceeded");
        assertThat(hook.instructions()).isEqualTo(4 * BudgetHook.CHECK_EVERY + 150_000);
    }

    @Test
    void anUnmeasuredPaceAndSmallChargesAreOnlyCheckedAgainstTheDeadline() {
        hook.arm(new Budget(50_000_000_000L, 50), SandboxLimits.DEFAULT);
        now.addAndGet(49 * MS);
        // No Lua interval measured yet: a big charge before the deadline is let through.
        hook.spend(60_000);
        // Small charges (under one check interval) are not predicted: they run as instructions do.
        for (int i = 0; i < 100; i++) {
            hook.spend(10);
        }
        now.addAndGet(2 * MS);
        assertThatThrownBy(() -> hook.spend(BudgetHook.CHECK_EVERY))
                .isInstanceOf(UnitAbort.BudgetExceeded.class)
                .hasMessage("wall-clock budget exceeded");
    }

    @Test
    void thePaceIsMeasuredOnLuaInstructionsOnlyAndOneSlowIntervalMovesItLittle() {
        hook.arm(new Budget(50_000_000_000L, 50), SandboxLimits.DEFAULT);
        runLua(2 * BudgetHook.CHECK_EVERY, 100);
        // Library work that took long (a GC pause in it, say) is not a Lua interval: not sampled.
        hook.spend(10_000);
        now.addAndGet(20 * MS);
        runLua(BudgetHook.CHECK_EVERY, 100);
        // One interval of 10 us per instruction (the thread descheduled): counted as 4x at most, 1/8 weight.
        runLua(BudgetHook.CHECK_EVERY, 10_000);
        // ~19 ms left; the pace is at most 100 + (400 - 100) / 8 = 137.5 ns: 120,000 need ~16.5 ms.
        hook.spend(120_000);
        assertThatThrownBy(() -> hook.spend(150_000)).hasMessage("wall-clock budget exceeded");
    }

    /**
     * Issue #15: a kind of library work that really takes longer than the Lua pace predicts (a
     * fresh large buffer, a cold method) is refused by its measured time from its next charge on;
     * another kind keeps the Lua pace, and a refusal on the estimate alone lowers it a little.
     */
    @Test
    void aKindOfWorkIsRefusedByTheTimeItReallyTook() {
        hook.arm(new Budget(50_000_000_000L, 50), SandboxLimits.DEFAULT);
        runLua(4 * BudgetHook.CHECK_EVERY, 100);
        // 10,000 COPY instructions predicted at 1 ms (100 ns each) take 10 ms: 1 us each.
        hook.spend(Allocation.Work.COPY, 10_000);
        now.addAndGet(10 * MS);
        runLua(1, 100); // the next instruction ends the work's measurement
        // ~39.6 ms left: 20,000 HASH instructions at the Lua pace (2 ms) go ahead ...
        hook.spend(Allocation.Work.HASH, 20_000);
        now.addAndGet(2 * MS);
        // ... but 40,000 COPY instructions at the measured 1 us would need 40 ms: refused before the work.
        assertThatThrownBy(() -> hook.spend(Allocation.Work.COPY, 40_000))
                .isInstanceOf(UnitAbort.BudgetExceeded.class)
                .hasMessage("wall-clock budget exceeded");

        // The next call: 37,000 COPY at 7/8 of 1 us (~32 ms) fit a fresh 50 ms budget.
        hook.disarm();
        hook.arm(new Budget(50_000_000_000L, 50), SandboxLimits.DEFAULT);
        hook.spend(Allocation.Work.COPY, 37_000);
        now.addAndGet(MS);
        runLua(1, 100); // fast this time (27 ns each): the measure moves a quarter of the way, to ~663 ns
        // ~49 ms left: 80,000 COPY at ~663 ns need ~53 ms: refused.
        assertThatThrownBy(() -> hook.spend(Allocation.Work.COPY, 80_000)).hasMessage("wall-clock budget exceeded");
    }
}
