package io.nott.unit.runtime;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * A unit's {@code hosts}: empty matches every host; {@code example.com} exactly (case-insensitive,
 * port ignored); {@code *.example.com} any subdomain (not {@code example.com} itself, as in nginx's
 * {@code server_name}); {@code ~regex} a Java regex found anywhere in the host (anchor it with
 * {@code ^...$}).
 */
final class HostMatcher {

    private static final HostMatcher ANY = new HostMatcher(List.of());
    private final List<Predicate<String>> tests;

    private HostMatcher(List<Predicate<String>> tests) {
        this.tests = tests;
    }

    static HostMatcher of(List<String> hosts) {
        if (hosts.isEmpty()) {
            return ANY;
        }
        List<Predicate<String>> tests = new ArrayList<>();
        for (String h : hosts) {
            if (h.startsWith("~")) {
                Pattern p = Pattern.compile(h.substring(1));
                tests.add(host -> p.matcher(host).find());
            } else if (h.startsWith("*.")) {
                String suffix = h.substring(1).toLowerCase(Locale.ROOT);
                tests.add(host -> host.endsWith(suffix) && host.length() > suffix.length());
            } else {
                String exact = stripPort(h.toLowerCase(Locale.ROOT));
                tests.add(exact::equals);
            }
        }
        return new HostMatcher(List.copyOf(tests));
    }

    /** True when every host matches: the host need not even be computed. */
    boolean matchesAll() {
        return tests.isEmpty();
    }

    boolean matches(String rawHost) {
        if (tests.isEmpty()) {
            return true;
        }
        String host = rawHost == null ? "" : stripPort(rawHost.toLowerCase(Locale.ROOT));
        for (Predicate<String> t : tests) {
            if (t.test(host)) {
                return true;
            }
        }
        return false;
    }

    private static String stripPort(String h) {
        int colon = h.lastIndexOf(':');
        if (colon > 0 && h.indexOf(']') < colon && h.indexOf(':') == colon) {
            return h.substring(0, colon);
        }
        return h.endsWith(".") ? h.substring(0, h.length() - 1) : h;
    }
}
