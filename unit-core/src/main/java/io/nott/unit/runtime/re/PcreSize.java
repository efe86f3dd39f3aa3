package io.nott.unit.runtime.re;

import java.util.ArrayDeque;

/**
 * The length PCRE's pre-compile pass gives a regex, held against the limit that makes
 * {@code pcre_compile} answer "regular expression is too large": the PCRE that Debian's
 * lua-nginx-module links (libpcre3 8.39, 8-bit, {@code LINK_SIZE} 2, so 65,536 bytes). The
 * {@link PcreTranslator} reports each item as it reads it; a quantifier rewrites the item before it
 * (PCRE copies a repeated group once per repetition). Every figure below was measured with that
 * library ({@code pcre_compile2} on fillers of known length, then the largest pattern that still
 * compiles); the openresty-conformance cases {@code re-limits.t} check the threshold against real
 * nginx. Character classes with characters above U+00FF in UTF-8 mode are estimated (PCRE's
 * extended class, whose length depends on caseless ranges, is not computed item by item).
 */
final class PcreSize {

    /** PCRE's {@code MAX_PATTERN_SIZE} for {@code LINK_SIZE} 2: a longer pre-compiled length is refused. */
    static final int MAX = 1 << 16;
    /** Most nested groups ({@code PARENS_NEST_LIMIT}): "parentheses are too deeply nested". */
    static final int MAX_NESTING = 250;
    /** Largest number in a {@code {n,m}} quantifier. */
    static final int MAX_REPEAT = 65_535;
    /** Longest group name ({@code MAX_NAME_SIZE}) and most named groups ({@code MAX_NAME_COUNT}). */
    static final int MAX_NAME_SIZE = 32;
    static final int MAX_NAME_COUNT = 10_000;
    /** PCRE's {@code OFLOW_MAX}: a repeated group longer than this is refused where it is repeated. */
    private static final long OVERFLOW = Integer.MAX_VALUE - 20;

    /** The outer bracket (3), its ket (3) and {@code OP_END}. */
    private static final int EMPTY = 7;
    private static final int LINK = 2;
    private static final int BRACKET = 1 + LINK;
    /** A capture's bracket: the link and the group number. */
    private static final int CAPTURE = 1 + LINK + 2;
    /** A bitmap class: the opcode and 32 bytes. */
    static final int CLASS = 33;
    /** A numbered back reference; a named one costs more in the pre-compile pass (measured). */
    static final int REF = 3;
    static final int NAMED_REF = 17;

    private enum Kind { NONE, CHAR, TYPE, CLASS, REF, GROUP, ASSERTION }

    private record Group(long start, boolean assertion, boolean lookbehind) {
    }

    private final boolean utf8;
    private final ArrayDeque<Group> groups = new ArrayDeque<>();
    private long length = EMPTY;
    /** The item a quantifier would repeat: its kind, where it starts, and its own size figure. */
    private Kind last = Kind.NONE;
    private long lastStart;
    private long lastSize;
    /** The last quantifier, for a possessive {@code +} after it. */
    private Kind quantifiedKind = Kind.NONE;
    private long quantifiedSize;
    private int quantifiedMin;
    private int quantifiedMax;

    PcreSize(boolean utf8) {
        this.utf8 = utf8;
    }

    long length() {
        return length;
    }

    boolean tooLarge() {
        return length > MAX;
    }

    /** The bytes a character takes in the compiled regex: 1, or its UTF-8 length in UTF-8 mode. */
    int charBytes(char c) {
        if (!utf8 || c < 0x80) {
            return 1;
        }
        if (c < 0x800) {
            return 2;
        }
        return Character.isHighSurrogate(c) ? 4 : Character.isLowSurrogate(c) ? 0 : 3;
    }

    boolean utf8() {
        return utf8;
    }

    /** A literal character given by its code point ({@code \x{..}}, {@code \0nn}, {@code \n}...). */
    void codePoint(int cp) {
        int bytes = !utf8 || cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
        item(Kind.CHAR, 1 + bytes, bytes);
    }

    /** A literal character ({@code OP_CHAR} and its bytes); the low half of a surrogate pair adds nothing. */
    void literal(char c) {
        int bytes = charBytes(c);
        if (bytes > 0) {
            item(Kind.CHAR, 1 + bytes, bytes);
        }
    }

    /** A character type ({@code .}, {@code \d}, {@code \w}, ...): one byte; {@code \p} two more. */
    void type(int extra) {
        item(Kind.TYPE, 1 + extra, extra);
    }

    /** {@code ^}, {@code $}, {@code \b}, {@code \A}, {@code \K}: one byte, never repeated. */
    void anchor() {
        length += 1;
        last = Kind.NONE;
    }

    /** A class of more than one character ({@link #CLASS} or longer), or one character ({@code OP_CHAR}/{@code OP_NOT}). */
    void charClass(ClassShape shape) {
        if (shape.single()) {
            item(Kind.CHAR, 1 + shape.singleBytes(), shape.singleBytes());
        } else {
            long size = CLASS + (utf8 && shape.wideBytes() > 0 ? 4 + shape.wideBytes() : 0);
            item(Kind.CLASS, size, size);
        }
    }

    void reference(boolean named) {
        int size = named ? NAMED_REF : REF;
        item(Kind.REF, size, size);
    }

    /** {@code (}: a capture, a plain bracket, an assertion or a lookbehind (which adds {@code OP_REVERSE} per branch). */
    void open(boolean capture, boolean assertion, boolean lookbehind) {
        groups.push(new Group(length, assertion, lookbehind));
        length += (capture ? CAPTURE : BRACKET) + (lookbehind ? BRACKET : 0);
        last = Kind.NONE;
    }

    void alternative() {
        Group g = groups.peek();
        length += BRACKET + (g != null && g.lookbehind() ? BRACKET : 0);
        last = Kind.NONE;
    }

    void close() {
        length += BRACKET;
        Group g = groups.pop();
        last = g.assertion() ? Kind.ASSERTION : Kind.GROUP;
        lastStart = g.start();
        lastSize = length - g.start();
    }

    /**
     * A quantifier on the item before it ({@code max} -1: unbounded). PCRE refuses a repeated
     * group whose copies pass its overflow bound at once, pointing at {@code offset}.
     */
    void quantify(int min, int max, int offset) throws RegexSyntaxException {
        if (last == Kind.NONE) {
            return;
        }
        quantifiedKind = last;
        quantifiedSize = lastSize;
        quantifiedMin = min;
        quantifiedMax = max;
        repeat(lastStart, false, offset);
        last = Kind.NONE;
    }

    /** A {@code +} after a quantifier: groups and references are wrapped in an atomic bracket. */
    void possessive(int offset) throws RegexSyntaxException {
        if (quantifiedKind == Kind.GROUP || quantifiedKind == Kind.REF) {
            repeat(lastStart, true, offset);
        }
        quantifiedKind = Kind.NONE;
    }

    private void repeat(long start, boolean possessive, int offset) throws RegexSyntaxException {
        long size = repeated(quantifiedKind, quantifiedSize, quantifiedMin, quantifiedMax, possessive);
        if (size > OVERFLOW || start + size > OVERFLOW) {
            throw new RegexSyntaxException("regular expression is too large", offset);
        }
        length = start + size;
    }

    private void item(Kind kind, long size, long figure) {
        last = kind;
        lastStart = length;
        lastSize = figure;
        length += size;
    }

    /**
     * The length of an item after its quantifier. {@code figure} is a character's bytes, a type's
     * extra bytes, a class's or a reference's length, a group's length with its brackets.
     */
    private static long repeated(Kind kind, long figure, int min, int max, boolean possessive) {
        boolean plain = min <= 1 && (max == -1 || max == 1) || min == 0 && max == 0; // *, +, ?, {0}, {1}, {0,1}...
        switch (kind) {
            case CHAR -> {
                long single = 1 + figure;
                long counted = 3 + figure; // OP_EXACT / OP_UPTO, a 2-byte count, the character
                if (plain) {
                    return single;
                }
                if (min == max || min == 0) {
                    return counted;
                }
                if (max == -1) {
                    return counted + single; // {n,}: OP_EXACT then OP_STAR
                }
                if (min == 1) {
                    return single + counted;
                }
                return counted + (max - min == 1 ? single : counted);
            }
            case TYPE -> {
                long single = 1 + figure;
                long starred = 2 + figure;
                long counted = 4 + figure;
                if (min <= 1 && max == min || min == 0 && max == 0) {
                    return single; // {0}, {1} or none: the type as it was
                }
                if (plain) {
                    return starred;
                }
                if (min == max || min == 0) {
                    return counted;
                }
                if (max == -1) {
                    return counted + starred;
                }
                if (min == 1) {
                    return single + counted;
                }
                return counted + (max - min == 1 ? starred : counted);
            }
            case CLASS, REF -> {
                long wrap = kind == Kind.REF && possessive ? 2 * BRACKET : 0;
                if (max == 0) {
                    return figure;
                }
                if (plain && !(min == 1 && max == 1)) {
                    return figure + 1 + wrap; // OP_CRSTAR, OP_CRPLUS, OP_CRQUERY
                }
                return figure + 5 + wrap; // OP_CRRANGE and two counts
            }
            case ASSERTION -> {
                return min == 0 ? figure + 1 : figure;
            }
            case GROUP -> {
                long l = figure;
                long wrap = possessive && !(max == -1 && min <= 1) ? 2 * BRACKET : 0;
                if (min == 1 && (max == 1 || max == -1)) {
                    return l + wrap;
                }
                if (min == 0 && (max <= 1)) {
                    return l + 1 + wrap; // OP_BRAZERO
                }
                if (max == -1) {
                    return min == 0 ? l + 1 + wrap : (long) min * l + wrap;
                }
                if (min == max) {
                    return (long) min * l + wrap;
                }
                // min copies, then an optional copy, then each further one nested in its own bracket
                return (long) min * l + (l + 1) + (long) (max - min - 1) * (l + 1 + 2 * BRACKET) + wrap;
            }
            default -> {
                return figure;
            }
        }
    }

    /**
     * What PCRE makes of a character class: one literal character (compiled as that character,
     * {@code [^x]} as {@code OP_NOT}), or a class; in UTF-8 mode characters above U+00FF add to it.
     */
    static final class ClassShape {
        private int literals;
        private int firstChar = -1;
        private boolean sameChar = true;
        private boolean other;
        private long wideBytes;
        private boolean cut;
        private final boolean utf8;

        ClassShape(boolean utf8) {
            this.utf8 = utf8;
        }

        /** A literal character in the class (a code point). */
        void literal(int codePoint) {
            literals++;
            if (firstChar < 0) {
                firstChar = codePoint;
            } else if (firstChar != codePoint) {
                sameChar = false;
            }
            if (utf8 && codePoint > 0xff) {
                wideBytes += 1 + utf8Bytes(codePoint);
            }
        }

        /** An escape for many characters ({@code \d}, {@code \p{..}}, {@code [:alpha:]}). */
        void other() {
            other = true;
        }

        boolean single() {
            return !other && literals == 1 && sameChar;
        }

        int singleBytes() {
            return utf8 ? utf8Bytes(firstChar) : 1;
        }

        long wideBytes() {
            return wideBytes;
        }

        /** True when the class's translation was left unwritten past the output bound. */
        boolean cut() {
            return cut;
        }

        void cut(boolean cut) {
            this.cut = cut;
        }

        private static int utf8Bytes(int cp) {
            return cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
        }
    }
}
