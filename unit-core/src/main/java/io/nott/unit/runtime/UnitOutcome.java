package io.nott.unit.runtime;

import io.nott.unit.model.Phase;

/**
 * What one unit call did.
 *
 * @param unitId        the unit
 * @param phase         the phase it ran in
 * @param kind          ok, exit, error, timeout, skipped (sampled out), breaker_open (not called) or
 *                      overloaded (not called: the node's unit memory was all reserved, see {@link MemoryAdmission})
 * @param durationNanos wall time of the call, 0 when it did not run
 * @param instructions  Lua VM instructions the call executed
 * @param status        for {@code exit}: the status passed to {@code ngx.exit}/{@code ngx.redirect}; else 0
 * @param message       for {@code error}/{@code timeout}: what went wrong (with the unit's line when known); else null
 */
public record UnitOutcome(String unitId, Phase phase, Kind kind, long durationNanos, long instructions, int status,
                          String message) {

    public enum Kind {
        OK, EXIT, ERROR, TIMEOUT, SKIPPED, BREAKER_OPEN, OVERLOADED;

        /** Lower-case name used in meters, logs and JSON: {@code breaker_open}. */
        public String wireName() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }

        /** Errors and timeouts count against the circuit breaker and trigger the failure policy. */
        public boolean isFailure() {
            return this == ERROR || this == TIMEOUT;
        }
    }
}
