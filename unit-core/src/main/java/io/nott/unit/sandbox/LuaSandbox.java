package io.nott.unit.sandbox;

import java.util.concurrent.ThreadLocalRandom;
import org.luaj.vm2.Globals;
import org.luaj.vm2.LoadState;
import org.luaj.vm2.LuaClosure;
import org.luaj.vm2.LuaError;
import org.luaj.vm2.LuaString;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Prototype;
import org.luaj.vm2.UpValue;
import org.luaj.vm2.Varargs;
import org.luaj.vm2.compiler.LuaC;
import org.luaj.vm2.lib.BaseLib;
import org.luaj.vm2.lib.Bit32Lib;
import org.luaj.vm2.lib.PackageLib;
import org.luaj.vm2.lib.StringLib;
import org.luaj.vm2.lib.TableLib;
import org.luaj.vm2.lib.VarArgFunction;
import org.luaj.vm2.lib.jse.JseMathLib;
import org.luaj.vm2.lib.jse.JseOsLib;

/**
 * The sandbox, stated in one place. A unit sees:
 * <ul>
 *   <li>base functions: {@code assert error getmetatable setmetatable ipairs pairs next pcall xpcall
 *       rawequal rawget rawset rawlen select tonumber tostring type unpack _VERSION}, plus our own
 *       {@code load}/{@code loadstring} (source only, never bytecode) and {@code print} (to the request log);</li>
 *   <li>{@code string} (without {@code dump}; {@code rep}, {@code format}, {@code gsub}, {@code byte}
 *       size-checked), {@code table} ({@code concat}, {@code unpack} size-checked), {@code math}
 *       ({@code random} per thread, {@code randomseed} ignored), LuaJIT's {@code bit}, {@code bit32},
 *       {@code os} with {@code time}, {@code clock} and {@code date} only;</li>
 *   <li>{@code coroutine} ({@link CoroutineLib}: continuations on the caller's thread, not LuaJ's
 *       thread per coroutine);</li>
 *   <li>and from the runtime: {@code ngx}, {@code edge_computing}, {@code require} and {@code package}
 *       (bundled modules only, see {@code io.nott.unit.runtime.Modules}).</li>
 * </ul>
 * Not there: {@code io}, the rest of {@code os}, {@code luajava}, {@code debug}, {@code module}, {@code package.loadlib},
 * {@code dofile}, {@code loadfile}, {@code string.dump}; {@code collectgarbage} only reports (see {@link CollectGarbage}). Every library
 * table, the shared base and every metatable handed out is a {@link ReadOnlyTable}; the JVM-wide
 * string metatable is one too, so no unit can poison another's {@code ("x"):upper()}.
 */
public final class LuaSandbox {

    /** JVM-wide read-only libraries, shared by every thread (their functions are stateless). */
    public static final ReadOnlyTable STRING;
    public static final ReadOnlyTable TABLE;
    public static final ReadOnlyTable MATH;
    public static final ReadOnlyTable BIT32;
    public static final ReadOnlyTable BIT;
    public static final ReadOnlyTable OS;
    private static final ReadOnlyTable STRING_META;

    static {
        Globals scratch = new Globals();
        scratch.load(new BaseLib());
        scratch.load(new PackageLib());
        scratch.load(new StringLib());
        scratch.load(new TableLib());
        scratch.load(new JseMathLib());
        scratch.load(new Bit32Lib());
        scratch.load(new JseOsLib());
        STRING = ReadOnlyTable.copyOf(SafeStringLib.wrap(scratch.get("string").checktable()), null);
        TABLE = ReadOnlyTable.copyOf(SafeStringLib.wrapTable(scratch.get("table").checktable()), null);
        LuaTable math = copy(scratch.get("math").checktable());
        math.set("random", new Random());
        math.set("randomseed", new VarArgFunction() {
            @Override
            public Varargs invoke(Varargs args) {
                return NONE; // a shared generator must not be made predictable by one unit
            }
        });
        LuaValue ln = math.get("log");
        math.set("log", new VarArgFunction() {
            @Override
            public Varargs invoke(Varargs args) {
                // LuaJIT 2.1's math.log(x [, base]); log2/log10 exactly for their bases, as C's are.
                double x = args.checkdouble(1);
                if (args.isnoneornil(2)) {
                    return valueOf(Math.log(x));
                }
                double base = args.checkdouble(2);
                return valueOf(base == 2 ? Math.log(x) / Math.log(2) : base == 10 ? Math.log10(x) : Math.log(x) / Math.log(base));
            }
        });
        math.set("log10", new VarArgFunction() {
            @Override
            public Varargs invoke(Varargs args) {
                return valueOf(Math.log10(args.checkdouble(1)));
            }
        });
        MATH = ReadOnlyTable.copyOf(math, null);
        BIT = ReadOnlyTable.copyOf(BitLib.build(), null);
        BIT32 = ReadOnlyTable.copyOf(scratch.get("bit32").checktable(), null);
        LuaTable os = new LuaTable();
        LuaValue jseOs = scratch.get("os");
        for (String name : new String[] {"time", "clock", "difftime"}) {
            os.set(name, jseOs.get(name));
        }
        os.set("date", new CheckedDate(jseOs.get("date")));
        OS = ReadOnlyTable.copyOf(os, null);
        STRING_META = ReadOnlyTable.of("__index", STRING);
        LuaString.s_metatable = STRING_META;
    }

    private LuaSandbox() {
    }

    /**
     * os.date with its output charged first: each conversion makes at most 24 bytes ({@code %c}),
     * so a format of n bytes makes at most 12n; {@code os.date(("%c"):rep(4e6))} is refused
     * before LuaJ builds 100 MB. A long format (over {@value #SHORT} bytes) is not handed to LuaJ:
     * its date builds a Calendar for every conversion (some 10 us per {@code %c}; 100,000 of them
     * ran 175-341 ms at load against a 50 ms budget even when charged piece by piece, issue #15).
     * Within one call every conversion of a kind gives the same text (one time, read once), so
     * LuaJ formats each kind once and the call then costs a copy of its output, charged as its
     * buffer grows ({@link Allocation.Output}).
     */
    private static final class CheckedDate extends VarArgFunction {
        private static final int SHORT = 64;
        private final LuaValue original;

        CheckedDate(LuaValue original) {
            this.original = original;
        }

        @Override
        public Varargs invoke(Varargs args) {
            LuaValue format = args.arg1();
            if (!format.isstring()) {
                return original.invoke(args);
            }
            LuaString f = format.checkstring();
            long bound = 12L * f.m_length + 64;
            Allocation.string(bound, "os.date");
            if (f.m_length <= SHORT) { // "*t" and "!*t" too
                Allocation.work(Allocation.Work.ENCODE, bound);
                return original.invoke(args);
            }
            Allocation.work(Allocation.Work.ENCODE, f.m_length); // the scan (and the decoding of a non-ASCII format)
            byte[] fmt = formatBytes(f);
            // One time for every conversion (now, read once), and the UTC mark on each.
            LuaValue time = args.arg(2).isnil() ? LuaValue.valueOf(System.currentTimeMillis() / 1000) : args.arg(2);
            boolean utc = fmt.length > 0 && fmt[0] == '!';
            LuaString[] converted = new LuaString[128];
            Allocation.Output out = Allocation.output("os.date");
            int i = utc ? 1 : 0;
            while (i < fmt.length) {
                int literal = i;
                while (i < fmt.length && fmt[i] != '%') {
                    i++;
                }
                if (i > literal) {
                    out.write(fmt, literal, i - literal);
                    continue;
                }
                if (i + 1 >= fmt.length) {
                    break; // LuaJ drops a '%' that ends the format
                }
                int c = fmt[i + 1];
                i += 2;
                if (c < 0) {
                    // LuaJ's own error for a byte that is no conversion (it prints the signed byte).
                    return LuaValue.argerror(1, "invalid conversion specifier '%" + c + "'");
                }
                LuaString text = converted[c];
                if (text == null) {
                    Allocation.work(Allocation.Work.ENCODE, 12L * SHORT); // LuaJ formats it: a short format's charge
                    byte[] one = utc ? new byte[] {'!', '%', (byte) c} : new byte[] {'%', (byte) c};
                    text = original.call(LuaString.valueUsing(one), time).checkstring();
                    converted[c] = text;
                }
                out.write(text);
            }
            return out.toLuaString();
        }

        /**
         * The bytes LuaJ's date walks: the format decoded as UTF-8 into a Java string and encoded
         * again with the default charset. For an ASCII format (every byte below 0x80) those are
         * its own bytes.
         */
        private static byte[] formatBytes(LuaString f) {
            for (int k = 0; k < f.m_length; k++) {
                if (f.m_bytes[f.m_offset + k] < 0) {
                    return f.tojstring().getBytes(java.nio.charset.Charset.defaultCharset());
                }
            }
            return java.util.Arrays.copyOfRange(f.m_bytes, f.m_offset, f.m_offset + f.m_length);
        }
    }

    /** Makes sure the JVM-wide string metatable is the read-only one (idempotent). */
    public static void install() {
        LuaString.s_metatable = STRING_META;
    }

    private static LuaTable copy(LuaTable source) {
        LuaTable t = new LuaTable();
        for (Varargs n = source.next(LuaValue.NIL); !n.arg1().isnil(); n = source.next(n.arg1())) {
            t.rawset(n.arg1(), n.arg(2));
        }
        return t;
    }

    /**
     * Globals for one thread: the base library (its {@code pcall} reports to the hook), the
     * compiler for our {@code load}, and {@code hook} installed as {@code debuglib}. The Globals
     * table itself is never given to a unit.
     */
    public static Globals newGlobals(BudgetHook hook) {
        install();
        Globals g = new Globals();
        g.load(new BaseLib());
        LoadState.install(g);
        LuaC.install(g);
        g.debuglib = hook;
        // LuaJ hands each runtime error, once, to the thread's errorfunc while the failing frame is
        // current: there it gets LuaJIT's wording (xpcall chains its handler after it).
        g.running.errorfunc = new LuajitErrors(hook, null);
        return g;
    }

    /**
     * A fresh (unsealed) table with the base functions and libraries; the runtime adds {@code ngx}
     * and {@code edge_computing} and then seals it with {@link ReadOnlyTable#copyOf}.
     *
     * @param envOfCaller gives the environment {@code load} binds chunks to when no env is passed
     * @param print       where {@code print} goes
     */
    public static LuaTable baseLibrary(Globals g, java.util.function.Supplier<LuaValue> envOfCaller, LuaValue print) {
        LuaTable base = new LuaTable();
        for (String name : new String[] {"assert", "getmetatable", "setmetatable", "ipairs", "pairs",
                "next", "rawequal", "rawget", "rawset", "rawlen", "select", "type"}) {
            base.set(name, g.get(name));
        }
        // OpenResty code checks _VERSION for the language level it runs: LuaJIT says "Lua 5.1".
        base.set("_VERSION", LuaValue.valueOf("Lua 5.1"));
        base.set("tonumber", new ToNumber(g.get("tonumber")));
        base.set("tostring", new ToString(g.get("tostring")));
        BudgetHook hook = (BudgetHook) g.debuglib;
        base.set("error", new ErrorFn(hook, g.get("error")));
        base.set("xpcall", new Xpcall(hook, g.get("xpcall")));
        base.set("pcall", new Pcall(hook));
        base.set("unpack", TABLE.get("unpack"));
        Load load = new Load(g, envOfCaller);
        base.set("load", load);
        base.set("loadstring", load);
        base.set("print", print);
        base.set("collectgarbage", new CollectGarbage(hook));
        base.set("string", STRING);
        base.set("table", TABLE);
        base.set("math", MATH);
        base.set("bit32", BIT32);
        base.set("bit", BIT);
        base.set("os", OS);
        base.set("coroutine", ReadOnlyTable.copyOf(CoroutineLib.build(g), null));
        return base;
    }

    /**
     * Binds a compiled chunk to an environment so that the hook sees its instructions: the closure
     * is created over {@code g} (LuaJ takes the hook from the Globals a closure was made with) and
     * its {@code _ENV} upvalue is then pointed at {@code env}.
     */
    public static LuaClosure bind(Prototype p, Globals g, LuaValue env) {
        LuaClosure c = new LuaClosure(p, g);
        if (c.upValues.length > 0) {
            c.upValues[0] = new UpValue(new LuaValue[] {env}, 0);
        }
        return c;
    }

    /** {@code tostring} with LuaJIT's number format. */
    static final class ToString extends VarArgFunction {
        private final LuaValue original;

        ToString(LuaValue original) {
            this.original = original;
        }

        @Override
        public Varargs invoke(Varargs args) {
            LuaValue v = args.checkvalue(1);
            if (v.type() == LuaValue.TNUMBER) {
                // Always a string, as in Lua: tostring(11):gsub(...) must work.
                return LuaValue.valueOf(LuaNumbers.text(v));
            }
            return original.invoke(args);
        }
    }

    /**
     * The thread's errorfunc: LuaJIT's text for the error (see {@link RuntimeErrors}), then the
     * xpcall handler, if any, with that text.
     */
    static final class LuajitErrors extends org.luaj.vm2.lib.OneArgFunction {
        private final BudgetHook hook;
        private final LuaValue handler;

        LuajitErrors(BudgetHook hook, LuaValue handler) {
            this.hook = hook;
            this.handler = handler;
        }

        @Override
        public LuaValue call(LuaValue message) {
            LuaValue text = valueOf(hook.luajitMessage(message.tojstring()));
            return handler == null ? text : handler.call(text);
        }
    }

    /**
     * {@code pcall(f, ...)} as LuaJ's (the hook sees it as a frame, so error levels count it), and
     * an error a library function raised with no Lua frame in between gets LuaJIT's text too.
     */
    static final class Pcall extends VarArgFunction {
        private final BudgetHook hook;

        Pcall(BudgetHook hook) {
            this.hook = hook;
        }

        @Override
        public Varargs invoke(Varargs args) {
            LuaValue f = args.checkvalue(1);
            hook.onCall(this);
            try {
                return varargsOf(TRUE, f.invoke(args.subargs(2)));
            } catch (LuaError le) {
                LuaValue m = le.getMessageObject();
                // Raw LuaJ texts ("bad argument: ...") reach here when no Lua frame was between:
                // pcall(lib.fn) or a tail call. Processed texts carry a position and are left alone.
                if (m != null && m.type() == TSTRING) {
                    m = valueOf(RuntimeErrors.direct(m.tojstring(), args.subargs(2)));
                }
                return varargsOf(FALSE, m != null ? m : NIL);
            } catch (Exception e) {
                String m = e.getMessage();
                return varargsOf(FALSE, valueOf(m != null ? m : e.toString()));
            } finally {
                hook.onReturn();
            }
        }
    }

    /** {@code xpcall(f, handler)}: the handler sees LuaJIT's text of the error. */
    static final class Xpcall extends VarArgFunction {
        private final BudgetHook hook;
        private final LuaValue original;

        Xpcall(BudgetHook hook, LuaValue original) {
            this.hook = hook;
            this.original = original;
        }

        @Override
        public Varargs invoke(Varargs args) {
            LuaValue handler = args.arg(2);
            if (!handler.isfunction()) {
                return original.invoke(args);
            }
            return original.invoke(varargsOf(new LuaValue[] {args.arg1(), new LuajitErrors(hook, handler)}, args.subargs(3)));
        }
    }

    /**
     * {@code error(message [, level])} with Lua's levels, which LuaJ ignores: level 1 (default)
     * prefixes the position of the function that called error, 2 that of its caller, 0 nothing.
     * Other values than strings and numbers are raised as they are.
     */
    static final class ErrorFn extends VarArgFunction {
        private final BudgetHook hook;
        private final LuaValue original;

        ErrorFn(BudgetHook hook, LuaValue original) {
            this.hook = hook;
            this.original = original;
        }

        @Override
        public Varargs invoke(Varargs args) {
            LuaValue message = args.arg1();
            if (message.type() != TSTRING && message.type() != TNUMBER) {
                return original.invoke(args);
            }
            String text = LuaNumbers.text(message);
            throw new PositionedError(hook.where(args.optint(2, 1)) + text);
        }
    }

    /**
     * A Lua error whose text is final: LuaJ's position prefix is left out. It still goes through
     * the thread's errorfunc (so an xpcall handler runs), which leaves texts without LuaJ's
     * {@code =chunk:line } prefix as they are.
     */
    static final class PositionedError extends LuaError {
        private final String text;

        PositionedError(String text) {
            super(text);
            this.text = text;
        }

        @Override
        public String getMessage() {
            return traceback != null ? traceback : text;
        }
    }

    /**
     * {@code tonumber} with LuaJIT's string rules for base 10: surrounding white space, hex with
     * fraction and binary exponent ({@code 0x1p4}), {@code 0b} binary, {@code inf}/{@code nan}; nil
     * for anything else (LuaJ crashed on {@code "0x"}). Other bases are LuaJ's.
     */
    static final class ToNumber extends VarArgFunction {
        private static final java.util.regex.Pattern DECIMAL =
                java.util.regex.Pattern.compile("[+-]?(?:[0-9]+\\.?[0-9]*|\\.[0-9]+)(?:[eE][+-]?[0-9]+)?");
        private static final java.util.regex.Pattern HEX = java.util.regex.Pattern.compile(
                "([+-]?)0[xX]([0-9a-fA-F]*)(?:\\.([0-9a-fA-F]*))?(?:[pP]([+-]?[0-9]+))?");
        private static final java.util.regex.Pattern BINARY = java.util.regex.Pattern.compile("([+-]?)0[bB]([01]+)");
        private static final java.util.regex.Pattern SPECIAL =
                java.util.regex.Pattern.compile("([+-]?)(inf|infinity|nan)", java.util.regex.Pattern.CASE_INSENSITIVE);
        private final LuaValue original;

        ToNumber(LuaValue original) {
            this.original = original;
        }

        @Override
        public Varargs invoke(Varargs args) {
            LuaValue v = args.checkvalue(1);
            if (!args.isnoneornil(2) && args.checkint(2) != 10) {
                try {
                    return original.invoke(args);
                } catch (RuntimeException e) {
                    if (e instanceof LuaError le && le.getMessage() != null && le.getMessage().contains("base out of range")) {
                        throw le;
                    }
                    return NIL;
                }
            }
            if (v.type() == TNUMBER) {
                return v;
            }
            if (v.type() != TSTRING) {
                return NIL;
            }
            return parse(v.tojstring());
        }

        static LuaValue parse(String raw) {
            String s = raw.strip();
            if (s.length() != raw.replaceAll("^[ \\t\\n\\r\\f\\u000b]+|[ \\t\\n\\r\\f\\u000b]+$", "").length()) {
                return NIL; // white space Java strips but C's isspace does not
            }
            if (DECIMAL.matcher(s).matches()) {
                return valueOf(Double.parseDouble(s));
            }
            java.util.regex.Matcher m = HEX.matcher(s);
            if (m.matches() && (!m.group(2).isEmpty() || m.group(3) != null && !m.group(3).isEmpty())) {
                String frac = m.group(3) == null ? "" : m.group(3);
                double d = 0;
                for (char c : (m.group(2) + frac).toCharArray()) {
                    d = d * 16 + Character.digit(c, 16);
                }
                int exp = (m.group(4) == null ? 0 : Integer.parseInt(m.group(4))) - 4 * frac.length();
                d = d * Math.pow(2, exp);
                return valueOf(m.group(1).equals("-") ? -d : d);
            }
            m = BINARY.matcher(s);
            if (m.matches() && m.group(2).length() <= 64) {
                double d = new java.math.BigInteger(m.group(2), 2).doubleValue();
                return valueOf(m.group(1).equals("-") ? -d : d);
            }
            m = SPECIAL.matcher(s);
            if (m.matches()) {
                double d = m.group(2).equalsIgnoreCase("nan") ? Double.NaN : Double.POSITIVE_INFINITY;
                return valueOf(m.group(1).equals("-") ? -d : d);
            }
            return NIL;
        }
    }

    /** {@code math.random} on the calling thread's generator, with Lua's argument rules. */
    static final class Random extends VarArgFunction {
        @Override
        public Varargs invoke(Varargs args) {
            ThreadLocalRandom r = ThreadLocalRandom.current();
            switch (args.narg()) {
                case 0:
                    return valueOf(r.nextDouble());
                case 1: {
                    int m = args.checkint(1);
                    if (m < 1) {
                        argerror(1, "interval is empty");
                    }
                    return valueOf(1 + r.nextInt(m));
                }
                default: {
                    int m = args.checkint(1);
                    int n = args.checkint(2);
                    if (n < m) {
                        argerror(2, "interval is empty");
                    }
                    return valueOf(m + (int) r.nextLong((long) n - m + 1));
                }
            }
        }
    }

    /**
     * {@code load(chunk [, chunkname [, mode [, env]]])} and {@code loadstring(chunk [, chunkname])}:
     * source strings only; bytecode is refused whatever the mode says. The chunk runs under the
     * caller's budget because it is bound like the unit itself.
     */
    static final class Load extends VarArgFunction {
        private final Globals g;
        private final java.util.function.Supplier<LuaValue> envOfCaller;

        Load(Globals g, java.util.function.Supplier<LuaValue> envOfCaller) {
            this.g = g;
            this.envOfCaller = envOfCaller;
        }

        @Override
        public Varargs invoke(Varargs args) {
            LuaValue chunk = args.arg1();
            if (!chunk.isstring()) {
                return varargsOf(NIL, valueOf("load: only string chunks are supported in units"));
            }
            LuaString source = chunk.checkstring();
            if (source.length() > 0 && source.luaByte(0) == 27) {
                return varargsOf(NIL, valueOf("attempt to load a binary chunk: only source is accepted"));
            }
            // LuaJIT's default chunk name is the source itself ([string "..."] in messages).
            String name = args.optjstring(2, source.tojstring());
            LuaValue env = args.narg() >= 4 ? args.arg(4) : envOfCaller.get();
            byte[] bytes = new byte[source.m_length];
            System.arraycopy(source.m_bytes, source.m_offset, bytes, 0, bytes.length);
            String chunkName = name.startsWith("=") || name.startsWith("@") ? name : "=" + chunkId(name);
            CompileErrors.Result r = CompileErrors.compile(bytes, chunkName);
            if (r instanceof CompileErrors.Failed f) {
                return varargsOf(NIL, valueOf(chunkName.substring(1) + ":" + f.failure().line() + ": " + f.failure().message()));
            }
            return LuaSandbox.bind(((CompileErrors.Compiled) r).prototype(), g, env);
        }

        /** LuaJIT's {@code [string "..."]} for a chunk named by its source: first line, at most ~40 bytes. */
        static String chunkId(String name) {
            int nl = name.indexOf('\n');
            String first = nl >= 0 ? name.substring(0, nl) : name;
            boolean cut = nl >= 0 || first.length() > 39;
            if (first.length() > 39) {
                first = first.substring(0, 39);
            }
            return "[string \"" + first + (cut ? "..." : "") + "\"]";
        }
    }
}
