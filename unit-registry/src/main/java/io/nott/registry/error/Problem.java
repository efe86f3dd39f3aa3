package io.nott.registry.error;

/**
 * One thing wrong with a request: the field it concerns (or {@code null}), what to fix, and
 * for Lua that does not compile the line in the unit's code.
 */
public record Problem(String field, String message, Integer line) {

    public Problem(String field, String message) {
        this(field, message, null);
    }
}
