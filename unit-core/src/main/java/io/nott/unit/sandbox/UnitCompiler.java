package io.nott.unit.sandbox;

import io.nott.unit.model.ComputingUnit;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.luaj.vm2.Prototype;

/**
 * Compiles Lua source to a LuaJ {@link Prototype} with LuaJ's own compiler (interpreted, never
 * LuaJC: untrusted code is not turned into JVM classes), refusing what LuaJIT refuses and reporting
 * errors in LuaJIT's words ({@link CompileErrors}). Compiling never executes anything, so
 * the registry can validate untrusted code safely.
 */
public final class UnitCompiler {

    /** {@code name:LINE: message} as LuaC reports it. */
    private static final Pattern LUA_ERROR = Pattern.compile("^(?:.*?):(\\d+): (.*)$", Pattern.DOTALL);

    private UnitCompiler() {
    }

    /** @throws UnitCompilationException with the unit id, the line and the parser's message */
    public static CompiledUnit compile(ComputingUnit unit) {
        return new CompiledUnit(unit, compileSource(unit.id(), unit.code()));
    }

    /**
     * Compiles one chunk. Text starting with the bytecode signature (ESC) is refused: only source
     * is accepted, so a unit can never smuggle in hand-made bytecode.
     */
    public static Prototype compileSource(String unitId, String source) {
        if (source.startsWith("\u001b")) {
            throw new UnitCompilationException(unitId, 0, "binary chunks are not accepted, send Lua source");
        }
        // "=" makes LuaJ print the chunk name verbatim in messages and tracebacks.
        CompileErrors.Result r = CompileErrors.compile(source.getBytes(StandardCharsets.UTF_8), "=" + unitId);
        if (r instanceof CompileErrors.Failed f) {
            throw new UnitCompilationException(unitId, f.failure().line(), f.failure().message());
        }
        return ((CompileErrors.Compiled) r).prototype();
    }

    static UnitCompilationException fromLuaError(String unitId, String message) {
        String msg = message == null ? "syntax error" : message;
        Matcher m = LUA_ERROR.matcher(msg);
        if (m.matches()) {
            return new UnitCompilationException(unitId, Integer.parseInt(m.group(1)), m.group(2));
        }
        return new UnitCompilationException(unitId, 0, msg);
    }
}
