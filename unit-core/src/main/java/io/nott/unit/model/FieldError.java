package io.nott.unit.model;

/** One thing wrong with a unit: the field (e.g. {@code code}, {@code hosts[1]}) and what to fix. */
public record FieldError(String field, String message) {

    @Override
    public String toString() {
        return field + ": " + message;
    }
}
