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
 *
 * <p>It also measures the regex as PCRE's pre-compile pass does ({@link PcreSize}) and refuses what
 * PCRE refuses for size, nesting, quantifier numbers and group names, with PCRE's messages. For
 * {@code ngx.re} ({@link #translateBounded}) a regex can be megabytes long (built at run time):
 * once it is past PCRE's limit, or its translation past {@link #MAX_OUTPUT} chars, the rest is
 * read for the errors PCRE would report first but not written, so reading it costs no memory in
 * proportion to its length.
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

    /** Most chars of translation {@link #translateBounded} writes (a char class of megabytes is one PCRE item). */
    static final int MAX_OUTPUT = 1 << 19;

    private final String src;
    private final boolean dupNames;
    private final boolean extended;
    private final boolean bounded;
    private final PcreSize size;
    private final StringBuilder out = new StringBuilder();
    /** True once the output is no longer kept (bounded only): past PCRE's limit, or cut. */
    private boolean discard;
    /** True when the output passed {@link #MAX_OUTPUT} chars and was cut. */
    private boolean cut;
    private int luaGroups;
    private int namedGroups;
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

    private PcreTranslator(String src, ReOptions options, boolean bounded) {
        this.src = src;
        this.dupNames = options.dupNames();
        this.extended = options.extended();
        this.bounded = bounded;
        this.size = new PcreSize(options.utf8());
    }

    /** The whole translation, whatever its length (location regexes, and a cut one done again with its memory charged). */
    static Translation translate(String src, ReOptions options) throws RegexSyntaxException {
        return new PcreTranslator(src, options, false).run();
    }

    /**
     * As {@code ngx.re}'s PCRE compiles: a regex whose pre-compiled length passes
     * {@link PcreSize#MAX} is refused ("regular expression is too large", after the syntax errors
     * PCRE finds first, anywhere in it). Null when the translation passed {@link #MAX_OUTPUT}
     * chars: {@link #translate} it with its memory charged.
     */
    static Translation translateBounded(String src, ReOptions options) throws RegexSyntaxException {
        return new PcreTranslator(src, options, true).run();
    }

    private Translation run() throws RegexSyntaxException {
        while (i < src.length()) {
            if (bounded) {
                if (!discard && (size.tooLarge() || out.length() > MAX_OUTPUT)) {
                    cut |= !size.tooLarge();
                    discard = true;
                }
                if (discard) {
                    out.setLength(0);
                }
            }
            char c = src.charAt(i);
            if (extended && (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == 0x0b)) {
                out.append(c);
                i++;
                continue;
            }
            if (extended && c == '#') {
                int nl = src.indexOf('\n', i);
                int end = nl < 0 ? src.length() : nl;
                if (room(end - i)) {
                    out.append(src, i, end);
                }
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
                    size.close();
                }
                case '|' -> {
                    out.append('|');
                    i++;
                    repeatable = false;
                    quantified = false;
                    size.alternative();
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
                        size.literal(c);
                    }
                }
                case '}' -> {
                    out.append("\\}");
                    i++;
                    atom();
                    size.literal(c);
                }
                case '^', '$' -> {
                    // PCRE: "nothing to repeat" after an assertion of position
                    out.append(c);
                    i++;
                    position();
                }
                case '.' -> {
                    out.append(c);
                    i++;
                    atom();
                    size.type(0);
                }
                default -> {
                    out.append(c);
                    i++;
                    atom();
                    size.literal(c);
                }
            }
        }
        if (depth > 0) {
            throw new RegexSyntaxException("missing )", src.length());
        }
        if (bounded && size.tooLarge()) {
            // PCRE checks its pre-compiled length at the end, pointing past the regex.
            throw new RegexSyntaxException("regular expression is too large", src.length());
        }
        if (bounded && (cut || out.length() > MAX_OUTPUT)) {
            return null;
        }
        int[] jg = javaGroups.stream().mapToInt(Integer::intValue).toArray();
        int[] km = kMarkers.stream().mapToInt(Integer::intValue).toArray();
        return new Translation(out.toString(), jg.length - 1, jg, km, names);
    }

    /** PCRE's pre-compiled length of {@code src} ({@link PcreSize}), whatever it is. */
    static long pcreLength(String src, ReOptions options) throws RegexSyntaxException {
        PcreTranslator t = new PcreTranslator(src, options, false);
        t.run();
        return t.size.length();
    }

    /**
     * True when {@code more} chars may be written; bounded, false once the output is discarded or
     * would pass {@link #MAX_OUTPUT} (then it is cut).
     */
    private boolean room(long more) {
        if (!bounded) {
            return true;
        }
        if (!discard && out.length() + more > MAX_OUTPUT) {
            cut = true;
            discard = true;
            out.setLength(0);
        }
        return !discard;
    }

    /** {@code ^}, {@code $}, {@code \b}, {@code \A}...: PCRE refuses a quantifier after them. */
    private void position() {
        repeatable = false;
        quantified = false;
        size.anchor();
    }

    private void atom() {
        repeatable = true;
        quantified = false;
    }

    private void quantifier(int len) throws RegexSyntaxException {
        char c = src.charAt(i);
        if (quantified && (c == '?' || c == '+') && len == 1) {
            out.append(c);
            if (c == '+') {
                size.possessive(i);
            }
            i++;
            quantified = false;
            repeatable = false;
            return;
        }
        int min;
        int max;
        if (len == 1) {
            min = c == '+' ? 1 : 0;
            max = c == '?' ? 1 : -1;
        } else {
            // PCRE reads the numbers (and refuses bad ones) before it looks for something to repeat.
            int j = i + 1;
            min = 0;
            while (isAsciiDigit(src.charAt(j))) {
                min = min * 10 + (src.charAt(j++) - '0');
                if (min > PcreSize.MAX_REPEAT) {
                    throw new RegexSyntaxException("number too big in {} quantifier", j);
                }
            }
            max = min;
            if (src.charAt(j) == ',') {
                j++;
                max = -1;
                if (isAsciiDigit(src.charAt(j))) {
                    max = 0;
                    while (isAsciiDigit(src.charAt(j))) {
                        max = max * 10 + (src.charAt(j++) - '0');
                        if (max > PcreSize.MAX_REPEAT) {
                            throw new RegexSyntaxException("number too big in {} quantifier", j);
                        }
                    }
                    if (max < min) {
                        throw new RegexSyntaxException("numbers out of order in {} quantifier", j);
                    }
                }
            }
        }
        if (!repeatable) {
            throw new RegexSyntaxException("nothing to repeat", i);
        }
        out.append(src, i, i + len);
        size.quantify(min, max, i + len - 1);
        i += len;
        repeatable = false;
        quantified = true;
    }

    /** The length of a {@code {n}}, {@code {n,}} or {@code {n,m}} quantifier at {@code at}, or 0. */
    private int countedQuantifier(int at) {
        int j = at + 1;
        int digits = 0;
        while (j < src.length() && isAsciiDigit(src.charAt(j))) {
            j++;
            digits++;
        }
        if (digits == 0) {
            return 0;
        }
        if (j < src.length() && src.charAt(j) == ',') {
            j++;
            while (j < src.length() && isAsciiDigit(src.charAt(j))) {
                j++;
            }
        }
        return j < src.length() && src.charAt(j) == '}' ? j + 1 - at : 0;
    }

    private static boolean isAsciiDigit(char c) {
        return c >= '0' && c <= '9';
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
                int to = end < 0 ? src.length() : end;
                if (to > i + 2) {
                    if (room(to - i + 2)) {
                        out.append("\\Q").append(src, i + 2, to).append("\\E");
                    }
                    atom();
                    for (int k = i + 2; k < to; k++) {
                        size.literal(src.charAt(k)); // each a character of its own, as PCRE compiles it
                    }
                }
                i = stop;
            }
            case 'E' -> i += 2;
            case 'K' -> {
                javaCount++;
                if (!discard) {
                    kMarkers.add(javaCount);
                }
                out.append("()");
                i += 2;
                repeatable = false;
                quantified = false;
                size.anchor();
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
                size.reference(true);
                i = close + 1;
            }
            case 'p', 'P' -> {
                i = PcreCharClass.property(src, i, out);
                atom();
                size.type(2);
            }
            case 'N' -> {
                out.append("[^\\n]");
                i += 2;
                atom();
                size.type(0);
            }
            case 'x' -> {
                if (i + 2 < src.length() && src.charAt(i + 2) == '{') {
                    int close = src.indexOf('}', i + 3);
                    int end = close < 0 ? src.length() : close + 1;
                    if (room(end - i)) {
                        out.append(src, i, end);
                    }
                    size.codePoint(close < 0 || close - i > 11 ? 0 : hex(src.substring(i + 3, close)));
                    i = end;
                } else {
                    int j = i + 2;
                    while (j < src.length() && j < i + 4 && Character.digit(src.charAt(j), 16) >= 0) {
                        j++;
                    }
                    out.append("\\x{").append(j == i + 2 ? "0" : src.substring(i + 2, j)).append('}');
                    size.codePoint(j == i + 2 ? 0 : hex(src.substring(i + 2, j)));
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
                size.codePoint(value);
            }
            case 'c' -> {
                // \cX: one control character (its X is never read as syntax, '[' included)
                out.append("\\c");
                i += 2;
                if (i < src.length()) {
                    out.append(src.charAt(i));
                    i++;
                }
                atom();
                size.codePoint(1);
            }
            default -> {
                if (n >= '1' && n <= '9') {
                    int j = i + 1;
                    while (j < src.length() && isAsciiDigit(src.charAt(j)) && j < i + 7) {
                        j++;
                    }
                    backrefNumber(Integer.parseInt(src.substring(i + 1, j)), i + 1);
                    size.reference(false);
                    i = j;
                } else {
                    out.append('\\').append(n);
                    i += 2;
                    if ("bBAzZG".indexOf(n) >= 0) {
                        position();
                    } else {
                        atom();
                        if ("dDwWsShHvVRXC".indexOf(n) >= 0) {
                            size.type(0);
                        } else {
                            size.codePoint(escapedChar(n));
                        }
                    }
                }
            }
        }
    }

    /**
     * The character a PCRE escape of one letter or symbol stands for ({@code \n}, {@code \.}, ...),
     * in a class ({@link PcreCharClass}) as outside one.
     */
    static int escapedChar(char n) {
        return switch (n) {
            case 'n' -> '\n';
            case 't' -> '\t';
            case 'r' -> '\r';
            case 'f' -> '\f';
            case 'e' -> 0x1b;
            case 'a' -> 0x07;
            default -> n;
        };
    }

    private static int hex(String digits) {
        try {
            return digits.isEmpty() ? 0 : Integer.parseInt(digits, 16);
        } catch (NumberFormatException e) {
            return 0; // Java refuses the escape when it compiles the translation
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
        if (ref.matches("[+-]?\\d{1,6}")) {
            int n = Integer.parseInt(ref.startsWith("+") ? ref.substring(1) : ref);
            backrefNumber(ref.startsWith("-") ? luaGroups + 1 + n : n, i + 2);
            size.reference(false);
        } else {
            backrefName(ref, i + 3);
            size.reference(true);
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
            case ':', '=', '!', '>' -> open(3, k == '=' || k == '!', false);
            case '<' -> {
                char after = i + 3 < src.length() ? src.charAt(i + 3) : 0;
                if (after == '=' || after == '!') {
                    open(4, true, true);
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
                    size.reference(true);
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
            if (room(j + 1 - i)) {
                out.append(src, i, j + 1);
            }
            i = j + 1;
        } else if (end == ':') {
            if (room(j + 1 - i)) {
                out.append(src, i, j + 1);
            }
            i = j + 1;
            nest();
            repeatable = false;
            quantified = false;
            size.open(false, false, false);
        } else {
            throw new RegexSyntaxException("unrecognized character after (? or (?-", j);
        }
    }

    private void open(int len, boolean assertion, boolean lookbehind) throws RegexSyntaxException {
        out.append(src, i, i + len);
        i += len;
        nest();
        repeatable = false;
        quantified = false;
        size.open(false, assertion, lookbehind);
    }

    /** One group deeper; PCRE refuses more than {@link PcreSize#MAX_NESTING}, pointing after the opening. */
    private void nest() throws RegexSyntaxException {
        if (++depth > PcreSize.MAX_NESTING) {
            throw new RegexSyntaxException("parentheses are too deeply nested", i);
        }
    }

    private void namedCapture(int nameStart, char terminator) throws RegexSyntaxException {
        int j = nameStart;
        while (j < src.length() && (Character.isLetterOrDigit(src.charAt(j)) || src.charAt(j) == '_')) {
            j++;
        }
        if (j >= src.length() || src.charAt(j) != terminator) {
            throw new RegexSyntaxException("syntax error in subpattern name (missing terminator)", j);
        }
        if (j - nameStart > PcreSize.MAX_NAME_SIZE) {
            throw new RegexSyntaxException("subpattern name is too long (maximum " + PcreSize.MAX_NAME_SIZE + " characters)", j);
        }
        if (++namedGroups > PcreSize.MAX_NAME_COUNT) {
            throw new RegexSyntaxException("too many named subpatterns (maximum " + PcreSize.MAX_NAME_COUNT + ")", j);
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

    private void capture(String name, int bodyStart) throws RegexSyntaxException {
        javaCount++;
        if (!discard) {
            javaGroups.add(javaCount); // complete whenever the translation is returned
        }
        int lua = ++luaGroups;
        if (name != null) {
            int[] old = names.get(name);
            int[] now = old == null ? new int[] {lua} : Arrays.copyOf(old, old.length + 1);
            now[now.length - 1] = lua;
            names.put(name, now);
        }
        out.append("(?<g").append(lua).append('>');
        i = bodyStart;
        nest();
        repeatable = false;
        quantified = false;
        size.open(true, false, false);
    }

    private void charClass() throws RegexSyntaxException {
        PcreSize.ClassShape shape = new PcreSize.ClassShape(size.utf8());
        i = PcreCharClass.translate(src, i, out, bounded ? MAX_OUTPUT : Integer.MAX_VALUE, shape);
        if (shape.cut()) {
            cut = true; // only a bounded translation cuts: from here on the output is discarded
            discard = true;
            out.setLength(0);
        }
        atom();
        size.charClass(shape);
    }

    private RegexSyntaxException unsupported(String what, int at) {
        return new RegexSyntaxException(what + " are not supported by the edge's regex engine (java.util.regex)", at, false);
    }
}
