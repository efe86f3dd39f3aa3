package io.nott.unit.runtime;

/**
 * A unit's Redis call failed; the message reaches Lua as the second return value. The
 * {@link Reason} lets hosts count failures by cause (per unit, see {@link UnitRedisClient#failed}).
 */
public class UnitRedisException extends RuntimeException {

    /** Why the call failed; the lower-case name is the meter tag. */
    public enum Reason {
        /** Redis did not answer within the call's timeout. */
        TIMEOUT,
        /** The node's limit of Redis calls in flight was reached; the call was refused without waiting. */
        BUSY,
        /** No connection to Redis (down, failing over, reconnecting). */
        UNAVAILABLE,
        /** Redis answered with an error, or anything else. */
        ERROR;

        public String wireName() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    private final Reason reason;

    public UnitRedisException(String message) {
        this(Reason.ERROR, message, null);
    }

    public UnitRedisException(String message, Throwable cause) {
        this(Reason.ERROR, message, cause);
    }

    public UnitRedisException(Reason reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
