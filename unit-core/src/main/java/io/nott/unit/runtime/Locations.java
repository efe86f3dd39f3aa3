package io.nott.unit.runtime;

import io.nott.unit.model.PathScope;
import io.nott.unit.runtime.re.LocationRegex;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Every location the units of one snapshot declare, indexed as nginx indexes a server's
 * {@code location} blocks, and the choice of one location for a request:
 * <ol>
 *   <li>an exact {@code = /uri} location (a hash lookup) ends the search;</li>
 *   <li>else the longest prefix location ({@code /p} or {@code ^~ /p}, a walk down a character
 *       trie along the URI) is remembered; if it is {@code ^~} the search ends;</li>
 *   <li>else the regex locations ({@code ~}, {@code ~*}) are tried in declaration order (units in
 *       run order: {@code order}, then id; within a unit, its list order) and the first match wins;</li>
 *   <li>else the remembered longest prefix, or none.</li>
 * </ol>
 * A location exists for a request only when a unit that declares it is for the request's host,
 * as each nginx {@code server} has its own locations: a location of another tenant's host never
 * shadows this host's. The request's {@link HostIndex.HostView} knows its host's locations, so the
 * cost of a choice is the length of the URI plus the host's own regex locations tried, never the
 * number of units or locations of other hosts. Immutable, built once per snapshot.
 */
final class Locations {

    /** A node of the prefix trie: the location whose prefix ends here, if any. */
    private static final class Node {
        final Map<Character, Node> next = new HashMap<>(4);
        Location location;
    }

    static final Locations NONE = new Locations();

    private final Map<String, Location> exact = new HashMap<>();
    private final Node prefixes = new Node();
    private final Map<String, Location> regexes = new LinkedHashMap<>();
    /** The distinct locations each unit with {@code paths} declares: what a host's view groups its units by. */
    private final Map<UnitSnapshot.Entry, List<Location>> byEntry = new IdentityHashMap<>();

    private Locations() {
    }

    /** True when no unit declares a path: every request has no location and runs path-less units only. */
    boolean isEmpty() {
        return exact.isEmpty() && regexes.isEmpty() && prefixes.next.isEmpty() && prefixes.location == null;
    }

    /** Builds the index; {@code entries} in run order, each unit's scopes already parsed. */
    static Locations of(List<Map.Entry<UnitSnapshot.Entry, List<PathScope>>> entries) {
        Locations index = new Locations();
        for (Map.Entry<UnitSnapshot.Entry, List<PathScope>> e : entries) {
            List<Location> declared = new ArrayList<>(e.getValue().size());
            for (PathScope scope : e.getValue()) {
                Location l = index.declare(scope);
                if (!declared.contains(l)) { // a unit naming one location twice is in it once
                    declared.add(l);
                    l.add(e.getKey());
                }
            }
            index.byEntry.put(e.getKey(), List.copyOf(declared));
        }
        return index;
    }

    /** The locations unit {@code e} declares; empty for a unit without {@code paths}. */
    List<Location> of(UnitSnapshot.Entry e) {
        return byEntry.getOrDefault(e, List.of());
    }

    private Location declare(PathScope scope) {
        return switch (scope.kind()) {
            case EXACT -> exact.computeIfAbsent(scope.pattern(), p -> new Location(p, true, null, -1));
            case REGEX, REGEX_CASELESS -> regexes.computeIfAbsent(scope.spec(), s -> new Location(s, false,
                    LocationRegex.compile(scope.pattern(), scope.kind() == PathScope.Kind.REGEX_CASELESS),
                    regexes.size()));
            case PREFIX, PREFERENTIAL_PREFIX -> {
                Node node = prefixes;
                String p = scope.pattern();
                for (int i = 0; i < p.length(); i++) {
                    node = node.next.computeIfAbsent(p.charAt(i), c -> new Node());
                }
                if (node.location == null) {
                    node.location = new Location(p, false, null, -1);
                }
                // nginx refuses "/p" and "^~ /p" together as a duplicate location; units of
                // different owners may write both, so the one location is ^~ when any says so.
                if (scope.kind() == PathScope.Kind.PREFERENTIAL_PREFIX) {
                    node.location.noRegex = true;
                }
                yield node.location;
            }
        };
    }

    /** The location nginx would choose for {@code uri} among those that exist for {@code host}'s view; null for none. */
    Location choose(String uri, HostIndex.HostView host) {
        if (uri == null) {
            uri = "";
        }
        if (!exact.isEmpty()) {
            Location hit = exact.get(uri);
            if (hit != null && host.has(hit)) {
                return hit;
            }
        }
        Location prefix = longestPrefix(uri, host);
        if (prefix != null && prefix.noRegex) {
            return prefix;
        }
        for (Location r : host.regexLocations()) {
            if (r.regex.matcher(uri).find()) {
                return r;
            }
        }
        return prefix;
    }

    private Location longestPrefix(String uri, HostIndex.HostView host) {
        Node node = prefixes;
        Location[] seen = null;
        int count = 0;
        for (int i = 0; ; i++) {
            if (node.location != null) {
                if (seen == null) {
                    seen = new Location[Math.min(uri.length() + 1, 16)];
                } else if (count == seen.length) {
                    seen = java.util.Arrays.copyOf(seen, count * 2);
                }
                seen[count++] = node.location;
            }
            if (i == uri.length()) {
                break;
            }
            node = node.next.get(uri.charAt(i));
            if (node == null) {
                break;
            }
        }
        for (int k = count - 1; k >= 0; k--) {
            if (host.has(seen[k])) {
                return seen[k];
            }
        }
        return null;
    }
}
