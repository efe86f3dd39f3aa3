package io.nott.unit.runtime.re;

/**
 * A regex PCRE would refuse (or the edge cannot run), with PCRE's wording where PCRE refuses it.
 * {@code offset} is the char offset in the source the error points at, or the source's length
 * when PCRE names no position.
 */
final class RegexSyntaxException extends Exception {

    private static final long serialVersionUID = 1L;

    private final int offset;

    RegexSyntaxException(String message, int offset) {
        super(message, null, false, false);
        this.offset = offset;
    }

    int offset() {
        return offset;
    }
}
