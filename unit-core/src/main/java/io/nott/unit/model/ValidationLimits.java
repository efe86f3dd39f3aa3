package io.nott.unit.model;

/**
 * Bounds the {@link UnitValidator} enforces; the registry maps them from its configuration.
 *
 * @param maxCodeBytes    largest accepted Lua source in UTF-8 bytes
 * @param maxInstructions largest instruction budget a unit may ask for
 * @param maxWallMillis   largest wall-clock budget a unit may ask for
 * @param maxHosts        most host patterns per unit
 * @param maxPaths        most path scopes (nginx locations) per unit
 */
public record ValidationLimits(int maxCodeBytes, long maxInstructions, long maxWallMillis, int maxHosts,
        int maxPaths) {

    /** 64 KiB of code, 50 million instructions, 1 second, 64 host patterns, 64 paths. */
    public static final ValidationLimits DEFAULT = new ValidationLimits(64 * 1024, 50_000_000L, 1_000L, 64, 64);

    /** Limits with the default 64 paths per unit. */
    public ValidationLimits(int maxCodeBytes, long maxInstructions, long maxWallMillis, int maxHosts) {
        this(maxCodeBytes, maxInstructions, maxWallMillis, maxHosts, 64);
    }
}
