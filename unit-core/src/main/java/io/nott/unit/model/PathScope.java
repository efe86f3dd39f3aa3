package io.nott.unit.model;

/**
 * One entry of a unit's {@code paths}: an nginx {@code location} as written after the word
 * {@code location}: {@code = /exact}, {@code /prefix}, {@code ^~ /prefix}, {@code ~ regex}
 * (case-sensitive) or {@code ~* regex} (case-insensitive). As nginx's parser, {@code =/x} and
 * {@code ~re} without the space are accepted too; named locations ({@code @name}) are not, there
 * is nothing to jump to them with. Only the form is checked here; a regex is compiled (and refused
 * with PCRE's words) by {@code io.nott.unit.runtime.re.LocationRegex}, which the validator and the
 * edge's index both use.
 *
 * @param kind    which of the five forms
 * @param pattern the URI (exact, prefix) or the PCRE regex
 */
public record PathScope(Kind kind, String pattern) {

    /** The five forms, in the words nginx's documentation uses. */
    public enum Kind {
        EXACT("= "), PREFIX(""), PREFERENTIAL_PREFIX("^~ "), REGEX("~ "), REGEX_CASELESS("~* ");

        private final String modifier;

        Kind(String modifier) {
            this.modifier = modifier;
        }

        public boolean regex() {
            return this == REGEX || this == REGEX_CASELESS;
        }
    }

    /**
     * @throws IllegalArgumentException saying what is wrong and what the accepted forms are
     */
    public static PathScope parse(String spec) {
        if (spec == null || spec.isBlank()) {
            throw new IllegalArgumentException("must not be empty");
        }
        String s = spec.strip();
        PathScope scope;
        if (s.startsWith("^~")) {
            scope = new PathScope(Kind.PREFERENTIAL_PREFIX, s.substring(2).strip());
        } else if (s.startsWith("~*")) {
            scope = new PathScope(Kind.REGEX_CASELESS, s.substring(2).strip());
        } else if (s.startsWith("~")) {
            scope = new PathScope(Kind.REGEX, s.substring(1).strip());
        } else if (s.startsWith("=")) {
            scope = new PathScope(Kind.EXACT, s.substring(1).strip());
        } else if (s.startsWith("@")) {
            throw new IllegalArgumentException("named locations (" + s + ") cannot scope a unit; use = /path, /prefix, "
                    + "^~ /prefix, ~ regex or ~* regex");
        } else {
            scope = new PathScope(Kind.PREFIX, s);
        }
        if (scope.pattern.isEmpty()) {
            throw new IllegalArgumentException("'" + s + "' names no " + (scope.kind.regex() ? "regex" : "path")
                    + " after its modifier, e.g. '" + scope.kind.modifier + (scope.kind.regex() ? "\\.m3u8$" : "/hls/") + "'");
        }
        if (!scope.kind.regex() && !scope.pattern.startsWith("/")) {
            throw new IllegalArgumentException("must be a path starting with / (prefix /hls/, exact = /live.m3u8, "
                    + "^~ /static/) or a regex (~ \\.ts$, ~* \\.M3U8$), got '" + s + "'");
        }
        if (scope.pattern.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
            throw new IllegalArgumentException("must not contain control characters, got '" + s + "'");
        }
        return scope;
    }

    /** The spec as nginx's configuration writes it after {@code location}, e.g. {@code ^~ /static/}. */
    public String spec() {
        return kind.modifier + pattern;
    }

    @Override
    public String toString() {
        return spec();
    }
}
