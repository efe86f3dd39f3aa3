package io.nott.unit.runtime.re;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Rewrites a PCRE regex into java.util.regex syntax with the same meaning, and finds the errors
 * PCRE reports with PCRE's messages and offsets.
 *
 * <p>What differs between the two and is rewritten here: named groups ({@code (?<n>}, {@code (?'n'},
 * {@code (?P<n>}, underscores allowed, duplicates with {@code D}) become numbered groups with a
 * name table; backreferences ({@code \k<n>}, {@code (?P=n)}, {@code \g{1}}, {@code \g{-1}}) point
 * at them; {@code \K} becomes an empty marker group the matcher reads the match start from;
 * character classes and {@code \p} ({@link PcreCharClass}); a
 * {@code {} that is no quantifier is a literal; octal {@code \0nn}, short {@code \xh}, {@code \N}
 * and {@code (?#...)} comments. What java.util.regex cannot do (recursion, subroutine calls,
 * branch reset, conditionals, callouts, backtracking verbs) is refused with a message naming it.
 */
final class PcreTranslator {

    /**
     * The translated regex.
     *
     * @param javaRegex  for {@link java.util.regex.Pattern#compile}
     * @param groups     the number of capture groups the Lua side sees
     * @param javaGroup  the Java group index of each Lua group ({@code [0] = 0})
     * @param kMarkers   the Java group indexes of {@code \K} markers
     * @param names      each group name with its Lua group numbers, in order of appearance
     */
    record Translation(String javaRegex, int groups, int[] javaGroup, int[] kMarkers, Map<String, int[]> names) {
    }

    private final String src;
    private final boolean dupNames;
    private final boolean extended;
    private final StringBuilder out = new StringBuilder();
    private final List<Integer> javaGroups = new ArrayList<>(List.of(0));
    private final List<Integer> kMarkers = new ArrayList<>();
    private final Map<String, int[]> names = new LinkedHashMap<>();
    private int javaCount;
    private int depth;
    private int i;
    /** False where PCRE says "nothing to repeat": at the start, after {@code (}, {@code |} or a quantifier. */
    private boolean repeatable;
    /** True right after a quantifier, where one {@code ?} (lazy) or {@code +} (possessive) may follow. */
    private boolean quantified;

    private PcreTranslator(String src, ReOptions options) {
        this.src = src;
        this.dupNames = options.dupNames();
        this.extended = options.extended();
    }

    static Translation translate(String src, ReOptions options) throws RegexSyntaxException {
        return new PcreTranslator(src, options).run();
    }

    private Translation run() throws RegexSyntaxException {
        while (i < src.length()) {
            char c = src.charAt(i);
            if (extended && (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == 0x0b)) {
                out.append(c);
                i++;
                continue;
            }
            if (extended && c == '#') {
                int nl = src.indexOf('\n', i);
                int end = nl < 0 ? src.length() : nl;
                out.append(src, i, end);
                i = end;
                continue;
            }
            switch (c) {
                case '\\' -> escape();
                case '[' -> charClass();
                case '(' -> group();
                case ')' -> {
                    if (depth == 0) {
                        throw new RegexSyntaxException("unmatched parentheses", i);
                    }
                    depth--;
                    out.append(')');
                    i++;
                    atom();
                }
                case '|' -> {
                    out.append('|');
                    i++;
                    repeatable = false;
                    quantified = false;
                }
                case '*', '+', '?' -> quantifier(1);
                case '{' -> {
                    int len = countedQuantifier(i);
                    if (len > 0) {
                        quantifier(len);
                    } else {
                        out.append("\\{");
                        i++;
                        atom();
                    }
                }
                case '}' -> {
                    out.append("\\}");
                    i++;
                    atom();
                }
                default -> {
                    out.append(c);
                    i++;
                    atom();
                }
            }
        }
        if (depth > 0) {
            throw new RegexSyntaxException("missing )", src.length());
        }
        int[] jg = javaGroups.stream().mapToInt(Integer::intValue).toArray();
        int[] km = kMarkers.stream().mapToInt(Integer::intValue).toArray();
        return new Translation(out.toString(), jg.length - 1, jg, km, names);
    }

    private void atom() {
        repeatable = true;
        quantified = false;
    }

    private void quantifier(int len) throws RegexSyntaxException {
        char c = src.charAt(i);
        if (quantified && (c == '?' || c == '+') && len == 1) {
            out.append(c);
            i++;
            quantified = false;
            repeatable = false;
            return;
        }
        if (!repeatable) {
            throw new RegexSyntaxException("nothing to repeat", i);
        }
        out.append(src, i, i + len);
        i += len;
        repeatable = false;
        quantified = true;
    }

    /** The length of a {@code {n}}, {@code {n,}} or {@code {n,m}} quantifier at {@code at}, or 0. */
    private int countedQuantifier(int at) {
        int j = at + 1;
        int digits = 0;
        while (j < src.length() && Character.isDigit(src.charAt(j))) {
            j++;
            digits++;
        }
        if (digits == 0) {
            return 0;
        }
        if (j < src.length() && src.charAt(j) == ',') {
            j++;
            while (j < src.length() && Character.isDigit(src.charAt(j))) {
                j++;
            }
        }
        return j < src.length() && src.charAt(j) == '}' ? j + 1 - at : 0;
    }

    private void escape() throws RegexSyntaxException {
        if (i + 1 >= src.length()) {
            throw new RegexSyntaxException("\\ at end of pattern", src.length());
        }
        char n = src.charAt(i + 1);
        switch (n) {
            case 'Q' -> {
                int end = src.indexOf("\\E", i + 2);
                int stop = end < 0 ? src.length() : end + 2;
                String literal = src.substring(i + 2, end < 0 ? src.length() : end);
                if (!literal.isEmpty()) {
                    out.append("\\Q").append(literal).append("\\E");
                    atom();
                }
                i = stop;
            }
            case 'E' -> i += 2;
            case 'K' -> {
                javaCount++;
                kMarkers.add(javaCount);
                out.append("()");
                i += 2;
                repeatable = false;
                quantified = false;
            }
            case 'g' -> backrefG();
            case 'k' -> {
                int close;
                char open = i + 2 < src.length() ? src.charAt(i + 2) : 0;
                char closer = open == '<' ? '>' : open == '\'' ? '\'' : open == '{' ? '}' : 0;
                if (closer == 0 || (close = src.indexOf(closer, i + 3)) < 0) {
                    throw new RegexSyntaxException("\\k is not followed by a braced, angle-bracketed, or quoted name", i + 2);
                }
                backrefName(src.substring(i + 3, close), i + 3);
                i = close + 1;
            }
            case 'p', 'P' -> {
                i = PcreCharClass.property(src, i, out);
                atom();
            }
            case 'N' -> {
                out.append("[^\\n]");
                i += 2;
                atom();
            }
            case 'x' -> {
                if (i + 2 < src.length() && src.charAt(i + 2) == '{') {
                    int close = src.indexOf('}', i + 3);
                    int end = close < 0 ? src.length() : close + 1;
                    out.append(src, i, end);
                    i = end;
                } else {
                    int j = i + 2;
                    while (j < src.length() && j < i + 4 && Character.digit(src.charAt(j), 16) >= 0) {
                        j++;
                    }
                    out.append("\\x{").append(j == i + 2 ? "0" : src.substring(i + 2, j)).append('}');
                    i = j;
                }
                atom();
            }
            case '0' -> {
                int j = i + 2;
                while (j < src.length() && j < i + 4 && src.charAt(j) >= '0' && src.charAt(j) <= '7') {
                    j++;
                }
                int value = j == i + 2 ? 0 : Integer.parseInt(src.substring(i + 2, j), 8);
                out.append("\\x{").append(Integer.toHexString(value)).append('}');
                i = j;
                atom();
            }
            default -> {
                if (n >= '1' && n <= '9') {
                    int j = i + 1;
                    while (j < src.length() && Character.isDigit(src.charAt(j))) {
                        j++;
                    }
                    backrefNumber(Integer.parseInt(src.substring(i + 1, j)), i + 1);
                    i = j;
                } else {
                    out.append('\\').append(n);
                    i += 2;
                    atom();
                }
            }
        }
    }

    private void backrefG() throws RegexSyntaxException {
        int j = i + 2;
        String ref;
        if (j < src.length() && src.charAt(j) == '{') {
            int close = src.indexOf('}', j);
            if (close < 0) {
                throw new RegexSyntaxException("a numbered reference must not be zero", j);
            }
            ref = src.substring(j + 1, close);
            j = close + 1;
        } else {
            int k = j;
            if (k < src.length() && (src.charAt(k) == '-' || src.charAt(k) == '+')) {
                k++;
            }
            while (k < src.length() && Character.isDigit(src.charAt(k))) {
                k++;
            }
            ref = src.substring(j, k);
            j = k;
        }
        if (ref.matches("[+-]?\\d+")) {
            int n = Integer.parseInt(ref.startsWith("+") ? ref.substring(1) : ref);
            backrefNumber(ref.startsWith("-") ? javaGroups.size() + n : n, i + 2);
        } else {
            backrefName(ref, i + 3);
        }
        i = j;
    }

    private void backrefNumber(int n, int at) throws RegexSyntaxException {
        if (n <= 0) {
            throw new RegexSyntaxException("reference to non-existent subpattern", at);
        }
        // Groups are named g<lua number> in the Java regex, so references never depend on the
        // \K markers shifting Java's numbering, and "\1" followed by a digit stays unambiguous.
        out.append("\\k<g").append(n).append('>');
        atom();
    }

    private void backrefName(String name, int at) throws RegexSyntaxException {
        int[] groups = names.get(name);
        if (groups == null) {
            throw new RegexSyntaxException("reference to non-existent subpattern", at);
        }
        backrefNumber(groups[0], at);
    }

    private void group() throws RegexSyntaxException {
        int start = i;
        if (src.startsWith("(*", i)) {
            throw unsupported("backtracking control verbs and (*UTF8)-style settings", start);
        }
        if (!src.startsWith("(?", i)) {
            capture(null, i + 1);
            return;
        }
        char k = i + 2 < src.length() ? src.charAt(i + 2) : 0;
        switch (k) {
            case '#' -> {
                int close = src.indexOf(')', i);
                if (close < 0) {
                    throw new RegexSyntaxException("missing ) after comment", src.length());
                }
                i = close + 1;
            }
            case ':', '=', '!', '>' -> open(3);
            case '<' -> {
                char after = i + 3 < src.length() ? src.charAt(i + 3) : 0;
                if (after == '=' || after == '!') {
                    open(4);
                } else {
                    namedCapture(i + 3, '>');
                }
            }
            case '\'' -> namedCapture(i + 3, '\'');
            case 'P' -> {
                char p = i + 3 < src.length() ? src.charAt(i + 3) : 0;
                if (p == '<') {
                    namedCapture(i + 4, '>');
                } else if (p == '=') {
                    int close = src.indexOf(')', i);
                    if (close < 0) {
                        throw new RegexSyntaxException("syntax error in subpattern name (missing terminator)", src.length());
                    }
                    backrefName(src.substring(i + 4, close), i + 4);
                    i = close + 1;
                } else {
                    throw unsupported("recursion and subroutine calls", start);
                }
            }
            case '|' -> throw unsupported("branch reset groups (?|...)", start);
            case '(' -> throw unsupported("conditional groups (?(...)...)", start);
            case 'C' -> throw unsupported("callouts (?C...)", start);
            case 'R', '&', '+' -> throw unsupported("recursion and subroutine calls", start);
            default -> {
                if (Character.isDigit(k) || k == '-' && i + 3 < src.length() && Character.isDigit(src.charAt(i + 3))) {
                    throw unsupported("recursion and subroutine calls", start);
                }
                inlineOptions();
            }
        }
    }

    /** {@code (?i)}, {@code (?-s:...)}: the letters both engines share; others are refused. */
    private void inlineOptions() throws RegexSyntaxException {
        int j = i + 2;
        while (j < src.length() && "imsx-".indexOf(src.charAt(j)) >= 0) {
            j++;
        }
        if (j >= src.length()) {
            throw new RegexSyntaxException("missing )", src.length());
        }
        char end = src.charAt(j);
        if (end == ')') {
            out.append(src, i, j + 1);
            i = j + 1;
        } else if (end == ':') {
            out.append(src, i, j + 1);
            i = j + 1;
            depth++;
            repeatable = false;
            quantified = false;
        } else {
            throw new RegexSyntaxException("unrecognized character after (? or (?-", j);
        }
    }

    private void open(int len) {
        out.append(src, i, i + len);
        i += len;
        depth++;
        repeatable = false;
        quantified = false;
    }

    private void namedCapture(int nameStart, char terminator) throws RegexSyntaxException {
        int j = nameStart;
        while (j < src.length() && (Character.isLetterOrDigit(src.charAt(j)) || src.charAt(j) == '_')) {
            j++;
        }
        if (j >= src.length() || src.charAt(j) != terminator) {
            throw new RegexSyntaxException("syntax error in subpattern name (missing terminator)", j);
        }
        String name = src.substring(nameStart, j);
        if (name.isEmpty() || Character.isDigit(name.charAt(0))) {
            throw new RegexSyntaxException("group name must start with a non-digit", nameStart);
        }
        if (names.containsKey(name) && !dupNames) {
            throw new RegexSyntaxException("two named subpatterns have the same name", j);
        }
        capture(name, j + 1);
    }

    private void capture(String name, int bodyStart) {
        javaCount++;
        javaGroups.add(javaCount);
        int lua = javaGroups.size() - 1;
        if (name != null) {
            int[] old = names.get(name);
            int[] now = old == null ? new int[] {lua} : Arrays.copyOf(old, old.length + 1);
            now[now.length - 1] = lua;
            names.put(name, now);
        }
        out.append("(?<g").append(lua).append('>');
        i = bodyStart;
        depth++;
        repeatable = false;
        quantified = false;
    }

    private void charClass() throws RegexSyntaxException {
        i = PcreCharClass.translate(src, i, out);
        atom();
    }

    private RegexSyntaxException unsupported(String what, int at) {
        return new RegexSyntaxException(what + " are not supported by the edge's regex engine (java.util.regex)", at);
    }
}
