package io.nott.unit.runtime;

import io.nott.unit.model.Phase;

/**
 * What one unit call did.
 *
 * @param unitId        the unit
 * @param phase         the phase it ran in
 * @param kind          ok, exit, error, timeout, skipped (sampled out), breaker_open (not called) or
 *                      overloaded (not called, or stopped when it could not grow its lease: the node's unit
 *                      memory was all reserved, see {@link MemoryAdmission})
 * @param durationNanos wall time of the call, 0 when it did not run
 * @param instructions  Lua VM instructions the call executed
 * @param status        for {@code exit}: the status passed to {@code ngx.exit}/{@code ngx.redirect}; else 0
 * @param message       for {@code error}/{@code timeout}: what went wrong (with the unit's line when known); else null
 * @param canary        true when the unit's canary version ran (or would have), not its stable one (issue #18)
 */
public record UnitOutcome(String unitId, Phase phase, Kind kind, long durationNanos, long instructions, int status,
                          String message, boolean canary) {

    /** An outcome of a unit's stable version. */
    public UnitOutcome(String unitId, Phase phase, Kind kind, long durationNanos, long instructions, int status,
                       String message) {
        this(unitId, phase, kind, durationNanos, instructions, status, message, false);
    }

    /** {@code stable} or {@code canary}: the bounded tag meters and health figures carry. */
    public String role() {
        return canary ? "canary" : "stable";
    }

    /** This outcome, said of the canary version. */
    public UnitOutcome asCanary() {
        return canary ? this : new UnitOutcome(unitId, phase, kind, durationNanos, instructions, status, message, true);
    }

    /**
     * The one text the registry (validate, dry run) and the edge (logs) show for a failed call:
     * {@code unit 'x' (access) line 2: attempt to index field 'foo' (a nil value)} — issue #20's
     * shape with LuaJIT's wording; {@code unit 'x' (access): ...} when the error has no line.
     * Null when the call has no message.
     */
    public String problem() {
        if (message == null) {
            return null;
        }
        String prefix = "unit '" + unitId + "' (" + phase.luaName() + ")";
        String chunk = unitId + ":";
        if (message.startsWith(chunk)) {
            int end = message.indexOf(": ", chunk.length());
            if (end > chunk.length() && message.substring(chunk.length(), end).chars().allMatch(Character::isDigit)) {
                return prefix + " line " + message.substring(chunk.length(), end) + ": " + message.substring(end + 2);
            }
        }
        return prefix + ": " + message;
    }

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
