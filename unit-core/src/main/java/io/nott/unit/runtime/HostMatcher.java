package io.nott.unit.runtime;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * A unit's {@code hosts}: empty matches every host; {@code example.com} exactly (case-insensitive,
 * port ignored); {@code *.example.com} any subdomain (not {@code example.com} itself, as in nginx's
 * {@code server_name}); {@code www.example.*} any top-level part after {@code www.example.} (nginx's
 * suffix wildcard); {@code ~regex} a Java regex found anywhere in the host (anchor it with
 * {@code ^...$}). A unit is for a host when any of its patterns matches. This is the definition;
 * {@link HostIndex} finds the units of a host without asking every unit and must agree with it.
 */
final class HostMatcher {

    private static final HostMatcher ANY = new HostMatcher(List.of(), List.of());
    private final List<Predicate<String>> tests;
    /** The {@code ~regex} patterns compiled, in the order written (the index reuses them). */
    private final List<Pattern> regexes;

    private HostMatcher(List<Predicate<String>> tests, List<Pattern> regexes) {
        this.tests = tests;
        this.regexes = regexes;
    }

    static HostMatcher of(List<String> hosts) {
        if (hosts.isEmpty()) {
            return ANY;
        }
        List<Predicate<String>> tests = new ArrayList<>();
        List<Pattern> regexes = new ArrayList<>();
        for (String h : hosts) {
            if (h.startsWith("~")) {
                Pattern p = Pattern.compile(h.substring(1));
                regexes.add(p);
                tests.add(host -> p.matcher(host).find());
            } else if (h.startsWith("*.")) {
                String suffix = wildcardSuffix(h);
                tests.add(host -> host.endsWith(suffix) && host.length() > suffix.length());
            } else if (h.endsWith(".*")) {
                String prefix = wildcardPrefix(h);
                tests.add(host -> host.startsWith(prefix) && host.length() > prefix.length());
            } else {
                String exact = exactName(h);
                tests.add(exact::equals);
            }
        }
        return new HostMatcher(List.copyOf(tests), List.copyOf(regexes));
    }

    /** The {@code ~regex} patterns, compiled, in the order the unit lists them. */
    List<Pattern> regexes() {
        return regexes;
    }

    /** True when every host matches: the host need not even be computed. */
    boolean matchesAll() {
        return tests.isEmpty();
    }

    boolean matches(String rawHost) {
        if (tests.isEmpty()) {
            return true;
        }
        String host = normalize(rawHost);
        for (Predicate<String> t : tests) {
            if (t.test(host)) {
                return true;
            }
        }
        return false;
    }

    /** The request's host as patterns see it: lower case, without port or trailing dot; "" for none. */
    static String normalize(String rawHost) {
        return rawHost == null ? "" : stripPort(rawHost.toLowerCase(Locale.ROOT));
    }

    /** {@code *.example.com} → {@code .example.com}: what a matching host ends with (after at least one character). */
    static String wildcardSuffix(String pattern) {
        return pattern.substring(1).toLowerCase(Locale.ROOT);
    }

    /** {@code www.example.*} → {@code www.example.}: what a matching host starts with (before at least one character). */
    static String wildcardPrefix(String pattern) {
        return pattern.substring(0, pattern.length() - 1).toLowerCase(Locale.ROOT);
    }

    /** An exact name as a normalised host equals it. */
    static String exactName(String pattern) {
        return stripPort(pattern.toLowerCase(Locale.ROOT));
    }

    private static String stripPort(String h) {
        int colon = h.lastIndexOf(':');
        if (colon > 0 && h.indexOf(']') < colon && h.indexOf(':') == colon) {
            return h.substring(0, colon);
        }
        return h.endsWith(".") ? h.substring(0, h.length() - 1) : h;
    }
}
