package io.nott.unit.runtime.re;

import java.util.Map;

/**
 * PCRE character classes and Unicode properties in java.util.regex syntax. In a PCRE class
 * {@code [}, {@code &&}, whitespace and {@code #} are literals, while Java reads them as a nested
 * class, an intersection or (under {@code x}) as whitespace and a comment; {@code ]} first is a
 * literal; {@code \b} is a backspace; POSIX classes ({@code [:alpha:]}, {@code [:^digit:]}) are
 * ASCII as in PCRE without UCP.
 */
final class PcreCharClass {

    private static final Map<String, String> POSIX = Map.ofEntries(
            Map.entry("alnum", "\\p{Alnum}"), Map.entry("alpha", "\\p{Alpha}"), Map.entry("ascii", "\\p{ASCII}"),
            Map.entry("blank", "\\p{Blank}"), Map.entry("cntrl", "\\p{Cntrl}"), Map.entry("digit", "\\p{Digit}"),
            Map.entry("graph", "\\p{Graph}"), Map.entry("lower", "\\p{Lower}"), Map.entry("print", "\\p{Print}"),
            Map.entry("punct", "\\p{Punct}"), Map.entry("space", "\\s\\x{0B}"), Map.entry("upper", "\\p{Upper}"),
            Map.entry("word", "\\w"), Map.entry("xdigit", "\\p{XDigit}"));
    private static final Map<String, String> POSIX_NOT = Map.ofEntries(
            Map.entry("alnum", "\\P{Alnum}"), Map.entry("alpha", "\\P{Alpha}"), Map.entry("ascii", "\\P{ASCII}"),
            Map.entry("blank", "\\P{Blank}"), Map.entry("cntrl", "\\P{Cntrl}"), Map.entry("digit", "\\P{Digit}"),
            Map.entry("graph", "\\P{Graph}"), Map.entry("lower", "\\P{Lower}"), Map.entry("print", "\\P{Print}"),
            Map.entry("punct", "\\P{Punct}"), Map.entry("space", "\\S&&[^\\x{0B}]"), Map.entry("upper", "\\P{Upper}"),
            Map.entry("word", "\\W"), Map.entry("xdigit", "\\P{XDigit}"));

    private PcreCharClass() {
    }

    /**
     * Translates the class that starts with the {@code [} at {@code start}; returns the index
     * after its {@code ]}. What PCRE makes of it goes to {@code shape} ({@link PcreSize}). Once
     * {@code out} would grow past {@code maxOut} chars the rest is read but not written, and
     * {@code shape} says so ({@link PcreSize.ClassShape#cut()}): a class can be megabytes long.
     */
    static int translate(String src, int start, StringBuilder out, int maxOut, PcreSize.ClassShape shape)
            throws RegexSyntaxException {
        // While cut, each element is written to a scratch builder emptied before the next one.
        StringBuilder sink = out;
        int j = start + 1;
        sink.append('[');
        if (j < src.length() && src.charAt(j) == '^') {
            sink.append('^');
            j++;
        }
        boolean first = true;
        while (true) {
            if (sink == out && out.length() > maxOut) {
                shape.cut(true);
                sink = new StringBuilder(32);
            } else if (sink != out) {
                sink.setLength(0);
            }
            if (j >= src.length()) {
                throw new RegexSyntaxException("missing terminating ] for character class", src.length());
            }
            char c = src.charAt(j);
            if (c == ']' && !first) {
                sink.append(']');
                return j + 1;
            }
            first = false;
            if (c == '\\' && j + 1 < src.length()) {
                char n = src.charAt(j + 1);
                if (n == 'x' && (j + 2 >= src.length() || src.charAt(j + 2) != '{')) {
                    int k = j + 2;
                    while (k < src.length() && k < j + 4 && Character.digit(src.charAt(k), 16) >= 0) {
                        k++;
                    }
                    sink.append("\\x{").append(k == j + 2 ? "0" : src.substring(j + 2, k)).append('}');
                    shape.literal(k == j + 2 ? 0 : Integer.parseInt(src.substring(j + 2, k), 16));
                    j = k;
                } else if (n == 'x' && hexBraces(src, j + 3) > 0) {
                    int close = hexBraces(src, j + 3);
                    sink.append(src, j, close + 1);
                    shape.literal(hexValue(src, j + 3, close));
                    j = close + 1;
                } else if (n >= '0' && n <= '7') {
                    int k = j + 1;
                    while (k < src.length() && k < j + 4 && src.charAt(k) >= '0' && src.charAt(k) <= '7') {
                        k++;
                    }
                    int value = Integer.parseInt(src.substring(j + 1, k), 8);
                    sink.append("\\x{").append(Integer.toHexString(value)).append('}');
                    shape.literal(value);
                    j = k;
                } else if (n == 'b') {
                    sink.append("\\x{8}");
                    shape.literal(8);
                    j += 2;
                } else if (n == 'p' || n == 'P') {
                    j = property(src, j, sink);
                    shape.other();
                } else {
                    sink.append(c).append(n);
                    if ("dDwWsShHvVN".indexOf(n) >= 0) {
                        shape.other();
                    } else {
                        shape.literal(PcreTranslator.escapedChar(n));
                    }
                    j += 2;
                }
            } else if (c == '[' && j + 1 < src.length() && src.charAt(j + 1) == ':') {
                int close = src.indexOf(":]", j + 2);
                String name = close < 0 ? null : src.substring(j + 2, close);
                boolean negated = name != null && name.startsWith("^");
                String cls = name == null ? null : (negated ? POSIX_NOT.get(name.substring(1)) : POSIX.get(name));
                if (cls == null) {
                    sink.append("\\[");
                    shape.literal('[');
                    j++;
                } else {
                    sink.append(negated && cls.contains("&&") ? "[" + cls + "]" : cls);
                    shape.other();
                    j = close + 2;
                }
            } else if (c == '[' || c == '&' || c == '#' || c == ' ' || c == '\t' || c == '\n' || c == '\r'
                    || c == '\f' || c == 0x0b) {
                // Literals in PCRE classes; Java reads them as nested classes, intersections or
                // (with x) comments and whitespace.
                sink.append("\\x{").append(Integer.toHexString(c)).append('}');
                shape.literal(c);
                j++;
            } else {
                sink.append(c);
                if (Character.isHighSurrogate(c) && j + 1 < src.length() && Character.isLowSurrogate(src.charAt(j + 1))) {
                    sink.append(src.charAt(j + 1));
                    shape.literal(Character.toCodePoint(c, src.charAt(j + 1)));
                    j += 2;
                } else {
                    shape.literal(c);
                    j++;
                }
            }
        }
    }

    /** The index of the {@code }} closing hex digits that start at {@code from}, or -1. */
    private static int hexBraces(String src, int from) {
        int k = from;
        while (k < src.length() && Character.digit(src.charAt(k), 16) >= 0) {
            k++;
        }
        return k > from && k < src.length() && src.charAt(k) == '}' ? k : -1;
    }

    /** The value of {@code \x{hhh}}'s digits, for the class's shape only (Java checks the syntax). */
    private static int hexValue(String src, int from, int close) {
        if (close < 0 || close - from > 8) {
            return Integer.MAX_VALUE;
        }
        try {
            return Integer.parseInt(src.substring(from, close), 16);
        } catch (NumberFormatException e) {
            return Integer.MAX_VALUE;
        }
    }

    /**
     * {@code \pL}, {@code \p{Lu}}, {@code \p{^Han}}, {@code \P{Greek}} at {@code at}: general
     * categories are spelled alike; a script is {@code \p{IsName}} in Java; {@code L&} is
     * {@code LC}. Returns the index after it.
     */
    static int property(String src, int at, StringBuilder sb) throws RegexSyntaxException {
        boolean negated = src.charAt(at + 1) == 'P';
        String name;
        int end;
        if (at + 2 < src.length() && src.charAt(at + 2) == '{') {
            int close = src.indexOf('}', at + 3);
            if (close < 0) {
                throw new RegexSyntaxException("malformed \\P or \\p sequence", at + 2);
            }
            name = src.substring(at + 3, close);
            end = close + 1;
        } else if (at + 2 < src.length()) {
            name = src.substring(at + 2, at + 3);
            end = at + 3;
        } else {
            throw new RegexSyntaxException("malformed \\P or \\p sequence", at + 2);
        }
        if (name.startsWith("^")) {
            negated = !negated;
            name = name.substring(1);
        }
        String java = name.equals("L&") ? "LC"
                : name.matches("[CLMNPSZ][a-z]?") ? name
                : "Is" + name;
        sb.append(negated ? "\\P{" : "\\p{").append(java).append('}');
        return end;
    }
}
