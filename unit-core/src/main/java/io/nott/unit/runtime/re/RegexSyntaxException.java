package io.nott.unit.runtime.re;

/**
 * A regex PCRE would refuse (or the edge cannot run), with PCRE's wording where PCRE refuses it.
 * {@code offset} is the char offset in the source the error points at, or the source's length
 * when PCRE names no position.
 */
final class RegexSyntaxException extends Exception {

    private static final long serialVersionUID = 1L;

    private final int offset;
    private final boolean pcre;

    RegexSyntaxException(String message, int offset) {
        this(message, offset, true);
    }

    /** @param pcre false for the edge's own refusals (what java.util.regex cannot run), which PCRE never words */
    RegexSyntaxException(String message, int offset, boolean pcre) {
        super(message, null, false, false);
        this.offset = offset;
        this.pcre = pcre;
    }

    int offset() {
        return offset;
    }

    /** True when the message is PCRE's own (and is cut as lua-resty-core cuts PCRE's messages). */
    boolean pcre() {
        return pcre;
    }
}
