package io.nott.unit.sandbox;

/** A unit's Lua does not compile: which unit, which line (0 if unknown) and the parser's message. */
public final class UnitCompilationException extends RuntimeException {

    private final String unitId;
    private final int line;
    private final String detail;

    public UnitCompilationException(String unitId, int line, String detail) {
        super("unit '" + unitId + "' does not compile" + (line > 0 ? " (line " + line + ")" : "") + ": " + detail);
        this.unitId = unitId;
        this.line = line;
        this.detail = detail;
    }

    public String unitId() {
        return unitId;
    }

    /** 1-based line of the error in the unit's code, 0 when the parser did not say. */
    public int line() {
        return line;
    }

    /** The parser's message without the chunk name and line prefix, e.g. {@code '=' expected near 'x'}. */
    public String detail() {
        return detail;
    }
}
