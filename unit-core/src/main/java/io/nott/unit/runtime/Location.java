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
    /** True when a prefix location was declared with {@code ^~}: regexes are not tried after it. */
    boolean noRegex;
    private final List<List<UnitSnapshot.Entry>> byPhase = new ArrayList<>();
    private final List<UnitSnapshot.Entry> all = new ArrayList<>();
    private boolean everyHost;

    Location(String pattern, boolean exact, Pattern regex) {
        this.pattern = pattern;
        this.exact = exact;
        this.regex = regex;
        for (int i = 0; i < Phase.values().length; i++) {
            byPhase.add(new ArrayList<>());
        }
    }

    void add(UnitSnapshot.Entry e) {
        if (!all.contains(e)) { // a unit naming one location twice is in it once
            all.add(e);
            byPhase.get(e.unit().phase().ordinal()).add(e);
            everyHost |= e.hosts.matchesAll();
        }
    }

    /** The units of {@code phase} that declare this location, in run order. */
    List<UnitSnapshot.Entry> entries(Phase phase) {
        return byPhase.get(phase.ordinal());
    }

    /** True when a unit (of any phase) declaring it is for {@code host}: only then does it exist for the request. */
    boolean existsFor(String host) {
        if (everyHost) {
            return true;
        }
        for (int i = 0; i < all.size(); i++) {
            if (all.get(i).hosts.matches(host)) {
                return true;
            }
        }
        return false;
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
