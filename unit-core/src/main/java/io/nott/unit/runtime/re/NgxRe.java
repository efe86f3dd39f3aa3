package io.nott.unit.runtime.re;

import io.nott.unit.sandbox.Allocation;
import io.nott.unit.sandbox.LuaNumbers;
import io.nott.unit.sandbox.ReadOnlyTable;
import java.nio.charset.StandardCharsets;
import java.util.function.Function;
import java.util.regex.Matcher;
import org.luaj.vm2.LuaError;
import org.luaj.vm2.LuaString;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Varargs;
import org.luaj.vm2.lib.VarArgFunction;

/**
 * The {@code ngx.re} table: {@code match}, {@code find}, {@code gmatch}, {@code sub} and
 * {@code gsub} with lua-resty-core's signatures, results and error values (nginx 1.22 + Debian's
 * lua-nginx-module). Subjects that are not strings are converted with {@code tostring}; a regex
 * error comes back as {@code nil, err}, an unknown option letter raises an error, as there.
 */
public final class NgxRe {

    private static final LuaString NTH_OUT_OF_BOUND = LuaValue.valueOf("nth out of bound");

    private NgxRe() {
    }

    /** A fresh read-only {@code ngx.re} table. */
    /**
     * Translates, compiles and runs one regex in byte and in UTF-8 mode, outside any unit call:
     * the first regex of a JVM loads and links the regex engine's classes and the translator's
     * lambdas (tens of ms on a loaded machine, which no charge can foresee), so the runner pays it
     * when it is created ({@code JdkWarmUp}), not the first unit that matches.
     */
    public static void warmUp() {
        for (String flags : new String[] {"jo", "ijou", "d"}) {
            try {
                ReOptions options = ReOptions.parse(flags);
                Object c = CompiledRegex.compile("^(\\w+)-(?<n>[0-9]{2,})\\s*(.*\u00e9.*)+$".getBytes(StandardCharsets.UTF_8),
                        flags, options);
                if (c instanceof CompiledRegex re) {
                    Subject s = Subject.of("ab-123 x\u00e9y".getBytes(StandardCharsets.UTF_8), options);
                    RegexMatch m = re.search(re.matcher(s), s, 0);
                    if (m != null) {
                        m.fill(new LuaTable(), options.dupNames());
                    }
                }
            } catch (Subject.ExecError | RuntimeException e) {
                // Only a warm-up: a unit's own regex reports its errors when it runs.
            }
        }
    }

    public static LuaTable table() {
        LuaTable re = new LuaTable();
        re.set("match", fn(NgxRe::match));
        re.set("find", fn(NgxRe::find));
        re.set("gmatch", fn(NgxRe::gmatch));
        re.set("sub", fn(a -> substitute(a, false)));
        re.set("gsub", fn(a -> substitute(a, true)));
        return ReadOnlyTable.copyOf(re, null);
    }

    private static VarArgFunction fn(Function<Varargs, Varargs> body) {
        return new VarArgFunction() {
            @Override
            public Varargs invoke(Varargs args) {
                return body.apply(args);
            }
        };
    }

    // ---- arguments -----------------------------------------------------------------------------

    /** The subject without copying a string's bytes; lua-resty-core calls {@code tostring} on others. */
    private static Subject subject(LuaValue v, ReOptions options) throws Subject.ExecError {
        if (v instanceof LuaString s) {
            return Subject.of(s.m_bytes, s.m_offset, s.m_length, options);
        }
        return Subject.of(text(v), options);
    }

    /** lua-resty-core calls {@code tostring} on a subject or replacement that is not a string. */
    private static byte[] text(LuaValue v) {
        if (v instanceof LuaString s) {
            return copy(s);
        }
        String text = v.isnumber() ? LuaNumbers.text(v) : v.tojstring();
        return text.getBytes(StandardCharsets.UTF_8);
    }

    /**
     * The regex bytes up to the first NUL: lua-nginx-module hands PCRE a C string, so
     * {@code "b\0c"} compiles as {@code "b"}.
     */
    private static byte[] regex(LuaValue v) {
        if (!(v instanceof LuaString s)) {
            // lua-resty-core takes #regex first; LuaJIT words the failure this way.
            throw new LuaError("attempt to get length of local 'regex' (a " + v.typename() + " value)");
        }
        // Copied, scanned, then looked up by its text: a few passes over a regex that may be
        // megabytes long (built at run time), on every call: charged before them.
        Allocation.memory(2L * s.m_length, "ngx.re (the regex)");
        Allocation.work(Allocation.Work.ENCODE, s.m_length);
        byte[] b = copy(s);
        for (int i = 0; i < b.length; i++) {
            if (b[i] == 0) {
                return java.util.Arrays.copyOf(b, i);
            }
        }
        return b;
    }

    private static byte[] copy(LuaString s) {
        byte[] b = new byte[s.m_length];
        System.arraycopy(s.m_bytes, s.m_offset, b, 0, s.m_length);
        return b;
    }

    private static String flags(LuaValue v) {
        return v.isnil() ? "" : v.tojstring();
    }

    /** The compiled regex, or its error text. Raises for an unknown option letter. */
    private static Object compile(LuaValue regex, LuaValue opts) {
        String flags = flags(opts);
        ReOptions options = ReOptions.parse(flags);
        return CompiledRegex.compile(regex(regex), flags, options);
    }

    /** The start char index from {@code ctx.pos} (1-based byte offset); -1 past the end. */
    private static int startIndex(LuaValue ctx, Subject s) throws Subject.ExecError {
        if (!ctx.istable()) {
            return 0;
        }
        LuaValue pos = ctx.get("pos");
        if (!pos.isnumber()) {
            return 0;
        }
        int off = Math.max(0, pos.toint() - 1);
        if (off > s.byteLength()) {
            return -1;
        }
        int index = s.toIndex(off);
        if (index < 0) {
            throw new Subject.ExecError(Subject.BAD_UTF8_OFFSET);
        }
        return index;
    }

    private static LuaValue err(String message) {
        return LuaValue.valueOf(message.getBytes(StandardCharsets.ISO_8859_1));
    }

    // ---- match / find / gmatch ---------------------------------------------------------------

    private static Varargs match(Varargs a) {
        Object c = compile(a.arg(2), a.arg(3));
        if (c instanceof String message) {
            return LuaValue.varargsOf(LuaValue.NIL, err(message));
        }
        CompiledRegex re = (CompiledRegex) c;
        LuaValue ctx = a.arg(4);
        try {
            Subject s = subject(a.arg1(), re.options);
            int from = startIndex(ctx, s);
            RegexMatch m = from < 0 ? null : re.search(re.matcher(s), s, from);
            if (m == null) {
                return LuaValue.NIL;
            }
            if (ctx.istable()) {
                ctx.set("pos", LuaValue.valueOf(m.endByte(0) + 1));
            }
            LuaTable res = a.arg(5).istable() ? a.arg(5).checktable() : new LuaTable();
            return m.fill(res, re.options.dupNames());
        } catch (Subject.ExecError e) {
            return LuaValue.varargsOf(LuaValue.NIL, err(e.getMessage()));
        }
    }

    private static Varargs find(Varargs a) {
        Object c = compile(a.arg(2), a.arg(3));
        if (c instanceof String message) {
            return LuaValue.varargsOf(LuaValue.NIL, LuaValue.NIL, err(message));
        }
        CompiledRegex re = (CompiledRegex) c;
        LuaValue ctx = a.arg(4);
        int nth = a.optint(5, 0);
        try {
            Subject s = subject(a.arg1(), re.options);
            int from = startIndex(ctx, s);
            RegexMatch m = from < 0 ? null : re.search(re.matcher(s), s, from);
            if (m == null) {
                return LuaValue.NIL;
            }
            if (nth < 0 || nth > re.layout.groups()) {
                return LuaValue.varargsOf(LuaValue.NIL, LuaValue.NIL, NTH_OUT_OF_BOUND);
            }
            if (ctx.istable()) {
                ctx.set("pos", LuaValue.valueOf(m.endByte(0) + 1));
            }
            if (!m.matched(nth)) {
                return LuaValue.NIL;
            }
            return LuaValue.varargsOf(LuaValue.valueOf(m.startByte(nth) + 1), LuaValue.valueOf(m.endByte(nth)));
        } catch (Subject.ExecError e) {
            return LuaValue.varargsOf(LuaValue.NIL, LuaValue.NIL, err(e.getMessage()));
        }
    }

    private static Varargs gmatch(Varargs a) {
        Object c = compile(a.arg(2), a.arg(3));
        if (c instanceof String message) {
            return LuaValue.varargsOf(LuaValue.NIL, err(message));
        }
        CompiledRegex re = (CompiledRegex) c;
        LuaValue subject = a.arg1();
        return fn(new Function<>() {
            private Subject s;
            private Matcher m;
            private int pos;
            private boolean done;

            @Override
            public Varargs apply(Varargs ignored) {
                if (done) {
                    return LuaValue.NIL;
                }
                try {
                    if (s == null) {
                        s = subject(subject, re.options);
                        m = re.matcher(s);
                    }
                    if (pos < 0) {
                        throw new Subject.ExecError(Subject.BAD_UTF8_OFFSET);
                    }
                    RegexMatch found = pos > s.length() ? null : re.search(m, s, pos);
                    if (found == null) {
                        done = true;
                        return LuaValue.NIL;
                    }
                    pos = nextStart(s, found);
                    return found.fill(new LuaTable(), re.options.dupNames());
                } catch (Subject.ExecError e) {
                    done = true;
                    return LuaValue.varargsOf(LuaValue.NIL, err(e.getMessage()));
                }
            }
        });
    }

    /**
     * Where the next search starts: at the match end, or one byte further after an empty match
     * (lua-resty-core steps one byte; in UTF-8 mode a step into a multi-byte character is PCRE's
     * "bad UTF-8 offset", reported as -1 here). Past the end means done.
     */
    private static int nextStart(Subject s, RegexMatch m) {
        if (m.end() > m.start()) {
            return m.end();
        }
        if (m.end() >= s.length()) {
            return s.length() + 1;
        }
        return s.byteWidth(m.end()) == 1 ? m.end() + 1 : -1;
    }

    // ---- sub / gsub ----------------------------------------------------------------------------

    private static Varargs substitute(Varargs a, boolean global) {
        String name = global ? "ngx.re.gsub" : "ngx.re.sub";
        Object c = compile(a.arg(2), a.arg(4));
        if (c instanceof String message) {
            return LuaValue.varargsOf(LuaValue.NIL, LuaValue.NIL, err(message));
        }
        CompiledRegex re = (CompiledRegex) c;
        LuaValue repl = a.arg(3);
        ReplacementTemplate template = null;
        if (!repl.isfunction()) {
            template = ReplacementTemplate.compile(text(repl));
            if (template == null) {
                return LuaValue.varargsOf(LuaValue.NIL, LuaValue.NIL, err(ReplacementTemplate.BAD));
            }
        }
        try {
            Subject s = subject(a.arg1(), re.options);
            Matcher matcher = re.matcher(s);
            // Every piece is checked against the string limit before it is written.
            Allocation.Output out = Allocation.output(name);
            int copied = 0;
            int count = 0;
            int pos = 0;
            while (pos >= 0 && pos <= s.length()) {
                RegexMatch m = re.search(matcher, s, pos);
                if (m == null) {
                    break;
                }
                out.write(s.bytes, s.base + copied, m.startByte(0) - copied);
                if (template != null) {
                    template.expand(out, m);
                } else {
                    LuaValue r = repl.call(m.fill(new LuaTable(), re.options.dupNames()));
                    out.write(text(r));
                }
                count++;
                copied = m.endByte(0);
                if (!global) {
                    break;
                }
                pos = nextStart(s, m);
                if (pos < 0) {
                    throw new Subject.ExecError(Subject.BAD_UTF8_OFFSET);
                }
                if (m.end() == m.start() && m.end() < s.length()) {
                    // the byte stepped over after an empty match is kept as it is
                    out.write(s.bytes[s.base + copied]);
                    copied++;
                }
            }
            out.write(s.bytes, s.base + copied, s.byteLength() - copied);
            return LuaValue.varargsOf(out.toLuaString(), LuaValue.valueOf(count));
        } catch (Subject.ExecError e) {
            return LuaValue.varargsOf(LuaValue.NIL, LuaValue.NIL, err(e.getMessage()));
        }
    }
}
