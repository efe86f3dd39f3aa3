package io.nott.unit.runtime;

import io.nott.unit.model.Phase;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * The units of one snapshot indexed by their {@code hosts}, as nginx indexes {@code server_name}s:
 * exact names in a hash, {@code *.example.com} by the suffix a host ends with, {@code www.example.*}
 * by the prefix it starts with, then the {@code ~regex}es in run order; units without hosts are
 * for every host. A request's host is looked up once per snapshot ({@link HostView}, cached by the
 * host as the request gave it), so a request never looks at a unit scoped to another host: its
 * cost is a hash lookup, and on the first request of a host the number of dots in the name plus
 * the regex patterns (as in nginx, regexes are the one form that must be tried one by one).
 *
 * <p>Unlike an nginx request, which is served by one {@code server}, a host runs every unit one of
 * whose patterns matches it ({@link HostMatcher}, the definition this index agrees with), in run
 * order; the nginx order only decides the order of the lookups. The tables are persistent
 * ({@link Tables}): a snapshot made from the previous one plus a changed unit shares them but for
 * the O(log n) nodes the unit's patterns touch. Immutable but for the cache of views, which starts
 * empty with every snapshot.
 */
final class HostIndex {

    /**
     * Bound on cached hosts: the Host header is the client's, so the cache must not grow with
     * whatever names clients send. A full cache starts again empty; a miss costs the lookups above.
     */
    static final int MAX_CACHED_HOSTS = 4096;

    private record Regex(Pattern pattern, UnitSnapshot.Entry entry) {
    }

    /** A unit's {@code index}th regex pattern: regexes are tried in run order, then in the unit's list order. */
    private record RegexKey(UnitSnapshot.RunKey unit, int index) implements Comparable<RegexKey> {
        @Override
        public int compareTo(RegexKey o) {
            int c = unit.compareTo(o.unit);
            return c != 0 ? c : Integer.compare(index, o.index);
        }
    }

    private static PersistentSortedMap<UnitSnapshot.RunKey, UnitSnapshot.Entry> noEntries() {
        return PersistentSortedMap.empty();
    }

    /**
     * The index's tables: each host key (an exact name, a {@code *.} suffix, a {@code .*} prefix)
     * to its units in run order, the regexes in run order, the units for every host. Adding or
     * removing one unit returns new tables sharing all that the unit does not touch.
     *
     * @param endsWith   {@code *.example.com} under {@code .example.com}
     * @param startsWith {@code www.example.*} under {@code www.example.}
     */
    record Tables(PersistentSortedMap<String, PersistentSortedMap<UnitSnapshot.RunKey, UnitSnapshot.Entry>> exact,
                  PersistentSortedMap<String, PersistentSortedMap<UnitSnapshot.RunKey, UnitSnapshot.Entry>> endsWith,
                  PersistentSortedMap<String, PersistentSortedMap<UnitSnapshot.RunKey, UnitSnapshot.Entry>> startsWith,
                  PersistentSortedMap<RegexKey, Regex> regexes,
                  PersistentSortedMap<UnitSnapshot.RunKey, UnitSnapshot.Entry> everyHost) {

        static final Tables EMPTY = new Tables(PersistentSortedMap.empty(), PersistentSortedMap.empty(),
                PersistentSortedMap.empty(), PersistentSortedMap.empty(), noEntries());

        /** The tables of {@code entries} (stable entries, in run order) built at once, in O(n): as many {@link #with}s give. */
        static Tables of(List<UnitSnapshot.Entry> entries) {
            java.util.TreeMap<String, List<UnitSnapshot.Entry>> exact = new java.util.TreeMap<>();
            java.util.TreeMap<String, List<UnitSnapshot.Entry>> endsWith = new java.util.TreeMap<>();
            java.util.TreeMap<String, List<UnitSnapshot.Entry>> startsWith = new java.util.TreeMap<>();
            List<RegexKey> regexKeys = new ArrayList<>();
            List<Regex> regexes = new ArrayList<>();
            List<UnitSnapshot.RunKey> everyKeys = new ArrayList<>();
            List<UnitSnapshot.Entry> every = new ArrayList<>();
            for (UnitSnapshot.Entry e : entries) {
                if (e.hosts.matchesAll()) {
                    everyKeys.add(e.key);
                    every.add(e);
                    continue;
                }
                int regex = 0;
                for (String h : e.unit().hosts()) {
                    if (h.startsWith("~")) {
                        regexKeys.add(new RegexKey(e.key, regex));
                        regexes.add(new Regex(e.hosts.regexes().get(regex++), e));
                    } else if (h.startsWith("*.")) {
                        add(endsWith, HostMatcher.wildcardSuffix(h), e);
                    } else if (h.endsWith(".*")) {
                        add(startsWith, HostMatcher.wildcardPrefix(h), e);
                    } else {
                        add(exact, HostMatcher.exactName(h), e);
                    }
                }
            }
            return new Tables(persistent(exact), persistent(endsWith), persistent(startsWith),
                    PersistentSortedMap.ofSorted(regexKeys, regexes), PersistentSortedMap.ofSorted(everyKeys, every));
        }

        private static void add(java.util.TreeMap<String, List<UnitSnapshot.Entry>> map, String name, UnitSnapshot.Entry e) {
            List<UnitSnapshot.Entry> list = map.computeIfAbsent(name, k -> new ArrayList<>(1));
            if (list.isEmpty() || list.getLast() != e) { // a unit listing one name twice is under it once
                list.add(e);
            }
        }

        private static PersistentSortedMap<String, PersistentSortedMap<UnitSnapshot.RunKey, UnitSnapshot.Entry>> persistent(
                java.util.TreeMap<String, List<UnitSnapshot.Entry>> map) {
            List<String> names = new ArrayList<>(map.size());
            List<PersistentSortedMap<UnitSnapshot.RunKey, UnitSnapshot.Entry>> units = new ArrayList<>(map.size());
            map.forEach((name, list) -> {
                names.add(name);
                units.add(PersistentSortedMap.ofSorted(list.stream().map(e -> e.key).toList(), list));
            });
            return PersistentSortedMap.ofSorted(names, units);
        }

        /** These tables with {@code e} (a loaded unit's stable entry) under each of its patterns. */
        Tables with(UnitSnapshot.Entry e) {
            return change(e, true);
        }

        /** These tables without {@code e}, which {@link #with} added. */
        Tables without(UnitSnapshot.Entry e) {
            return change(e, false);
        }

        private Tables change(UnitSnapshot.Entry e, boolean add) {
            if (e.hosts.matchesAll()) {
                return new Tables(exact, endsWith, startsWith, regexes,
                        add ? everyHost.with(e.key, e) : everyHost.without(e.key));
            }
            var exactNext = exact;
            var endsWithNext = endsWith;
            var startsWithNext = startsWith;
            var regexesNext = regexes;
            int regex = 0;
            for (String h : e.unit().hosts()) {
                if (h.startsWith("~")) {
                    RegexKey key = new RegexKey(e.key, regex);
                    regexesNext = add ? regexesNext.with(key, new Regex(e.hosts.regexes().get(regex), e))
                            : regexesNext.without(key);
                    regex++;
                } else if (h.startsWith("*.")) {
                    endsWithNext = change(endsWithNext, HostMatcher.wildcardSuffix(h), e, add);
                } else if (h.endsWith(".*")) {
                    startsWithNext = change(startsWithNext, HostMatcher.wildcardPrefix(h), e, add);
                } else {
                    exactNext = change(exactNext, HostMatcher.exactName(h), e, add);
                }
            }
            return new Tables(exactNext, endsWithNext, startsWithNext, regexesNext, everyHost);
        }

        /** A unit listing one name twice is under it once (the inner map is keyed by unit). */
        private static PersistentSortedMap<String, PersistentSortedMap<UnitSnapshot.RunKey, UnitSnapshot.Entry>> change(
                PersistentSortedMap<String, PersistentSortedMap<UnitSnapshot.RunKey, UnitSnapshot.Entry>> map,
                String name, UnitSnapshot.Entry e, boolean add) {
            var units = map.get(name);
            if (units == null) {
                units = noEntries();
            }
            units = add ? units.with(e.key, e) : units.without(e.key);
            return units.isEmpty() ? map.without(name) : map.with(name, units);
        }
    }

    private final Tables tables;
    private final Locations locations;
    private volatile HostView everyHostView;
    private final ConcurrentHashMap<String, HostView> views = new ConcurrentHashMap<>();

    HostIndex(Tables tables, Locations locations) {
        this.tables = tables;
        this.locations = locations;
    }

    Tables tables() {
        return tables;
    }

    /** The units for {@code rawHost} (as the request gave it: case, port and trailing dot do not matter). */
    HostView view(String rawHost) {
        String key = rawHost == null ? "" : rawHost;
        HostView v = views.get(key);
        if (v == null) {
            v = lookUp(HostMatcher.normalize(rawHost));
            if (views.size() >= MAX_CACHED_HOSTS) {
                views.clear();
            }
            views.put(key, v);
        }
        return v;
    }

    /** Made on first use, not with the snapshot: building it costs the number of units for every host. */
    private HostView everyHostView() {
        HostView v = everyHostView;
        if (v == null) {
            v = new HostView(tables.everyHost.values(), locations);
            everyHostView = v; // a race makes two equal views; either is right
        }
        return v;
    }

    private HostView lookUp(String host) {
        List<UnitSnapshot.Entry> found = new ArrayList<>();
        PersistentSortedMap<UnitSnapshot.RunKey, UnitSnapshot.Entry> hit = tables.exact.get(host);
        if (hit != null) {
            found.addAll(hit.values());
        }
        if (!tables.endsWith.isEmpty() || !tables.startsWith.isEmpty()) {
            for (int i = 0; i < host.length(); i++) {
                if (host.charAt(i) != '.') {
                    continue;
                }
                if (i > 0 && (hit = tables.endsWith.get(host.substring(i))) != null) {
                    found.addAll(hit.values()); // "*.example.com" needs a label before ".example.com"
                }
                if (i < host.length() - 1 && (hit = tables.startsWith.get(host.substring(0, i + 1))) != null) {
                    found.addAll(hit.values()); // "www.example.*" needs something after "www.example."
                }
            }
        }
        for (Regex r : tables.regexes.values()) {
            if (r.pattern.matcher(host).find()) {
                found.add(r.entry);
            }
        }
        if (found.isEmpty()) {
            return everyHostView();
        }
        found.addAll(tables.everyHost.values());
        found.sort(UnitSnapshot.Entry.RUN_ORDER);
        List<UnitSnapshot.Entry> distinct = new ArrayList<>(found.size());
        for (UnitSnapshot.Entry e : found) {
            if (distinct.isEmpty() || distinct.getLast() != e) { // several of a unit's patterns may match
                distinct.add(e);
            }
        }
        return new HostView(distinct, locations);
    }

    /**
     * The units of one snapshot that are for one host, by phase and in run order, and what the
     * host asks about them on every request (does the phase run, may it block, does it read the
     * body), derived once. Units with {@code paths} are kept by location.
     */
    static final class HostView {

        private static final int PHASES = Phase.values().length;

        /** Per phase: every unit for the host, whatever its paths. */
        private final List<List<UnitSnapshot.Entry>> all = new ArrayList<>(PHASES);
        /** Per phase: the units for the host without paths. */
        private final List<List<UnitSnapshot.Entry>> unscoped = new ArrayList<>(PHASES);
        private final boolean[] blocks = new boolean[PHASES];
        private final boolean[] readsBody = new boolean[PHASES];
        /** The locations that exist for the host, each with its units for the host, per phase. */
        private final Map<Location, List<List<UnitSnapshot.Entry>>> located = new IdentityHashMap<>();
        /** The host's regex locations in declaration order: the only ones a request of the host tries. */
        private final Location[] regexLocations;

        HostView(List<UnitSnapshot.Entry> entries, Locations locations) {
            for (int p = 0; p < PHASES; p++) {
                all.add(new ArrayList<>(0));
                unscoped.add(new ArrayList<>(0));
            }
            for (UnitSnapshot.Entry e : entries) {
                int p = e.unit().phase().ordinal();
                all.get(p).add(e);
                blocks[p] |= e.traits.blocks();
                readsBody[p] |= e.traits.readsBody();
                if (!e.scoped) {
                    unscoped.get(p).add(e);
                    continue;
                }
                for (Location l : locations.of(e)) {
                    located.computeIfAbsent(l, k -> {
                        List<List<UnitSnapshot.Entry>> byPhase = new ArrayList<>(PHASES);
                        for (int i = 0; i < PHASES; i++) {
                            byPhase.add(new ArrayList<>(0));
                        }
                        return byPhase;
                    }).get(p).add(e);
                }
            }
            all.replaceAll(List::copyOf);
            unscoped.replaceAll(List::copyOf);
            located.values().forEach(byPhase -> byPhase.replaceAll(List::copyOf));
            this.regexLocations = located.keySet().stream().filter(l -> l.regex != null)
                    .sorted(Comparator.comparingInt(l -> l.regexOrder)).toArray(Location[]::new);
        }

        /** The units of {@code phase} for the host, with or without paths, in run order. */
        List<UnitSnapshot.Entry> all(Phase phase) {
            return all.get(phase.ordinal());
        }

        /** The units of {@code phase} for the host without paths, in run order. */
        List<UnitSnapshot.Entry> unscoped(Phase phase) {
            return unscoped.get(phase.ordinal());
        }

        /** The units of {@code phase} for the host that declare {@code location}, in run order. */
        List<UnitSnapshot.Entry> located(Location location, Phase phase) {
            if (location == null) {
                return List.of();
            }
            List<List<UnitSnapshot.Entry>> byPhase = located.get(location);
            return byPhase == null ? List.of() : byPhase.get(phase.ordinal());
        }

        /** True when a unit for the host declares {@code location}: only then does it exist for the host's requests. */
        boolean has(Location location) {
            return located.containsKey(location);
        }

        Location[] regexLocations() {
            return regexLocations;
        }

        /** True when a unit of {@code phase} for the host may wait (Redis, ngx.sleep). */
        boolean blocks(Phase phase) {
            return blocks[phase.ordinal()];
        }

        /** True when a unit of {@code phase} for the host reads the request body. */
        boolean readsBody(Phase phase) {
            return readsBody[phase.ordinal()];
        }
    }
}
