package io.nott.unit.runtime;

import static io.nott.unit.runtime.Fixture.get;
import static io.nott.unit.runtime.Fixture.unit;
import static org.assertj.core.api.Assertions.assertThat;

import io.nott.unit.model.Phase;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The base library, {@code string}, {@code table}, {@code math} and {@code bit} against LuaJIT 2.1:
 * each expression in {@code luajit-base-results.txt} was evaluated by the LuaJIT OpenResty links
 * (Debian's libluajit2, through {@code unit-core/tools/luajit-oracle.py}); the sandbox must answer
 * the same, except for the differences listed in {@link #KEPT} (each documented in the README's
 * "LuaJ vs LuaJIT"). A kept difference that starts matching fails too, so the list stays true.
 */
class LuaBaseParityTest {

    /** Expression → why the sandbox answers differently (and what it answers is pinned here). */
    static final Map<String, String> KEPT = new LinkedHashMap<>();

    static {
        KEPT.put("type(setfenv)", "Lua 5.2 environments: setfenv/getfenv absent");
        KEPT.put("type(getfenv)", "Lua 5.2 environments: setfenv/getfenv absent");
        KEPT.put("-0", "LuaJ stores -0 as the integer 0");
        KEPT.put("-0.0", "LuaJ stores -0 as the integer 0");
        KEPT.put("type(table.unpack)", "Lua 5.2 names kept as extras (code written for OpenResty never needs them gone)");
        KEPT.put("type(table.pack)", "Lua 5.2 names kept as extras");
        KEPT.put("rawlen", "Lua 5.2 names kept as extras");
        KEPT.put("type(bit32)", "Lua 5.2 names kept as extras");
        KEPT.put("type(newproxy)", "not provided: userdata and GC internals");
        KEPT.put("type(gcinfo)", "not provided: userdata and GC internals");
        KEPT.put("string.format(\"%a\", 1)", "%a is Java's hex float text");
        KEPT.put("(function() local ok, e = pcall(string.format, \"%d\") return e end)()", "wording of a missing format argument");
        KEPT.put("(function() local ok, e = pcall(setmetatable, {}, 1) return e end)()", "LuaJ's check says 'table expected'");
        KEPT.put("(function() local ok, e = pcall(ipairs) return e end)()", "LuaJ's check says 'table expected'");
    }

    private final Fixture f = new Fixture();

    private String eval(String expression) {
        RequestState state = new RequestState();
        UnitOutcome o = f.run(Phase.ACCESS, get("/"), state, unit("unit", Phase.ACCESS,
                "local ok, v = pcall(function() return tostring((" + expression + ")) end)\n"
                        + "ngx.log(ngx.ERR, ok and v or ('ERROR: ' .. tostring(v)))")).outcomes().get(0);
        if (o.kind() != UnitOutcome.Kind.OK) {
            return "UNIT " + o.kind().wireName() + ": " + o.message();
        }
        return state.logs().get(0).message();
    }

    @Test
    void answersAsLuajitDoes() throws IOException {
        List<String> differ = new ArrayList<>();
        List<String> stale = new ArrayList<>();
        try (InputStream in = getClass().getResourceAsStream("/luajit-base-results.txt")) {
            for (String l : new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().toList()) {
                if (l.startsWith("#") || l.isBlank()) {
                    continue;
                }
                String[] c = l.split("\t", 2);
                String expected = c[1].replace("\\t", "\t").replace("\\n", "\n");
                String actual = eval(c[0]);
                boolean same = expected.equals(actual) || expected.startsWith("table: ") && actual.startsWith("table: ")
                        || expected.startsWith("function: ") && actual.startsWith("function: ");
                if (!same && !KEPT.containsKey(c[0])) {
                    differ.add(c[0] + "\n      luajit: " + expected + "\n      ours:   " + actual);
                } else if (same && KEPT.containsKey(c[0])) {
                    stale.add(c[0]);
                }
            }
        }
        assertThat(differ).as("answers that differ from LuaJIT").isEmpty();
        assertThat(stale).as("kept differences that now match: remove them from KEPT and the README").isEmpty();
    }
}
