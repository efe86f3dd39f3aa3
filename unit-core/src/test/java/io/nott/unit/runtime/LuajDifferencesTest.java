package io.nott.unit.runtime;

import static io.nott.unit.runtime.Fixture.get;
import static org.assertj.core.api.Assertions.assertThat;

import io.nott.unit.model.Phase;
import io.nott.unit.runtime.UnitOutcome.Kind;
import org.junit.jupiter.api.Test;

/**
 * Where LuaJ (Lua 5.2 on the JVM) differs from LuaJIT (what OpenResty runs). Each difference is
 * either fixed in our layer (the test shows LuaJIT's result) or documented in the README with the
 * actual behaviour shown here.
 */
class LuajDifferencesTest {

    private final Fixture f = new Fixture();

    private String eval(String expression) {
        RequestState state = new RequestState();
        UnitOutcome o = f.one(Phase.ACCESS, get("/"), state, "ngx.log(ngx.ERR, " + expression + ")");
        assertThat(o.kind()).as(o.message()).isEqualTo(Kind.OK);
        return state.logs().get(0).message();
    }

    @Test
    void fixedNumberFormattingInTostringAndConcatenation() {
        assertThat(eval("tostring(1700000000.5)")).isEqualTo("1700000000.5");
        assertThat(eval("1700000000.5 .. ''")).isEqualTo("1700000000.5");
        assertThat(eval("'t=' .. 0.1 .. ',' .. 1/3")).isEqualTo("t=0.1,0.33333333333333");
        assertThat(eval("tostring(2^53)")).isEqualTo("9.007199254741e+15");
        assertThat(eval("tostring(1e100) .. ' ' .. tostring(10/2) .. ' ' .. tostring(-1.5e-7)")).isEqualTo("1e+100 5 -1.5e-07");
        assertThat(eval("tostring(1/0) .. ' ' .. tostring(-1/0)")).isEqualTo("inf -inf");
    }

    @Test
    void fixedStringFormatPrecision() {
        assertThat(eval("string.format('%f|%.3f|%5.1f|%-6.2f|', 1/3, 2.5, 3.14159, 1.005)")).isEqualTo("0.333333|2.500|  3.1|1.00  |");
        assertThat(eval("string.format('%g|%g|%g|%.3g|%e', 0.1, 1e20, 100000, 2/3, 12345.678)"))
                .isEqualTo("0.1|1e+20|100000|0.667|1.234568e+04");
        assertThat(eval("string.format('%d|%5d|%-5d|%05d|%x|%X|%o|%c|%%', 3.7, 42, 42, 42, 255, 255, 8, 65)"))
                .isEqualTo("3|   42|42   |00042|ff|FF|10|A|%");
        assertThat(eval("string.format('%s|%10s|%-4s|%.2s|%q', 1.5, 'right', 'l', 'abc', 'a\"b')"))
                .isEqualTo("1.5|     right|l   |ab|\"a\\\"b\"");
    }

    @Test
    void fixedUpperLowerAreByteWise() {
        assertThat(eval("string.upper('héllo') == 'H\\195\\169LLO'")).isEqualTo("true");
        assertThat(eval("#string.lower('\\255\\0A')")).isEqualTo("3");
    }

    /** Documented: the length of a table with holes is a different (valid) border than LuaJIT's. */
    @Test
    void lengthOfTablesWithHoles() {
        assertThat(eval("#{1, 2, nil, 4}")).isEqualTo("2"); // LuaJIT: 4
        assertThat(eval("(function() local t = {} t[1] = 1 t[2] = 2 t[4] = 4 return #t end)()")).isEqualTo("2"); // LuaJIT: 4
        assertThat(eval("select('#', unpack({1, nil, 3}))")).isEqualTo("1"); // LuaJIT: 3
    }

    /** Fixed: LuaJ 3.0.1 crashes on frontier patterns; our matcher supports them. */
    @Test
    void frontierPatterns() {
        assertThat(eval("string.find('THE (quick) fox', '%f[%a]%a+')")).isEqualTo("13");
        assertThat(eval("string.gsub('hello world from Lua', '%f[%w]%w+', 'X')")).isEqualTo("X X X X4");
        assertThat(eval("string.match('key=value', '%f[%w]%w+$')")).isEqualTo("value");
    }

    /** Documented: Lua 5.1 functions LuaJIT keeps that Lua 5.2 dropped. */
    @Test
    void luaVersionDifferences() {
        assertThat(eval("type(loadstring) .. type(unpack) .. type(table.unpack)")).isEqualTo("functionfunctionfunction");
        assertThat(eval("type(setfenv) .. type(getfenv) .. type(table.getn) .. type(bit) .. type(bit32)"))
                .isEqualTo("nilnilfunctiontabletable");
        assertThat(eval("_VERSION")).isEqualTo("Lua 5.1");
        assertThat(eval("tostring(-0.0)")).isEqualTo("0"); // LuaJIT: -0
        assertThat(eval("(function() local n = 0 for i = 1, 3 do if i == 2 then goto continue end n = n + i ::continue:: end return n end)()"))
                .isEqualTo("4");
    }

    /** Fixed: parser messages in LuaJIT's words, chunk named as LuaJIT names it (LuaJ: "unexpected symbol 43 (+)"). */
    @Test
    void syntaxErrorWording() {
        assertThat(eval("select(2, loadstring('x = +'))")).isEqualTo("[string \"x = +\"]:1: unexpected symbol near '+'");
        assertThat(eval("select(2, loadstring('x = \"\\\\d\"', '=mine'))")).isEqualTo("mine:1: invalid escape sequence near '\"'");
    }
}
