package io.nott.unit.runtime;

import java.util.List;
import org.luaj.vm2.LuaTable;

/**
 * What the init units of one snapshot left behind, run once per node ({@link PhaseRunner#prepare}):
 * the runtime they ran in, the globals table they shared and one outcome per init unit. Never
 * changed after: each runtime takes its own copy ({@link Forker}), as each nginx worker gets its
 * own copy of what init_by_lua built in the master.
 */
record InitState(LuaEngine source, LuaTable globals, List<UnitOutcome> outcomes) {

    /** The init units that failed (error or timeout); empty when the snapshot may serve. */
    List<UnitOutcome> failures() {
        return outcomes.stream().filter(o -> o.kind().isFailure()).toList();
    }
}
