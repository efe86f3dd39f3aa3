package io.nott.unit.runtime;

/** A unit's Redis call failed; the message reaches Lua as the second return value. */
public class UnitRedisException extends RuntimeException {

    public UnitRedisException(String message) {
        super(message);
    }

    public UnitRedisException(String message, Throwable cause) {
        super(message, cause);
    }
}
