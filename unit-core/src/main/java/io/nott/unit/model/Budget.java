package io.nott.unit.model;

/**
 * What one call of a unit may spend: Lua VM instructions and wall-clock milliseconds. Exceeding
 * either ends the call with a {@code timeout} outcome.
 */
public record Budget(long instructions, long wallMillis) {

    /** One million instructions (a token check needs about 20) and 50 ms. */
    public static final Budget DEFAULT = new Budget(1_000_000, 50);

    public Budget {
        if (instructions <= 0) {
            throw new IllegalArgumentException("budget.instructions must be > 0, got " + instructions);
        }
        if (wallMillis <= 0) {
            throw new IllegalArgumentException("budget.wallMillis must be > 0, got " + wallMillis);
        }
    }
}
