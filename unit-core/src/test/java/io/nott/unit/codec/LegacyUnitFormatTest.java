package io.nott.unit.codec;

import static org.assertj.core.api.Assertions.assertThat;

import io.nott.unit.model.ComputingUnit;
import io.nott.unit.model.Phase;
import org.junit.jupiter.api.Test;

class LegacyUnitFormatTest {

    /** Verbatim from the seed (redis-cli turns \n into newlines). */
    static final String SEED_AUTH = "access_by_lua_block||local token = ngx.var.arg_token or ngx.var.cookie_superstition \n"
            + " if token ~= 'token' then \n return ngx.exit(ngx.HTTP_FORBIDDEN) \n else \n"
            + " ngx.header['Set-Cookie'] = {'superstition=token'} \n end";

    @Test
    void parsesTheSeedsAuthenticationUnit() {
        LegacyUnitFormat.Result r = LegacyUnitFormat.parse("authentication", SEED_AUTH);
        assertThat(r.ok()).isTrue();
        ComputingUnit u = r.unit();
        assertThat(u.id()).isEqualTo("authentication");
        assertThat(u.phase()).isEqualTo(Phase.ACCESS);
        assertThat(u.code()).startsWith("local token = ngx.var.arg_token").endsWith("end");
        assertThat(u.sampling()).isEqualTo(100);
        assertThat(u.legacy()).isTrue();
        assertThat(u.enabled()).isTrue();
    }

    @Test
    void trailingSamplingIsRead() {
        LegacyUnitFormat.Result r = LegacyUnitFormat.parse("counter", "rewrite||local a = 1||50");
        assertThat(r.unit().sampling()).isEqualTo(50);
        assertThat(r.unit().code()).isEqualTo("local a = 1");
        assertThat(r.unit().phase()).isEqualTo(Phase.REWRITE);
    }

    @Test
    void codeMayContainPipesAndDoublePipes() {
        String code = "local s = 'a||b|c' -- x || y\nngx.header['X'] = s";
        LegacyUnitFormat.Result r = LegacyUnitFormat.parse("pipes", "access||" + code);
        assertThat(r.unit().code()).isEqualTo(code);
        assertThat(r.unit().sampling()).isEqualTo(100);
        LegacyUnitFormat.Result r2 = LegacyUnitFormat.parse("pipes", "access||" + code + "||7");
        assertThat(r2.unit().code()).isEqualTo(code);
        assertThat(r2.unit().sampling()).isEqualTo(7);
    }

    @Test
    void malformedValuesAreRejectedWithAReason() {
        assertThat(LegacyUnitFormat.parse("x", "no separator here").rejection()).contains("found no '||'");
        assertThat(LegacyUnitFormat.parse("x", "init_by_lua||a=1").rejection()).contains("unknown phase");
        assertThat(LegacyUnitFormat.parse("x", "access||   ").rejection()).contains("code part is empty");
        assertThat(LegacyUnitFormat.parse("x", "access||a=1||150").rejection()).contains("sampling must be 0-100");
        assertThat(LegacyUnitFormat.parse("x", null).rejection()).contains("no string value");
        assertThat(LegacyUnitFormat.parse("Bad Id", "access||a=1").rejection()).contains("must match");
        assertThat(LegacyUnitFormat.parse("x", "access||a=1||150").unit()).isNull();
    }

    @Test
    void formatRoundTrips() {
        ComputingUnit u = LegacyUnitFormat.parse("c", "log||ngx.log(ngx.ERR, 'a||b')||30").unit();
        assertThat(LegacyUnitFormat.format(u)).isEqualTo("log||ngx.log(ngx.ERR, 'a||b')||30");
        assertThat(LegacyUnitFormat.parse("c", LegacyUnitFormat.format(u)).unit()).isEqualTo(u);
    }

    @Test
    void literalLineBreaksTypedThroughAShellBecomeLineBreaksOutsideStrings() {
        // `redis-cli set authentication "rewrite||... \n ..."` from bash keeps backslash + n.
        String typed = "rewrite||local token = ngx.var.arg_token -- the seed's check \\n"
                + " if token ~= 'a\\nb' then \\n return ngx.exit(403) \\n end --[[ keep \\n ]] local s = [[x\\ny]]";

        ComputingUnit u = LegacyUnitFormat.parse("authentication", typed).unit();

        assertThat(u.code()).isEqualTo("local token = ngx.var.arg_token -- the seed's check \n"
                + " if token ~= 'a\\nb' then \n return ngx.exit(403) \n end --[[ keep \\n ]] local s = [[x\\ny]]");
        assertThat(io.nott.unit.sandbox.UnitCompiler.compile(u)).isNotNull();
    }

    @Test
    void codeWithoutLiteralEscapesIsKeptByteForByte() {
        String code = "local s = \"tab\\there\" ngx.say(s)";
        assertThat(LegacyUnitFormat.parse("plain", "content||" + code).unit().code()).isEqualTo(code);
    }
}
