package io.nott.unit.runtime.re;

import java.util.regex.Pattern;
import org.luaj.vm2.LuaError;

/**
 * The option string of an {@code ngx.re} call ({@code "ijo"}, ...), as lua-resty-core parses it.
 * {@code o} (compile once) and {@code j} (PCRE JIT) change nothing observable: compiled patterns
 * are always cached. {@code J} (JavaScript compatibility) is accepted and ignored.
 *
 * @param caseless  {@code i}
 * @param multiline {@code m}: {@code ^} and {@code $} at line breaks
 * @param dotall    {@code s}: {@code .} matches a newline
 * @param extended  {@code x}: whitespace and {@code #} comments ignored
 * @param anchored  {@code a}: a match must start at the start position
 * @param utf8      {@code u} or {@code U}: subject and regex are UTF-8, {@code .} is a character
 * @param checkUtf8 {@code u} (not {@code U}): an invalid UTF-8 subject is an error
 * @param dupNames  {@code D}: a name may name several groups; its capture is a list
 * @param longest   {@code d}: PCRE's DFA mode, the longest match at the leftmost start
 */
public record ReOptions(boolean caseless, boolean multiline, boolean dotall, boolean extended, boolean anchored,
        boolean utf8, boolean checkUtf8, boolean dupNames, boolean longest) {

    static final ReOptions NONE = new ReOptions(false, false, false, false, false, false, false, false, false);

    /** Parses {@code flags}; an unknown letter raises lua-resty-core's error. */
    static ReOptions parse(String flags) {
        boolean i = false, m = false, s = false, x = false, a = false, u = false, check = false, dup = false, d = false;
        for (int k = 0; k < flags.length(); k++) {
            char c = flags.charAt(k);
            switch (c) {
                case 'i' -> i = true;
                case 'm' -> m = true;
                case 's' -> s = true;
                case 'x' -> x = true;
                case 'a' -> a = true;
                case 'u' -> {
                    u = true;
                    check = true;
                }
                case 'U' -> u = true;
                case 'D' -> dup = true;
                case 'd' -> d = true;
                case 'o', 'j', 'J' -> {
                    // caching and JIT are always on; JavaScript compatibility has no effect here
                }
                default -> throw new LuaError("unknown flag \"" + c + "\" (flags \"" + flags + "\")");
            }
        }
        return new ReOptions(i, m, s, x, a, u, check, dup, d);
    }

    /**
     * The java.util.regex flags. UNIX_LINES always: PCRE as nginx uses it knows only LF as a line
     * break. Case folding beyond ASCII only in UTF-8 mode, as PCRE (C locale) does.
     */
    int javaFlags() {
        int f = Pattern.UNIX_LINES;
        if (caseless) {
            f |= Pattern.CASE_INSENSITIVE;
            if (utf8) {
                f |= Pattern.UNICODE_CASE;
            }
        }
        if (multiline) {
            f |= Pattern.MULTILINE;
        }
        if (dotall) {
            f |= Pattern.DOTALL;
        }
        if (extended) {
            f |= Pattern.COMMENTS;
        }
        return f;
    }
}
