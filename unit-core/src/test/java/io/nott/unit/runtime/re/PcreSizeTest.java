package io.nott.unit.runtime.re;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link PcreSize} against PCRE itself: each figure below is the pre-compile length libpcre3 8.39
 * (the library Debian's lua-nginx-module links) gives the regex, measured by filling it with
 * {@code a}s up to the largest pattern that still compiles (65,536 minus the filler). What nginx
 * answers at the limit is in openresty-conformance's {@code re-limits.t}, which
 * {@code RecordedCasesTest} also runs in-process.
 */
class PcreSizeTest {

    static Stream<Arguments> measured() {
        return Stream.of(
                Arguments.of("", "", 7),
                Arguments.of("a", "", 9),
                Arguments.of("abc", "", 13),
                Arguments.of("\\.", "", 9),
                Arguments.of("\\x41", "", 9),
                Arguments.of("\\n", "", 9),
                Arguments.of("\\cA", "", 9),
                Arguments.of("\\0101", "", 11),
                Arguments.of(".", "", 8),
                Arguments.of("^a$", "", 11),
                Arguments.of("\\d", "", 8),
                Arguments.of("\\w\\s\\D", "", 10),
                Arguments.of("\\b", "", 8),
                Arguments.of("\\A\\z", "", 9),
                Arguments.of("\\N", "", 8),
                Arguments.of("a\\K", "", 10),
                Arguments.of("\\pL", "", 10),
                Arguments.of("\\p{Lu}", "", 10),
                Arguments.of("\\PL", "", 10),
                Arguments.of("[a]", "", 9),
                Arguments.of("[^a]", "", 9),
                Arguments.of("[ab]", "", 40),
                Arguments.of("[^ab]", "", 40),
                Arguments.of("[\\d]", "", 40),
                Arguments.of("[a-z]", "", 40),
                Arguments.of("[\\.]", "", 9),
                Arguments.of("[\\x41]", "", 9),
                Arguments.of("[]]", "", 9),
                Arguments.of("[-]", "", 9),
                Arguments.of("[\\n]", "", 9),
                Arguments.of("[[:alpha:]]", "", 40),
                Arguments.of("a*", "", 9),
                Arguments.of("a+?", "", 9),
                Arguments.of("a?+", "", 9),
                Arguments.of("a{0}", "", 9),
                Arguments.of("a{1}", "", 9),
                Arguments.of("a{2}", "", 11),
                Arguments.of("a{0,}", "", 9),
                Arguments.of("a{1,}", "", 9),
                Arguments.of("a{2,}", "", 13),
                Arguments.of("a{0,1}", "", 9),
                Arguments.of("a{0,2}", "", 11),
                Arguments.of("a{1,2}", "", 13),
                Arguments.of("a{1,5}", "", 13),
                Arguments.of("a{2,3}", "", 13),
                Arguments.of("a{2,5}", "", 15),
                Arguments.of("a{3,7}", "", 15),
                Arguments.of("\\d*", "", 9),
                Arguments.of("\\d{0}", "", 8),
                Arguments.of("\\d{1}", "", 8),
                Arguments.of("\\d{3}", "", 11),
                Arguments.of("\\d{2,}", "", 13),
                Arguments.of("\\d{0,5}", "", 11),
                Arguments.of("\\d{1,2}", "", 12),
                Arguments.of("\\d{2,3}", "", 13),
                Arguments.of("\\d{2,5}", "", 15),
                Arguments.of(".{3}", "", 11),
                Arguments.of("\\pL+", "", 11),
                Arguments.of("\\pL{3}", "", 13),
                Arguments.of("\\pL{2,}", "", 17),
                Arguments.of("\\pL{1,2}", "", 16),
                Arguments.of("\\pL{2,3}", "", 17),
                Arguments.of("\\pL{2,5}", "", 19),
                Arguments.of("[ab]*", "", 41),
                Arguments.of("[ab]{0}", "", 40),
                Arguments.of("[ab]{1}", "", 45),
                Arguments.of("[ab]{3}", "", 45),
                Arguments.of("[ab]{2,5}", "", 45),
                Arguments.of("[ab]++", "", 41),
                Arguments.of("(a)", "", 17),
                Arguments.of("(?:a)", "", 15),
                Arguments.of("(?=a)", "", 15),
                Arguments.of("(?!a)", "", 15),
                Arguments.of("(?<=a)", "", 18),
                Arguments.of("(?<!a|bc)", "", 28),
                Arguments.of("(?>a)", "", 15),
                Arguments.of("(?<n>a)", "", 17),
                Arguments.of("(?P<n>a)", "", 17),
                Arguments.of("(?'n'a)", "", 17),
                Arguments.of("(?i)a", "", 9),
                Arguments.of("a(?i)b", "", 11),
                Arguments.of("(?i:a|b)", "", 20),
                Arguments.of("(?#x)a", "", 9),
                Arguments.of("\\Qa.b\\E", "", 13),
                Arguments.of("\\Q\\E", "", 7),
                Arguments.of("(a)\\1", "", 20),
                Arguments.of("(a)\\1*", "", 21),
                Arguments.of("(a)\\1{2,3}", "", 25),
                Arguments.of("(a)\\1++", "", 27),
                Arguments.of("(a)\\1{2,3}+", "", 31),
                Arguments.of("(a)\\g1", "", 20),
                Arguments.of("(a)\\g{-1}", "", 20),
                Arguments.of("(?<n>a)\\k<n>", "", 34),
                Arguments.of("(?<n>a)\\k{n}", "", 34),
                Arguments.of("(?<n>a)(?P=n)", "", 34),
                Arguments.of("(?<n>a)\\g{n}", "", 34),
                Arguments.of("(a)*", "", 18),
                Arguments.of("(a)+", "", 17),
                Arguments.of("(a)?", "", 18),
                Arguments.of("(a){0}", "", 18),
                Arguments.of("(a){1}", "", 17),
                Arguments.of("(a){2}", "", 27),
                Arguments.of("(a){3}", "", 37),
                Arguments.of("(a){2,}", "", 27),
                Arguments.of("(a){0,2}", "", 35),
                Arguments.of("(a){0,3}", "", 52),
                Arguments.of("(a){1,2}", "", 28),
                Arguments.of("(a){1,3}", "", 45),
                Arguments.of("(a){2,5}", "", 72),
                Arguments.of("(a){3,7}", "", 99),
                Arguments.of("(a)*+", "", 18),
                Arguments.of("(a)++", "", 17),
                Arguments.of("(a)?+", "", 24),
                Arguments.of("(a){2}+", "", 33),
                Arguments.of("(a){2,5}+", "", 78),
                Arguments.of("(a)*?", "", 18),
                Arguments.of("(?:a|b){2,5}", "", 87),
                Arguments.of("(?=a)*", "", 16),
                Arguments.of("(?=a)+", "", 15),
                Arguments.of("(?=a){2}", "", 15),
                Arguments.of("((a){2}){3}", "", 91),
                Arguments.of("(?:(?:ab){2,3}c){2}", "", 85),
                Arguments.of("a|b", "", 14),
                Arguments.of("a|b|c", "", 19),
                Arguments.of("(a|b)", "", 22),
                Arguments.of("x(a|b)y", "", 26),
                Arguments.of("a", "i", 9),
                Arguments.of("[a]", "i", 9),
                Arguments.of("ab", "u", 11),
                Arguments.of("\u00e9", "", 11),
                Arguments.of("\u00e9", "u", 10),
                Arguments.of("\u00e9{3}", "u", 12),
                Arguments.of("\u0100", "u", 10),
                Arguments.of("\\x{100}", "u", 10),
                Arguments.of("[\u00e9]", "u", 10),
                Arguments.of("[\u00e9a]", "u", 40),
                Arguments.of("[a\u0100]", "u", 47),
                Arguments.of("\ud83d\ude00", "u", 12),
                Arguments.of("\ud83d\ude00*", "u", 12),
                Arguments.of(" a b # c\n d", "x", 13),
                Arguments.of("a\\ b", "x", 13),
                Arguments.of("[ a]", "x", 40));
    }

    @ParameterizedTest(name = "{0} ({1}): {2}")
    @MethodSource("measured")
    void theLengthIsPcres(String regex, String flags, long pcre) throws Exception {
        ReOptions options = ReOptions.parse(flags);
        byte[] bytes = regex.getBytes(StandardCharsets.UTF_8);
        String src = new String(bytes, options.utf8() ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
        assertThat(PcreTranslator.pcreLength(src, options)).isEqualTo(pcre);
    }

    private static Object compile(String regex, String flags) {
        return CompiledRegex.compile(regex.getBytes(StandardCharsets.ISO_8859_1), flags, ReOptions.parse(flags));
    }

    @Test
    void pastTheLimitTheRegexIsTooLargeAsPcreWordsIt() {
        assertThat(compile("a".repeat(32_764), "")).isInstanceOf(CompiledRegex.class); // 7 + 2 x 32,764 = 65,535
        Object refused = compile("a".repeat(32_765), "");
        assertThat(refused).isEqualTo(("pcre_compile() failed: regular expression is too large in \"" + "a".repeat(127))
                .substring(0, CompiledRegex.MAX_ERROR_BYTES));
        assertThat(compile("(?:ab){6553}", "jo")).isEqualTo(
                "pcre_compile() failed: regular expression is too large in \"(?:ab){6553}\"");
        assertThat(compile("((a){65535}){65535}", "")).as("copies past PCRE's overflow bound: refused where repeated")
                .isEqualTo("pcre_compile() failed: regular expression is too large in \"((a){65535}){65535}\" at \"}\"");
    }

    @Test
    void aSyntaxErrorAnywhereComesFirstAsInPcre() {
        assertThat(compile("a".repeat(40_000) + "(", "")).isEqualTo(
                ("pcre_compile() failed: missing ) in \"" + "a".repeat(127)).substring(0, CompiledRegex.MAX_ERROR_BYTES));
        assertThat(compile("a".repeat(40_000) + "[", "")).asString().startsWith(
                "pcre_compile() failed: missing terminating ] for character class in \"aaa");
    }

    @Test
    void shortErrorsKeepWhereTheyPoint() {
        assertThat(compile("a{65536}", "")).isEqualTo("pcre_compile() failed: number too big in {} quantifier in \"a{65536}\" at \"}\"");
        assertThat(compile("a{2,1}", "")).isEqualTo("pcre_compile() failed: numbers out of order in {} quantifier in \"a{2,1}\" at \"}\"");
        assertThat(compile("^*", "")).isEqualTo("pcre_compile() failed: nothing to repeat in \"^*\" at \"*\"");
        assertThat(compile("(?<" + "n".repeat(33) + ">a)", "")).isEqualTo("pcre_compile() failed: subpattern name is too long "
                + "(maximum 32 characters) in \"(?<" + "n".repeat(33) + ">a)\" at \">a)"); // 127 bytes: its last quote cut, as on nginx
        assertThat(compile("(".repeat(251) + ")".repeat(251), "")).asString()
                .startsWith("pcre_compile() failed: parentheses are too deeply nested in \"(((");
    }
}
