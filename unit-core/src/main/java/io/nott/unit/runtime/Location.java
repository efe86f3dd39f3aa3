package io.nott.unit.runtime;

import io.nott.unit.model.Phase;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * One location declared by units' {@code paths} (all units naming the same spec share it), and
 * per phase, in run order, the units that declare it. A request's location is chosen once
 * ({@link UnitSnapshot#locate}) and decides which path-scoped units run in every phase.
 */
public final class Location {

    private final String pattern;
    private final boolean exact;
    final Pattern regex;
    /** For a regex location, its place among the snapshot's regex locations (nginx tries them in this order); else -1. */
    final int regexOrder;
    /** True when a prefix location was declared with {@code ^~}: regexes are not tried after it. */
    boolean noRegex;
    private final List<List<UnitSnapshot.Entry>> byPhase = new ArrayList<>();

    Location(String pattern, boolean exact, Pattern regex, int regexOrder) {
        this.pattern = pattern;
        this.exact = exact;
        this.regex = regex;
        this.regexOrder = regexOrder;
        for (int i = 0; i < Phase.values().length; i++) {
            byPhase.add(new ArrayList<>());
        }
    }

    /** Called once per unit declaring it, in run order. */
    void add(UnitSnapshot.Entry e) {
        byPhase.get(e.unit().phase().ordinal()).add(e);
    }

    /**
     * The units of {@code phase} that declare this location, in run order, for every host (a
     * request asks its {@link HostIndex.HostView} for its host's ones).
     */
    List<UnitSnapshot.Entry> entries(Phase phase) {
        return byPhase.get(phase.ordinal());
    }

    /** The location as written in {@code paths} (and after nginx's {@code location}), e.g. {@code ^~ /static/}. */
    public String spec() {
        if (exact) {
            return "= " + pattern;
        }
        if (regex != null) {
            return pattern; // already "~ re" or "~* re"
        }
        return noRegex ? "^~ " + pattern : pattern;
    }

    @Override
    public String toString() {
        return spec();
    }
}
