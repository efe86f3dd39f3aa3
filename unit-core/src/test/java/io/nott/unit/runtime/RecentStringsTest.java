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
}
