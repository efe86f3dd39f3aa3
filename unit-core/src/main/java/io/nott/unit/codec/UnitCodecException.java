package io.nott.unit.codec;

/** A stored unit that cannot be decoded: which field and why. */
public final class UnitCodecException extends RuntimeException {

    private final String field;

    public UnitCodecException(String field, String message) {
        super(field + ": " + message);
        this.field = field;
    }

    public String field() {
        return field;
    }
}
