package io.nott.unit.sandbox;

import java.util.ArrayList;
import java.util.List;

/**
 * A Lua lexer that follows LuaJIT 2.1's rules (lj_lex.c), run over a unit's source before LuaJ's
 * compiler sees it. Two jobs: refuse what LuaJIT refuses and LuaJ lets through ({@code "\d"},
 * {@code "\300"}, {@code 0x}, {@code 1e}), with LuaJIT's message for it; and give every token its
 * byte range and the text LuaJIT prints for it after "near", so a parser error LuaJ reports
 * without a token can be given one ({@link CompileErrors}).
 *
 * <p>Written from LuaJIT's documented lexical rules and checked against libluajit 2.1's answers
 * (see {@code CompileErrorsTest}); bytes, not chars, as LuaJIT reads them.
 */
final class LuaLexer {

    /** One token: byte range {@code [start, end)} in the source and LuaJIT's "near" text. */
    record Token(int start, int end, int line, String near, boolean name) {
    }

    /** The first lexical error: LuaJIT's message (with its "near" part), line and where it starts. */
    record LexError(int line, int offset, String message) {
    }

    /** The tokens read before the first error (the last one is {@code <eof>} when there is none). */
    record Scan(List<Token> tokens, LexError error) {
    }

    private final byte[] src;
    private int pos;
    private int line = 1;
    private final List<Token> tokens = new ArrayList<>();

    private LuaLexer(byte[] src) {
        this.src = src;
    }

    static Scan scan(byte[] source) {
        LuaLexer lexer = new LuaLexer(source);
        try {
            lexer.run();
            return new Scan(lexer.tokens, null);
        } catch (Failure f) {
            return new Scan(lexer.tokens, f.error);
        }
    }

    /** Control flow for the first error; carries no stack trace. */
    private static final class Failure extends RuntimeException {
        final LexError error;

        Failure(LexError error) {
            super(error.message(), null, false, false);
            this.error = error;
        }
    }

    private int c(int at) {
        return at < src.length ? src[at] & 0xff : -1;
    }

    private Failure fail(int offset, String message, String near) {
        return new Failure(new LexError(line, offset, message + " near '" + near + "'"));
    }

    private static boolean isIdent(int ch) {
        // LuaJIT treats bytes >= 0x80 as identifier characters (UTF-8 names work there).
        return ch >= 'a' && ch <= 'z' || ch >= 'A' && ch <= 'Z' || ch >= '0' && ch <= '9' || ch == '_' || ch >= 0x80;
    }

    private static boolean isDigit(int ch) {
        return ch >= '0' && ch <= '9';
    }

    private static boolean isHex(int ch) {
        return isDigit(ch) || ch >= 'a' && ch <= 'f' || ch >= 'A' && ch <= 'F';
    }

    private static boolean isSpace(int ch) {
        return ch == ' ' || ch == '\t' || ch == '\u000b' || ch == '\f';
    }

    private String text(int from, int to) {
        return new String(src, from, to - from, java.nio.charset.StandardCharsets.ISO_8859_1);
    }

    /** Skips one newline sequence (\n, \r, \r\n, \n\r) and counts the line. */
    private void newline() {
        int first = c(pos++);
        int next = c(pos);
        if ((next == '\n' || next == '\r') && next != first) {
            pos++;
        }
        line++;
    }

    private void run() {
        if (src.length > 0 && src[0] == '#') {
            // LuaJIT skips a first line starting with '#' (shebang).
            while (pos < src.length && c(pos) != '\n' && c(pos) != '\r') {
                pos++;
            }
        }
        while (true) {
            int ch = c(pos);
            if (ch < 0) {
                tokens.add(new Token(pos, pos, line, "<eof>", false));
                return;
            }
            if (ch == '\n' || ch == '\r') {
                newline();
            } else if (isSpace(ch)) {
                pos++;
            } else if (ch == '-' && c(pos + 1) == '-') {
                comment();
            } else {
                token(ch);
            }
        }
    }

    private void comment() {
        pos += 2;
        if (c(pos) == '[') {
            int sep = longBracket(pos);
            if (sep >= 0) {
                longString(pos, sep, true);
                return;
            }
        }
        while (pos < src.length && c(pos) != '\n' && c(pos) != '\r') {
            pos++;
        }
    }

    /** At a '[': the level of a long bracket {@code [==[}, -1 for a plain '[', -2 for {@code [=} without '['. */
    private int longBracket(int at) {
        int i = at + 1;
        int level = 0;
        while (c(i) == '=') {
            level++;
            i++;
        }
        if (c(i) == '[') {
            return level;
        }
        return level == 0 ? -1 : -2;
    }

    private void add(int start, String near, boolean name) {
        tokens.add(new Token(start, pos, line, near, name));
    }

    private void token(int ch) {
        int start = pos;
        int startLine = line;
        if (isIdent(ch) && !isDigit(ch)) {
            while (isIdent(c(pos))) {
                pos++;
            }
            String word = text(start, pos);
            tokens.add(new Token(start, pos, startLine, word, true));
            return;
        }
        if (isDigit(ch) || ch == '.' && isDigit(c(pos + 1))) {
            number(start);
            return;
        }
        switch (ch) {
            case '"', '\'' -> string(ch);
            case '[' -> {
                int sep = longBracket(pos);
                if (sep >= 0) {
                    longString(start, sep, false);
                } else if (sep == -2) {
                    int i = pos + 1;
                    while (c(i) == '=') {
                        i++;
                    }
                    throw fail(start, "invalid long string delimiter", text(start, i));
                } else {
                    pos++;
                    add(start, "[", false);
                }
            }
            case '=', '<', '>', '~' -> {
                pos++;
                if (c(pos) == '=') {
                    pos++;
                }
                add(start, text(start, pos), false);
            }
            case ':' -> {
                pos++;
                if (c(pos) == ':') {
                    pos++;
                }
                add(start, text(start, pos), false);
            }
            case '.' -> {
                pos++;
                if (c(pos) == '.') {
                    pos++;
                    if (c(pos) == '.') {
                        pos++;
                    }
                }
                add(start, text(start, pos), false);
            }
            default -> {
                pos++;
                add(start, ch < 32 || ch == 127 ? "char(" + ch + ")" : text(start, pos), false);
            }
        }
    }

    private void number(int start) {
        int xp = 'e';
        if (c(pos) == '0' && (c(pos + 1) | 0x20) == 'x') {
            xp = 'p';
        }
        int prev = 0;
        while (true) {
            int ch = c(pos);
            if (isIdent(ch) || ch == '.' || (ch == '-' || ch == '+') && (prev | 0x20) == xp) {
                prev = ch;
                pos++;
            } else {
                break;
            }
        }
        String text = text(start, pos);
        if (!validNumber(text)) {
            throw fail(start, "malformed number", text);
        }
        add(start, text, false);
    }

    private static final java.util.regex.Pattern DECIMAL =
            java.util.regex.Pattern.compile("(?:[0-9]+\\.?[0-9]*|\\.[0-9]+)(?:[eE][+-]?[0-9]+)?");
    private static final java.util.regex.Pattern HEX =
            java.util.regex.Pattern.compile("0[xX](?:[0-9a-fA-F]+\\.?[0-9a-fA-F]*|\\.[0-9a-fA-F]+)(?:[pP][+-]?[0-9]+)?");
    /** LuaJIT's FFI number suffixes (64-bit integer and imaginary literals). */
    private static final java.util.regex.Pattern FFI_SUFFIX =
            java.util.regex.Pattern.compile("(?:[0-9]+|0[xX][0-9a-fA-F]+)(?:[uU]?[lL][lL])|(?:[0-9]+\\.?[0-9]*(?:[eE][+-]?[0-9]+)?)[iI]");

    static boolean validNumber(String text) {
        return DECIMAL.matcher(text).matches() || HEX.matcher(text).matches() || FFI_SUFFIX.matcher(text).matches();
    }

    private void string(int quote) {
        int start = pos;
        StringBuilder near = new StringBuilder().append((char) quote);
        pos++;
        while (true) {
            int ch = c(pos);
            if (ch == quote) {
                pos++;
                near.append((char) quote);
                add(start, near.toString(), false);
                return;
            }
            if (ch < 0) {
                throw new Failure(new LexError(line, pos, "unfinished string near '<eof>'"));
            }
            if (ch == '\n' || ch == '\r') {
                throw fail(start, "unfinished string", near.toString());
            }
            if (ch != '\\') {
                near.append((char) ch);
                pos++;
                continue;
            }
            pos++;
            int e = c(pos);
            switch (e) {
                case 'a' -> append(near, 7);
                case 'b' -> append(near, 8);
                case 'f' -> append(near, 12);
                case 'n' -> append(near, 10);
                case 'r' -> append(near, 13);
                case 't' -> append(near, 9);
                case 'v' -> append(near, 11);
                case '\\', '"', '\'' -> append(near, e);
                case '\n', '\r' -> {
                    newline();
                    near.append('\n');
                }
                case 'x' -> {
                    if (!isHex(c(pos + 1)) || !isHex(c(pos + 2))) {
                        throw fail(start, "invalid escape sequence", near.toString());
                    }
                    near.append((char) Integer.parseInt(text(pos + 1, pos + 3), 16));
                    pos += 3;
                }
                case 'z' -> {
                    pos++;
                    while (true) {
                        int w = c(pos);
                        if (w == '\n' || w == '\r') {
                            newline();
                        } else if (isSpace(w)) {
                            pos++;
                        } else {
                            break;
                        }
                    }
                }
                case 'u' -> {
                    if (c(pos + 1) != '{') {
                        throw fail(start, "invalid escape sequence", near.toString());
                    }
                    int i = pos + 2;
                    long cp = 0;
                    while (isHex(c(i))) {
                        cp = cp * 16 + Character.digit(c(i), 16);
                        if (cp >= 0x80000000L) {
                            throw fail(start, "invalid escape sequence", near.toString());
                        }
                        i++;
                    }
                    if (i == pos + 2 || c(i) != '}') {
                        throw fail(start, "invalid escape sequence", near.toString());
                    }
                    near.append('?');
                    pos = i + 1;
                }
                case -1 -> throw new Failure(new LexError(line, pos, "unfinished string near '<eof>'"));
                default -> {
                    if (!isDigit(e)) {
                        throw fail(start, "invalid escape sequence", near.toString());
                    }
                    int i = pos;
                    int v = 0;
                    while (i < pos + 3 && isDigit(c(i))) {
                        v = v * 10 + c(i) - '0';
                        i++;
                    }
                    if (v > 255) {
                        throw fail(start, "invalid escape sequence", near.toString());
                    }
                    near.append((char) v);
                    pos = i;
                }
            }
        }
    }

    private void append(StringBuilder near, int ch) {
        near.append((char) ch);
        pos++;
    }

    private void longString(int start, int sep, boolean comment) {
        pos += sep + 2;
        while (true) {
            int ch = c(pos);
            if (ch < 0) {
                String what = comment ? "unfinished long comment" : "unfinished long string";
                throw new Failure(new LexError(line, pos, what + " near '<eof>'"));
            }
            if (ch == ']' && closes(sep)) {
                pos += sep + 2;
                if (!comment) {
                    add(start, text(start, pos), false);
                }
                return;
            }
            if (ch == '\n' || ch == '\r') {
                newline();
            } else {
                pos++;
            }
        }
    }

    private boolean closes(int sep) {
        for (int i = 1; i <= sep; i++) {
            if (c(pos + i) != '=') {
                return false;
            }
        }
        return c(pos + sep + 1) == ']';
    }
}
