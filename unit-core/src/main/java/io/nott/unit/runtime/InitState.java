package io.nott.unit.runtime;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.luaj.vm2.LuaTable;

/**
 * What the init units of one snapshot left behind, run once per node ({@link PhaseRunner#prepare}):
 * the runtime they ran in, the globals table they shared and one outcome per init unit. Never
 * changed after: each runtime takes its own copy ({@link Forker}), as each nginx worker gets its
 * own copy of what init_by_lua built in the master.
 *
 * @param bytes  what the init calls allocated in all, as the sandbox measured it ({@link LuaEngine.Call#allocated}):
 *               an upper bound of what the globals hold (garbage of the calls included), each call's
 *               share bounded by the per-call allocation limit
 * @param copies how many runtimes took a copy so far (counted by {@link LuaEngine} as it forks one)
 */
record InitState(LuaEngine source, LuaTable globals, List<UnitOutcome> outcomes, long bytes, AtomicInteger copies) {

    static InitState none() {
        return new InitState(null, null, List.of(), 0, new AtomicInteger());
    }

    /** The init units that failed (error or timeout); empty when the snapshot may serve. */
    List<UnitOutcome> failures() {
        return outcomes.stream().filter(o -> o.kind().isFailure()).toList();
    }
}
