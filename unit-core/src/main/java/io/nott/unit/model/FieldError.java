package io.nott.unit.model;

/**
 * One thing wrong with a unit: the field (e.g. {@code code}, {@code hosts[1]}), what to fix, and
 * for Lua that does not compile the line of the unit's code it concerns.
 *
 * @param field   the field as an operator writes it, e.g. {@code budget.wallMillis}
 * @param message reads after the field name: "must be at most 1000 ms, got 5000"
 * @param line    1-based line in {@code code}, or {@code null} when the problem is not about one line
 */
public record FieldError(String field, String message, Integer line) {

    public FieldError(String field, String message) {
        this(field, message, null);
    }

    @Override
    public String toString() {
        return field + (line == null ? "" : " (line " + line + ")") + ": " + message;
    }
}
