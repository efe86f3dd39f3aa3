package io.nott.unit.sandbox;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.luaj.vm2.LuaError;
import org.luaj.vm2.Prototype;
import org.luaj.vm2.compiler.LuaC;

/**
 * Compiles with LuaJ and reports errors as LuaJIT does ({@code 'then' expected near '='}).
 *
 * <p>Why not a patched copy of LuaJ's parser: LuaJ's parser is right about where an error is; only
 * its wording differs, and it never says "near" what. So: {@link LuaLexer} (LuaJIT's lexical rules)
 * runs first and finds lexical errors LuaJ misses or words differently; then LuaJ parses, reading
 * the source through a counting stream. LuaJ's lexer reads exactly one byte past the token it is
 * looking at, so the count at the error names that token, and LuaJIT's "near" text comes from our
 * token list. Whichever error comes first in the source is the one LuaJIT would report.
 */
final class CompileErrors {

    /** {@code chunk:LINE: message} as LuaC reports it. */
    private static final Pattern LUA_ERROR = Pattern.compile("^(?:.*?):(\\d+): (.*)$", Pattern.DOTALL);
    private static final Pattern UNEXPECTED = Pattern.compile("^unexpected symbol.*$", Pattern.DOTALL);
    private static final Pattern GOTO = Pattern.compile("^no visible label '(.*)' for <goto> at line (\\d+)$");
    private static final Pattern TO_CLOSE = Pattern.compile(" \\(to close '[^']*' at line (\\d+)\\)");

    /** A compile error: 1-based line (0 if unknown) and LuaJIT's message without the chunk name. */
    record Failure(int line, String message) {
    }

    /** The compiled chunk, or the error LuaJIT would report for this source. */
    sealed interface Result permits Compiled, Failed {
    }

    record Compiled(Prototype prototype) implements Result {
    }

    record Failed(Failure failure) implements Result {
    }

    private CompileErrors() {
    }

    static Result compile(byte[] source, String chunkName) {
        LuaLexer.Scan scan = LuaLexer.scan(source);
        // A trailing newline separates the last token from <eof> in the byte count (see the class doc).
        byte[] fed = java.util.Arrays.copyOf(source, source.length + 1);
        fed[source.length] = '\n';
        CountingStream in = new CountingStream(fed);
        try {
            Prototype p = LuaC.instance.compile(in, chunkName);
            if (scan.error() != null) {
                return new Failed(lexical(scan.error()));
            }
            return new Compiled(p);
        } catch (LuaError e) {
            int consumed = in.consumed;
            LuaLexer.Token at = tokenBefore(scan.tokens(), consumed - 1, source.length);
            if (scan.error() != null && (at == null || at.start() >= scan.error().offset())) {
                return new Failed(lexical(scan.error()));
            }
            return new Failed(syntax(e.getMessage(), at, scan.tokens()));
        } catch (IOException e) {
            throw new IllegalStateException("reading an in-memory stream failed", e);
        } catch (RuntimeException | StackOverflowError e) {
            if (scan.error() != null) {
                return new Failed(lexical(scan.error()));
            }
            // LuaC can throw plain runtime exceptions (or overflow on absurd nesting) for odd input.
            return new Failed(new Failure(0, "cannot compile: " + e));
        }
    }

    private static Failure lexical(LuaLexer.LexError e) {
        return new Failure(e.line(), utf8(e.message()));
    }

    /** The token LuaJ stood on: the one ending where LuaJ stopped reading (one byte of look-ahead). */
    private static LuaLexer.Token tokenBefore(List<LuaLexer.Token> tokens, int end, int sourceLength) {
        if (end > sourceLength) {
            LuaLexer.Token last = tokens.isEmpty() ? null : tokens.get(tokens.size() - 1);
            return last != null && last.near().equals("<eof>") ? last : null;
        }
        for (LuaLexer.Token t : tokens) {
            if (t.end() == end) {
                return t;
            }
        }
        return null;
    }

    private static Failure syntax(String luajMessage, LuaLexer.Token at, List<LuaLexer.Token> tokens) {
        String msg = luajMessage == null ? "syntax error" : luajMessage;
        int line = 0;
        Matcher m = LUA_ERROR.matcher(msg);
        if (m.matches()) {
            line = Integer.parseInt(m.group(1));
            msg = m.group(2);
        }
        Matcher g = GOTO.matcher(msg);
        if (g.matches()) {
            int at2 = Integer.parseInt(g.group(2));
            return new Failure(at2, g.group(1).equals("break") ? "no loop to break" : "undefined label '" + g.group(1) + "'");
        }
        msg = msg.replace("'<eos>'", "'<eof>'");
        if (at == null) {
            // Not a token boundary we can name (LuaJ's rare look-ahead): keep LuaJ's words.
            return new Failure(line, UNEXPECTED.matcher(msg).matches() ? "unexpected symbol" : msg);
        }
        if (UNEXPECTED.matcher(msg).matches()) {
            msg = "unexpected symbol";
        } else if (msg.equals("syntax error")) {
            msg = statementError(at, tokens);
        }
        if (at.near().equals("<eof>") && line > 0) {
            // LuaJ sees <eof> on the line after our added newline; LuaJIT on the last line.
            line = at.line();
        }
        Matcher close = TO_CLOSE.matcher(msg);
        if (close.find() && Integer.parseInt(close.group(1)) == line) {
            msg = msg.substring(0, close.start()) + msg.substring(close.end());
        }
        return new Failure(line, utf8(msg + " near '" + at.near() + "'"));
    }

    /**
     * LuaJ says "syntax error" for a statement that is neither a call nor an assignment; LuaJIT
     * says {@code '=' expected} after a variable, {@code unexpected symbol} for an '=' after a call
     * and "syntax error" after any other expression.
     */
    private static String statementError(LuaLexer.Token at, List<LuaLexer.Token> tokens) {
        int i = tokens.indexOf(at);
        LuaLexer.Token prev = i > 0 ? tokens.get(i - 1) : null;
        if (prev != null && prev.near().equals(")")) {
            return at.near().equals("=") ? "unexpected symbol" : "syntax error";
        }
        return "'=' expected";
    }

    private static String utf8(String latin1) {
        return new String(latin1.getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8);
    }

    /** Counts the reads LuaJ makes, the end-of-stream read included. */
    private static final class CountingStream extends InputStream {
        private final ByteArrayInputStream in;
        int consumed;

        CountingStream(byte[] bytes) {
            this.in = new ByteArrayInputStream(bytes);
        }

        @Override
        public int read() {
            consumed++;
            return in.read();
        }

        @Override
        public int read(byte[] b, int off, int len) {
            // One byte at a time so the count stays exact, whatever the reader asks for.
            if (len == 0) {
                return 0;
            }
            int r = read();
            if (r < 0) {
                return -1;
            }
            b[off] = (byte) r;
            return 1;
        }
    }
}
