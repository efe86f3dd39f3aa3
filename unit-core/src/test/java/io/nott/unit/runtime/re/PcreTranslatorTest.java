package io.nott.unit.runtime.re;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * What nginx cannot show: how PCRE syntax the edge cannot run is refused, and the group layout
 * the translation hands the matcher. What nginx can show is in the recorded cases
 * ({@code RecordedCasesTest}).
 */
class PcreTranslatorTest {

    private static Object compile(String regex, String flags) {
        return CompiledRegex.compile(regex.getBytes(StandardCharsets.UTF_8), flags, ReOptions.parse(flags));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '~', value = {
        "\\((?R)*\\) ~ recursion and subroutine calls",
        "(a)(?1) ~ recursion and subroutine calls",
        "(?<n>a)(?&n) ~ recursion and subroutine calls",
        "(?P>n) ~ recursion and subroutine calls",
        "(?|(a)|(b)) ~ branch reset groups",
        "(a)?(?(1)b|c) ~ conditional groups",
        "a(?C1)b ~ callouts",
        "(*UTF8)a ~ backtracking control verbs",
    })
    void featuresJavaLacksAreRefusedByName(String regex, String what) {
        Object c = compile(regex.strip(), "");
        assertThat(c).isInstanceOf(String.class);
        assertThat((String) c).startsWith("pcre_compile() failed: " + what.strip())
                .contains("not supported by the edge's regex engine (java.util.regex)")
                .contains(" in \"" + regex.strip() + "\"");
    }

    @Test
    void namedGroupsAreNumberedAsPcreNumbersThem() throws Exception {
        PcreTranslator.Translation t = PcreTranslator.translate("(?<a_1>x)(?:y)(z)\\K(?P<b>w)", ReOptions.NONE);
        assertThat(t.groups()).isEqualTo(3);
        assertThat(t.names()).containsOnlyKeys("a_1", "b");
        assertThat(t.names().get("b")).containsExactly(3);
        assertThat(t.kMarkers()).hasSize(1);
        // the \K marker is a Java group between Lua groups 2 and 3
        assertThat(t.javaGroup()).containsExactly(0, 1, 2, 4);
    }

    @Test
    void unknownFlagRaisesAsLuaRestyCore() {
        assertThatThrownBy(() -> ReOptions.parse("iQ")).hasMessageContaining("unknown flag \"Q\" (flags \"iQ\")");
    }

    @Test
    void theCacheHandsBackTheSameCompiledRegex() {
        Object a = compile("a+b", "i");
        assertThat(compile("a+b", "i")).isSameAs(a);
        assertThat(compile("a+b", "")).isNotSameAs(a);
    }

    @Test
    void uModeMapsCharactersBackToBytes() throws Exception {
        Subject s = Subject.of("a你b".getBytes(StandardCharsets.UTF_8), ReOptions.parse("u"));
        assertThat(s.length()).isEqualTo(3);
        assertThat(s.toByte(2)).isEqualTo(4);
        assertThat(s.toIndex(4)).isEqualTo(2);
        assertThat(s.toIndex(2)).isEqualTo(-1);
        // U skips the check: an invalid byte is read as U+FFFD and still maps back
        Subject bad = Subject.of(new byte[] {'a', (byte) 0xff, 'b'}, ReOptions.parse("U"));
        assertThat(bad.length()).isEqualTo(3);
        assertThatThrownBy(() -> Subject.of(new byte[] {(byte) 0xff}, ReOptions.parse("u")))
                .hasMessage("pcre_exec() failed: -10");
    }
}
