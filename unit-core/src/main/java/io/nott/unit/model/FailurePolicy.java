package io.nott.unit.model;

import java.util.Locale;

/** What a failing unit (error or timeout) does to the request. */
public enum FailurePolicy {
    /** Log, count and continue with the next unit: the request is served as if the unit had not run. */
    OPEN,
    /** Answer 500: use for units whose failure must not let the request through (e.g. auth). */
    CLOSED;

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses {@code open}/{@code closed} in any case. */
    public static FailurePolicy parse(String text) {
        if (text != null) {
            String s = text.trim().toUpperCase(Locale.ROOT);
            for (FailurePolicy p : values()) {
                if (p.name().equals(s)) {
                    return p;
                }
            }
        }
        throw new IllegalArgumentException("unknown failure policy '" + text + "'; expected open or closed");
    }
}
