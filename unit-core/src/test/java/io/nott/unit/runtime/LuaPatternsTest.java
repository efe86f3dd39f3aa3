package io.nott.unit.runtime;

import static io.nott.unit.runtime.Fixture.get;
import static org.assertj.core.api.Assertions.assertThat;

import io.nott.unit.model.Phase;
import io.nott.unit.runtime.UnitOutcome.Kind;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Our Lua pattern matcher gives the reference Lua results (expected values from Lua 5.1/5.2). */
class LuaPatternsTest {

    private final Fixture f = new Fixture();

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
        "string.find('hello world', 'o w')                          | 57",
        "string.find('hello', 'l+')                                 | 34",
        "string.find('a.b', '.', 1, true)                           | 22",
        "string.find('abc', 'b', -1)                                | nil",
        "string.find('abc', '')                                     | 10",
        "string.find('abc', '', 10)                                 | nil",
        "string.find('key = val', '(%w+)%s*=%s*(%w+)')              | 19keyval",
        "string.match('2026-11-27', '(%d+)-(%d+)-(%d+)')            | 20261127",
        "string.match('hello', '()ll()')                            | 35",
        "string.match('  trim  ', '^%s*(.-)%s*$')                   | trim",
        "string.match('f(a(b)c)d', '%b()')                          | (a(b)c)",
        "string.match('abab', '(ab)%1')                             | ab",
        "string.match('x', '^y')                                    | nil",
        "string.match('[x]', '[%[]x[]]')                            | [x]",
        "string.match('a-b', '[a%-]+')                              | a-",
        "string.match('Z9_', '[^%l]+')                              | Z9_",
        "string.match('hello.m3u8', '%.(%w+)$')                     | m3u8",
        "string.gsub('hello world', 'o', '0')                       | hell0 w0rld2",
        "string.gsub('hello world', '(%w+)', '<%1>')                | <hello> <world>2",
        "string.gsub('hello', '', '-')                              | -h-e-l-l-o-6",
        "string.gsub('abc', '%w', '%0%0', 2)                        | aabbc2",
        "string.gsub('$name is $age', '%$(%w+)', {name = 'Ann', age = 7}) | Ann is 72",
        "string.gsub('a b', '%w', function(c) return c:upper() end) | A B2",
        "string.gsub('keep', 'e', function() return nil end)        | keep2",
        "string.gsub('abc', '^a', 'x')                              | xbc1",
        "string.gsub('100%', '%%', ' percent')                      | 100 percent1",
        "(function() local t = {} for k, v in string.gmatch('a=1, b=2', '(%w+)=(%w+)') do t[#t+1] = k .. v end return table.concat(t, ',') end)() | a1,b2",
        "(function() local n = 0 for w in ('one two  three'):gmatch('%a+') do n = n + 1 end return n end)() | 3",
    })
    void matchesLikeLua(String expression, String expected) {
        RequestState state = new RequestState();
        UnitOutcome o = f.one(Phase.ACCESS, get("/"), state, "ngx.log(ngx.ERR, " + expression + ")");
        assertThat(o.kind()).as(o.message()).isEqualTo(Kind.OK);
        assertThat(state.logs().get(0).message()).isEqualTo(expected);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
        "string.find('a', '%')             | malformed pattern (ends with '%')",
        "string.find('a', '[a')            | malformed pattern (missing ']')",
        "string.find('a', '(a')            | unfinished capture",
        "string.match('a', 'a)')           | invalid pattern capture",
        "string.gsub('a', 'a', '%2')       | invalid capture index",
        "string.gsub('a', 'a', '%x')       | invalid use of '%' in replacement string",
        "string.gsub('a', 'a', true)       | string/function/table expected",
        "string.find('a', '%f')            | missing '[' after '%f' in pattern",
    })
    void malformedPatternsAreErrors(String expression, String message) {
        UnitOutcome o = f.one(Phase.ACCESS, get("/"), new RequestState(), "ngx.log(ngx.ERR, " + expression + ")");
        assertThat(o.kind()).isEqualTo(Kind.ERROR);
        assertThat(o.message()).contains(message);
    }
}
