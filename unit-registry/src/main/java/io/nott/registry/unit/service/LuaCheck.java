package io.nott.registry.unit.service;

import io.nott.registry.error.Problem;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.luaj.vm2.LuaError;
import org.luaj.vm2.compiler.LuaC;

/** Compiles Lua without running it and reports the first syntax error with its line. */
final class LuaCheck {

    private static final Pattern LOCATED = Pattern.compile("(?s).*?:(\\d+):\\s*(.*)");

    private LuaCheck() {
    }

    static Optional<Problem> compile(String id, String code) {
        try {
            LuaC.instance.compile(new ByteArrayInputStream(code.getBytes(StandardCharsets.UTF_8)), id);
            return Optional.empty();
        } catch (LuaError e) {
            return Optional.of(located(e.getMessage()));
        } catch (Exception e) {
            return Optional.of(located(String.valueOf(e.getMessage())));
        }
    }

    private static Problem located(String message) {
        Matcher m = LOCATED.matcher(message == null ? "" : message);
        if (m.matches()) {
            return new Problem("code", "Lua does not compile: " + m.group(2), Integer.parseInt(m.group(1)));
        }
        return new Problem("code", "Lua does not compile: " + message);
    }
}
