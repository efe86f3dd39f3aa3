package io.nott.unit.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.nott.unit.model.Phase;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.luaj.vm2.LuaString;

/**
 * A runtime's recent strings ({@link RecentStrings}) hand back what was made before only for the
 * same text, and every request still sees its own values through {@code ngx.var}/{@code ngx.header}.
 */
class RecentStringsTest {

    private final Fixture f = new Fixture();

    @Test
    void aRangeOfTextIsTheSameLuaStringAsLongAsItsTextIsTheSame() {
        RecentStrings strings = new RecentStrings();
        LuaString first = strings.lua("a=token&b=1", 2, 7);
        assertThat(first.tojstring()).isEqualTo("token");
        assertThat(strings.lua("x=token", 2, 7)).isSameAs(first);
        assertThat(strings.lua("x=tokem", 2, 7).tojstring()).isEqualTo("tokem");
        assertThat(strings.lua("", 0, 0).tojstring()).isEmpty();
        assertThat(strings.lua("é€").tojstring()).isEqualTo("é€"); // UTF-8, as LuaValue.valueOf(String)
        String longText = "v".repeat(RecentStrings.MAX_LENGTH + 1);
        assertThat(strings.lua(longText).tojstring()).isEqualTo(longText);
    }

    @Test
    void everySlotHoldsOnlyItsOwnText() {
        RecentStrings strings = new RecentStrings();
        for (int i = 0; i < RecentStrings.SLOTS * 4; i++) { // every slot is taken over several times
            String text = "value-" + i;
            assertThat(strings.lua(text).tojstring()).isEqualTo(text);
            assertThat(strings.lua("k=" + text, 2, text.length() + 2).tojstring()).isEqualTo(text);
        }
    }

    @Test
    void aHeaderValueIsRememberedOnlyForTheSameBytes() {
        RecentStrings strings = new RecentStrings();
        LuaString v = LuaString.valueOf("a=1");
        assertThat(strings.headerValue(v)).isNull();
        strings.rememberHeaderValue(v, List.of("a=1"));
        assertThat(strings.headerValue(LuaString.valueOf("a=1"))).containsExactly("a=1");
        assertThat(strings.headerValue(LuaString.valueOf("a=2"))).isNull();
    }

    @Test
    void requestsOfOneRuntimeEachSeeTheirOwnArgsCookiesAndHeaderValues() {
        var token = Fixture.unit("t", Phase.ACCESS, String.join("\n",
                "ngx.log(ngx.ERR, ngx.var.arg_token, ',', ngx.var.cookie_c, ',', tostring(ngx.var.arg_none))",
                "ngx.header['X-A'] = {ngx.var.arg_token}",
                "ngx.header['X-B'] = ngx.var.arg_token",
                "ngx.header['X-C'] = {'ab\\r\\ncd'}",
                "ngx.header['X-E'] = ''",
                "ngx.header['X-F'] = {''}"));
        for (String value : List.of("one", "two", "one", "")) {
            RequestState state = new RequestState();
            SimulatedExchange ex = SimulatedExchange.builder().host("example.com").target("/?token=" + value)
                    .header("Cookie", "c=  " + value + "x ; d=1").build();
            f.run(Phase.ACCESS, ex, state, token);
            assertThat(state.logs()).extracting(RequestState.LogLine::message)
                    .containsExactly(value + "," + value + "x,nil");
            assertThat(state.headerChange("X-A").values()).containsExactly(value);
            assertThat(state.headerChange("X-B").values()).isEqualTo(value.isEmpty() ? List.of() : List.of(value));
            assertThat(state.headerChange("X-C").values()).containsExactly("ab%0D%0Acd");
            assertThat(state.headerChange("X-E").values()).isEmpty(); // an empty string removes it, as in nginx
            assertThat(state.headerChange("X-F").values()).containsExactly("");
        }
    }

    @Test
    void getHeadersKeysByLowerCaseNameEveryCallWithRepeatedHeadersAsLists() {
        var unit = Fixture.unit("h", Phase.ACCESS, String.join("\n",
                "local h = ngx.req.get_headers()",
                "local raw = ngx.req.get_headers(0, true)",
                "ngx.log(ngx.ERR, h['x-tag'][1], ',', h['x-tag'][2], ',', h['referer'], ',', h.Referer, ',',",
                "  tostring(raw['referer']), ',', raw['Referer'])"));
        for (String referer : List.of("http://localhost/a", "http://localhost/b", "http://localhost/a")) {
            RequestState state = new RequestState();
            SimulatedExchange ex = SimulatedExchange.builder().host("example.com").target("/")
                    .header("X-Tag", "one").header("Referer", referer).header("x-tag", "two").build();
            f.run(Phase.ACCESS, ex, state, unit);
            assertThat(state.logs()).extracting(RequestState.LogLine::message)
                    .containsExactly("one,two," + referer + "," + referer + ",nil," + referer);
        }
    }

    @Test
    void timeVariablesFollowTheClockSecondBySecond() {
        java.util.concurrent.atomic.AtomicLong millis = new java.util.concurrent.atomic.AtomicLong(
                java.time.Instant.parse("2026-11-27T10:00:00.250Z").toEpochMilli());
        java.time.Clock clock = new java.time.Clock() {
            @Override public java.time.ZoneId getZone() { return java.time.ZoneOffset.UTC; }
            @Override public java.time.Clock withZone(java.time.ZoneId zone) { return this; }
            @Override public java.time.Instant instant() { return java.time.Instant.ofEpochMilli(millis.get()); }
        };
        Fixture ticking = new Fixture(RunnerSettings.DEFAULT, clock);
        var unit = Fixture.unit("t", Phase.ACCESS, "ngx.log(ngx.ERR, ngx.var.time_iso8601, ' ', ngx.var.time_local)");
        List<String> seen = new java.util.ArrayList<>();
        for (long step : new long[] {0, 500, 300, 1000, 0}) {
            millis.addAndGet(step);
            RequestState state = new RequestState();
            ticking.run(Phase.ACCESS, Fixture.get("/"), state, unit);
            seen.add(state.logs().get(0).message());
        }
        assertThat(seen).containsExactly(
                "2026-11-27T10:00:00+00:00 27/Nov/2026:10:00:00 +0000",
                "2026-11-27T10:00:00+00:00 27/Nov/2026:10:00:00 +0000",
                "2026-11-27T10:00:01+00:00 27/Nov/2026:10:00:01 +0000",
                "2026-11-27T10:00:02+00:00 27/Nov/2026:10:00:02 +0000",
                "2026-11-27T10:00:02+00:00 27/Nov/2026:10:00:02 +0000");
    }
}
