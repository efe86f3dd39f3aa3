package io.nott.unit.runtime;

import static io.nott.unit.runtime.Fixture.get;
import static io.nott.unit.runtime.Fixture.unit;
import static org.assertj.core.api.Assertions.assertThat;

import io.nott.unit.model.Budget;
import io.nott.unit.model.Phase;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * {@code cjson}/{@code cjson.safe} against lua-cjson: {@code modules/cjson-cases.lua} ran on nginx +
 * libnginx-mod-http-lua + Debian's lua-cjson 2.1.0 printed {@code cjson-cases.nginx.txt}; the same
 * script must print the same here, byte for byte.
 */
class CjsonTest {

    static final Budget ROOMY = new Budget(50_000_000, 20_000);
    private final Fixture f = new Fixture();

    /** nginx's line → ours, where we differ on purpose (each in the README's cjson row). */
    static final java.util.Map<String, String> KEPT = java.util.Map.of(
            // LuaJ stores -0 as the integer 0 (README "LuaJ vs LuaJIT"): cjson.encode(-0) is "0" here.
            "{\"1.5\":1} | [null,\"x\"] | {\"-1\":1} | -0 | 0.3 | 100 | 9.007199254741e+15 | 1e-07 | 123456789",
            "{\"1.5\":1} | [null,\"x\"] | {\"-1\":1} | 0 | 0.3 | 100 | 9.007199254741e+15 | 1e-07 | 123456789",
            "-0 | true | -0", "-0 | true | 0", // decoding "-0" gives -0, which LuaJ keeps as 0
            // OpenResty's lua-cjson fork allows precision up to 16 (Debian's 2.1.0: 14).
            "false | bad argument #1 to '?' (expected integer between 1 and 14)",
            "false | bad argument #1 to '?' (expected integer between 1 and 16)");

    private static String resource(String name) throws IOException {
        try (InputStream in = CjsonTest.class.getResourceAsStream("/modules/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
        }
    }

    private RequestState run(String code) {
        RequestState state = new RequestState();
        // A generous wall budget: the first call loads classes on a machine shared with other builds.
        UnitOutcome o = f.runner.run(Fixture.snapshot(unit("u", Phase.CONTENT, code).withBudget(ROOMY)), Phase.CONTENT,
                        get("/"), state)
                .outcomes().get(0);
        assertThat(o.kind()).as(o.message()).isEqualTo(UnitOutcome.Kind.OK);
        return state;
    }

    private String say(String code) {
        return new String(run(code).body(), StandardCharsets.UTF_8);
    }

    @Test
    void answersAsLuaCjsonOnNginx() throws IOException {
        String code = resource("cjson-cases.lua");
        String body = new String(run(new String(code.getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8))
                .body(), StandardCharsets.ISO_8859_1);
        String[] ours = body.split("\n", -1);
        String[] nginx = resource("cjson-cases.nginx.txt").split("\n", -1);
        for (int i = 0; i < Math.min(ours.length, nginx.length); i++) {
            String expected = KEPT.getOrDefault(nginx[i], nginx[i]);
            assertThat(ours[i]).as("line " + (i + 1)).isEqualTo(expected);
        }
        assertThat(ours.length).isEqualTo(nginx.length);
    }

    @Test
    void openRestyForkAdditions() {
        assertThat(say("local c = require 'cjson' ngx.say(c.encode({a = c.empty_array}), c.encode(setmetatable({}, c.empty_array_mt)),"
                + " c.encode(setmetatable({}, c.array_mt)), c.encode(setmetatable({1, 2}, c.array_mt)))"))
                .isEqualTo("{\"a\":[]}[][][1,2]\n");
        assertThat(say("local c = require 'cjson' c.encode_empty_table_as_object(false) ngx.say(c.encode({}), c.encode({a = {}}))"))
                .isEqualTo("[]{\"a\":[]}\n");
        assertThat(say("local c = require 'cjson' c.decode_array_with_array_mt(true)"
                + " local t = c.decode('[]') ngx.say(tostring(getmetatable(t) == c.array_mt), c.encode(t))"))
                .isEqualTo("true[]\n");
        assertThat(say("local c = require 'cjson' c.encode_escape_forward_slash(false) ngx.say(c.encode('a/b'))"))
                .isEqualTo("\"a/b\"\n");
        assertThat(say("local c = require 'cjson' c.encode_number_precision(16) ngx.say(c.encode(math.pi))"))
                .isEqualTo("3.141592653589793\n");
    }

    @Test
    void instancesHaveTheirOwnSettings() {
        assertThat(say("local c = require 'cjson' local d = c.new() d.encode_number_precision(3)"
                + " ngx.say(c.encode(math.pi), ' ', d.encode(math.pi), ' ', require('cjson.safe').encode(math.pi))"))
                .isEqualTo("3.1415926535898 3.14 3.1415926535898\n");
    }

    @Test
    void hugeOutputIsChargedToTheCall() {
        RequestState state = new RequestState();
        UnitOutcome o = f.runner.run(Fixture.snapshot(unit("u", Phase.CONTENT,
                "local c = require 'cjson' local t = {} for i = 1, 20 do t = {t, t, t} end ngx.say(#c.encode(t))")
                        // 64 MiB of JSON before the memory limit: at load 34 that took longer than a 20 s wall.
                        .withBudget(new Budget(ROOMY.instructions(), 120_000))),
                Phase.CONTENT, get("/"), state).outcomes().get(0);
        assertThat(o.kind()).isEqualTo(UnitOutcome.Kind.ERROR);
        assertThat(o.message()).contains("memory limit exceeded");
    }
}
