package io.nott.unit.runtime;

import io.nott.unit.model.Phase;
import java.util.EnumSet;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Where a Lua API may be called: the phases a unit may call it in, and whether an
 * {@code ngx.timer} callback (which runs for no request) may call it too. lua-nginx-module checks
 * each API against the current context the same way ({@code ngx_http_lua_check_context}); timers
 * are a context of their own there, not a phase, so they are a flag here.
 *
 * @param phases the phases a unit may call the API in
 * @param timers true when timer callbacks may call it (cosockets, ngx.sleep, logging, ngx.ctx)
 */
record ApiScope(Set<Phase> phases, boolean timers) {

    ApiScope {
        phases = phases.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(phases));
    }

    static ApiScope of(Phase first, Phase... rest) {
        return new ApiScope(EnumSet.of(first, rest), false);
    }

    /** Every phase except those named. */
    static ApiScope allBut(Phase first, Phase... rest) {
        return new ApiScope(EnumSet.complementOf(EnumSet.of(first, rest)), false);
    }

    /** The same phases, and timer callbacks too. */
    ApiScope andTimers() {
        return new ApiScope(phases, true);
    }

    boolean allows(Phase phase) {
        return phases.contains(phase);
    }

    /** The phase names for an error message, in phase order. */
    String describe() {
        return EnumSet.copyOf(phases).stream().map(Phase::luaName).collect(Collectors.joining(", "));
    }
}
