package io.nott.unit.runtime;

import static io.nott.unit.runtime.Fixture.get;
import static io.nott.unit.runtime.Fixture.unit;
import static org.assertj.core.api.Assertions.assertThat;

import io.nott.unit.model.Phase;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * {@code ngx.base64}, {@code ngx.re} (module), {@code resty.string}, {@code resty.md5}/{@code sha*} and
 * {@code resty.random}. The first two against nginx's own output for {@code modules/resty-cases.lua};
 * lua-resty-string is not packaged for Debian's nginx, so the others against the known digests.
 */
class BundledModulesTest {

    private final Fixture f = new Fixture();

    private static String resource(String name) throws IOException {
        try (InputStream in = BundledModulesTest.class.getResourceAsStream("/modules/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
        }
    }

    private String say(String code) {
        RequestState state = new RequestState();
        UnitOutcome o = f.runner.run(Fixture.snapshot(unit("u", Phase.CONTENT, code).withBudget(CjsonTest.ROOMY)),
                Phase.CONTENT, get("/"), state).outcomes().get(0);
        assertThat(o.kind()).as(o.message()).isEqualTo(UnitOutcome.Kind.OK);
        return new String(state.body(), StandardCharsets.ISO_8859_1);
    }

    @Test
    void base64AndReSplitAnswerAsLuaRestyCoreOnNginx() throws IOException {
        String code = new String(resource("resty-cases.lua").getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8);
        String[] ours = say(code).split("\n", -1);
        String[] nginx = resource("resty-cases.nginx.txt").split("\n", -1);
        for (int i = 0; i < Math.min(ours.length, nginx.length); i++) {
            assertThat(ours[i]).as("line " + (i + 1)).isEqualTo(nginx[i]);
        }
        assertThat(ours.length).isEqualTo(nginx.length);
    }

    @Test
    void restyString() {
        assertThat(say("local str = require 'resty.string' ngx.say(str.to_hex('\\0\\255ab'), ' ', str.atoi('123'), ' ',"
                + " str.atoi('12a'), ' ', str.atoi(''), ' ', str.atoi('-1'), ' ', str.atoi('99999999999999999999'))"))
                .isEqualTo("00ff6162 123 -1 -1 -1 -1\n");
    }

    @Test
    void digestsAsLuaRestyString() {
        assertThat(say("local str = require 'resty.string' local md5 = require 'resty.md5'"
                + " local m = md5:new() ngx.say(m:update('hello '), ' ', tostring(m:update('world')), ' ', str.to_hex(m:final()))"
                + " m:reset() m:update('') ngx.say(str.to_hex(m:final()))"
                + " local s = require('resty.sha1'):new() s:update('abc') ngx.say(str.to_hex(s:final()))"
                + " local s2 = require('resty.sha256').new() s2:update('abc') ngx.say(str.to_hex(s2:final()))"))
                .isEqualTo("true true 5eb63bbbe01eeed093cb22bb8f5acdc3\nd41d8cd98f00b204e9800998ecf8427e\n"
                        + "a9993e364706816aba3e25717850c26c9cd0d89d\n"
                        + "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad\n");
        assertThat(say("local m = require('resty.md5'):new() ngx.say(pcall(m.update, 'x', 'y'))"))
                .startsWith("false");
    }

    @Test
    void randomBytes() {
        assertThat(say("local r = require 'resty.random' local a, b = r.bytes(16), r.bytes(16, true)"
                + " ngx.say(#a, ' ', #b, ' ', tostring(a ~= r.bytes(16)), ' ', #r.bytes(0))"))
                .isEqualTo("16 16 true 0\n");
        RequestState state = new RequestState();
        UnitOutcome o = f.runner.run(Fixture.snapshot(unit("u", Phase.CONTENT,
                "ngx.say(pcall(require('resty.random').bytes, 100 * 1024 * 1024))")), Phase.CONTENT, get("/"), state)
                .outcomes().get(0);
        assertThat(o.kind()).isEqualTo(UnitOutcome.Kind.ERROR); // a resource limit: pcall cannot catch it
        assertThat(o.message()).contains("resty.random.bytes would build a string of 104857600 bytes");
    }
}
