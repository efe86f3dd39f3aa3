package io.nott.unit.codec;

/**
 * Turns the two-character sequences {@code \n}, {@code \r} and {@code \t} that stand
 * <em>outside</em> Lua string literals and comments into the characters they name.
 *
 * <p>Why: the seed writes units with {@code set id "phase||line \n line"}. Typed at the
 * interactive {@code redis-cli} prompt, {@code \n} becomes a newline; passed from a shell
 * ({@code redis-cli -c -p 7000 set ...}) it stays a backslash and an {@code n}, and the unit no
 * longer compiles. A backslash is never valid Lua outside a string, so rewriting it there cannot
 * change the meaning of code that compiles, while escapes inside strings are left to Lua.
 */
final class ShellEscapes {

    private ShellEscapes() {
    }

    static String outsideLuaStrings(String code) {
        if (code.indexOf('\\') < 0) {
            return code;
        }
        StringBuilder out = new StringBuilder(code.length());
        int i = 0;
        int n = code.length();
        while (i < n) {
            char c = code.charAt(i);
            if (c == '"' || c == '\'') {
                int end = endOfQuoted(code, i, c);
                out.append(code, i, end);
                i = end;
            } else if (c == '[' && longBracketLevel(code, i) >= 0) {
                int end = endOfLongBracket(code, i, longBracketLevel(code, i));
                out.append(code, i, end);
                i = end;
            } else if (c == '-' && code.startsWith("--", i)) {
                int end = endOfComment(code, i);
                out.append(code, i, end);
                i = end;
            } else if (c == '\\' && i + 1 < n && "nrt".indexOf(code.charAt(i + 1)) >= 0) {
                char escaped = code.charAt(i + 1);
                out.append(escaped == 'n' ? '\n' : escaped == 'r' ? '\r' : '\t');
                i += 2;
            } else {
                out.append(c);
                i++;
            }
        }
        return out.toString();
    }

    /** Index just past a quoted string starting at {@code start}; an unclosed one runs to the end of its line. */
    private static int endOfQuoted(String code, int start, char quote) {
        int i = start + 1;
        while (i < code.length()) {
            char c = code.charAt(i);
            if (c == '\\') {
                i += 2;
            } else if (c == quote || c == '\n') {
                return i + 1;
            } else {
                i++;
            }
        }
        return code.length();
    }

    /** The level of a long bracket {@code [==[} opening at {@code start}, or -1. */
    private static int longBracketLevel(String code, int start) {
        int i = start + 1;
        while (i < code.length() && code.charAt(i) == '=') {
            i++;
        }
        return i < code.length() && code.charAt(i) == '[' ? i - start - 1 : -1;
    }

    private static int endOfLongBracket(String code, int start, int level) {
        String close = "]" + "=".repeat(level) + "]";
        int end = code.indexOf(close, start + level + 2);
        return end < 0 ? code.length() : end + close.length();
    }

    /**
     * Index just past a comment: a long comment to its closing bracket; a line comment to its
     * newline or to a literal {@code \n}, which in a shell-typed unit is where the line ended.
     */
    private static int endOfComment(String code, int start) {
        int i = start + 2;
        if (i < code.length() && code.charAt(i) == '[' && longBracketLevel(code, i) >= 0) {
            return endOfLongBracket(code, i, longBracketLevel(code, i));
        }
        while (i < code.length() && code.charAt(i) != '\n' && !code.startsWith("\\n", i)) {
            i++;
        }
        return i;
    }
}
