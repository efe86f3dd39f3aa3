package io.nott.unit.runtime.re;

import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * The regex of a unit's {@code ~ re} / {@code ~* re} path scope, compiled with the same PCRE
 * translation as {@code ngx.re}, so what the registry accepts is what the edge runs and what
 * nginx would accept in a {@code location ~ re} block. nginx compiles location regexes without
 * UTF-8 mode and matches them against {@code $uri} with {@code pcre_exec} (unanchored), which is
 * {@link java.util.regex.Matcher#find()} here.
 */
public final class LocationRegex {

    private LocationRegex() {
    }

    /**
     * @param caseless true for {@code ~*}
     * @throws IllegalArgumentException worded as nginx/PCRE would refuse it
     *                                  ({@code pcre_compile() failed: ... in "re" at "..."})
     */
    public static Pattern compile(String regex, boolean caseless) {
        ReOptions options = new ReOptions(caseless, false, false, false, false, false, false, false, false);
        try {
            PcreTranslator.Translation t = PcreTranslator.translate(regex, options);
            return Pattern.compile(t.javaRegex(), options.javaFlags());
        } catch (RegexSyntaxException e) {
            throw new IllegalArgumentException(CompiledRegex.compileError(bytes(regex), regex, e.getMessage(), e.offset()));
        } catch (PatternSyntaxException e) {
            throw new IllegalArgumentException(CompiledRegex.compileError(bytes(regex), regex, e.getDescription(),
                    regex.length()));
        }
    }

    private static byte[] bytes(String regex) {
        return regex.getBytes(StandardCharsets.ISO_8859_1);
    }
}
