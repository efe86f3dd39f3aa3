package io.nott.edge.units.run;

/**
 * Bounds on what units may add to one request's exchange ({@code edge.units.max-headers},
 * {@code max-header-bytes}, {@code max-body}): header values set on the request and the response
 * (counted apart), their bytes, and the body {@code body_filter} may produce.
 */
public record UnitOutputLimits(int maxCount, long maxBytes, long maxFilteredOutput) {

    /** nginx-sized defaults: about what fits in {@code proxy_buffer_size}-scale heads, and the 16 MiB body limit. */
    public static final UnitOutputLimits DEFAULT = new UnitOutputLimits(100, 64 * 1024, 16L * 1024 * 1024);

    public UnitOutputLimits {
        if (maxCount < 1 || maxBytes < 1 || maxFilteredOutput < 1) {
            throw new IllegalArgumentException("unit header/body limits must be positive: " + maxCount + ", " + maxBytes
                    + ", " + maxFilteredOutput);
        }
    }
}
