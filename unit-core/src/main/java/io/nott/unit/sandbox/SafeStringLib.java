package io.nott.unit.sandbox;

import org.luaj.vm2.LuaError;
import org.luaj.vm2.LuaString;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Varargs;
import org.luaj.vm2.lib.VarArgFunction;

/**
 * Size checks in front of the library functions that can build a huge string (or a huge list of
 * results) in one Java call, where the instruction hook cannot intervene: the size is computed
 * first and charged to the running call through {@link Allocation}, so {@code string.rep}
 * to gigabytes ends as an error instead of an {@link OutOfMemoryError}.
 */
final class SafeStringLib {

    private SafeStringLib() {
    }

    static LuaTable wrap(LuaTable string) {
        LuaTable t = copy(string);
        t.rawset(LuaValue.valueOf("dump"), LuaValue.NIL);
        t.set("rep", new Rep());
        t.set("format", new Format(string.get("format")));
        t.set("find", new LuaPatterns.Find());
        t.set("match", new LuaPatterns.Match());
        t.set("gmatch", new LuaPatterns.Gmatch());
        t.set("gsub", new CBoundary(new LuaPatterns.Gsub()));
        t.set("byte", new Byte(string.get("byte")));
        t.set("upper", new AsciiCase(true));
        t.set("lower", new AsciiCase(false));
        t.set("reverse", new Reverse());
        return t;
    }

    static LuaTable wrapTable(LuaTable table) {
        LuaTable t = copy(table);
        t.set("concat", new Concat(table.get("concat")));
        t.set("unpack", new Unpack(table.get("unpack")));
        t.set("insert", new Insert(table.get("insert")));
        t.set("getn", new Getn());
        t.set("maxn", new Maxn());
        t.set("sort", new CBoundary(table.get("sort")));
        return t;
    }

    /**
     * A library function that calls back into Lua: LuaJIT cannot yield across it ("attempt to yield
     * across C-call boundary"), so neither may a coroutine here.
     */
    static final class CBoundary extends VarArgFunction {
        private final LuaValue delegate;

        CBoundary(LuaValue delegate) {
            this.delegate = delegate;
        }

        @Override
        public Varargs invoke(Varargs args) {
            BudgetHook h = BudgetHook.current();
            if (h == null) {
                return delegate.invoke(args);
            }
            h.cCalls++;
            try {
                return delegate.invoke(args);
            } finally {
                h.cCalls--;
            }
        }
    }

    private static LuaTable copy(LuaTable source) {
        LuaTable t = new LuaTable();
        for (Varargs n = source.next(LuaValue.NIL); !n.arg1().isnil(); n = source.next(n.arg1())) {
            t.rawset(n.arg1(), n.arg(2));
        }
        return t;
    }

    static void charge(long bytes, String what) {
        Allocation.string(bytes, what);
        Allocation.work(Allocation.Work.COPY, bytes);
    }

    static int maxUnpack() {
        return SandboxLimits.DEFAULT.maxUnpack();
    }

    private static long byteLen(LuaValue v) {
        return v instanceof LuaString s ? s.length() : v.isnumber() ? 24 : 0;
    }

    /** string.rep(s, n [, sep]) */
    static final class Rep extends VarArgFunction {
        @Override
        public Varargs invoke(Varargs args) {
            LuaString s = args.checkstring(1);
            long n = (long) args.checkdouble(2);
            LuaString sep = args.optstring(3, LuaString.valueOf(""));
            if (n <= 0) {
                return LuaString.valueOf("");
            }
            long total = s.length() * n + sep.length() * (n - 1);
            if (total > Integer.MAX_VALUE - 16 || total < 0) {
                charge(Long.MAX_VALUE / 2, "string.rep");
            }
            charge(total, "string.rep");
            byte[] out = new byte[(int) total];
            int unit = s.m_length + sep.m_length;
            // One piece (sep after s), then doubling copies of what is filled: O(log n) copies,
            // so ("x"):rep(16e6) costs a memcpy, not 16 million of them.
            System.arraycopy(s.m_bytes, s.m_offset, out, 0, s.m_length);
            if (unit > 0 && total > s.m_length) {
                System.arraycopy(sep.m_bytes, sep.m_offset, out, s.m_length, sep.m_length);
                int filled = unit;
                int whole = (int) Math.min(total, (long) unit * (n - 1)); // every piece but the last s
                while (filled < whole) {
                    int len = Math.min(filled, whole - filled);
                    System.arraycopy(out, 0, out, filled, len);
                    filled += len;
                }
                System.arraycopy(s.m_bytes, s.m_offset, out, (int) total - s.m_length, s.m_length);
            }
            return LuaString.valueUsing(out);
        }
    }

    /** string.format: the output is at most the format plus the text of each argument (widths are 2 digits). */
    static final class Format extends VarArgFunction {
        private final LuaValue original;

        Format(LuaValue original) {
            this.original = original;
        }

        private final LuaFormat format = new LuaFormat();

        @Override
        public Varargs invoke(Varargs args) {
            // LuaFormat checks each piece against the string limit before it appends it.
            return format.invoke(args);
        }
    }

    /**
     * string.upper/lower byte by byte in the C locale: LuaJ decodes the bytes as UTF-8 first, which
     * mangles binary data and non-ASCII text.
     */
    static final class AsciiCase extends VarArgFunction {
        private final boolean upper;

        AsciiCase(boolean upper) {
            this.upper = upper;
        }

        @Override
        public Varargs invoke(Varargs args) {
            LuaString s = args.checkstring(1);
            Allocation.string(s.m_length, upper ? "string.upper" : "string.lower");
            Allocation.work(Allocation.Work.ENCODE, s.m_length);
            byte[] out = new byte[s.m_length];
            for (int i = 0; i < out.length; i++) {
                if ((i & 0xffff) == 0xffff) {
                    // Charged at the warm pace; a first call in a fresh JVM runs this loop
                    // interpreted, many times slower: it ends within 64 KiB of its deadline.
                    Allocation.checkDeadline();
                }
                byte b = s.m_bytes[s.m_offset + i];
                if (upper && b >= 'a' && b <= 'z') {
                    b -= 32;
                } else if (!upper && b >= 'A' && b <= 'Z') {
                    b += 32;
                }
                out[i] = b;
            }
            return LuaString.valueUsing(out);
        }
    }

    /** string.reverse: a copy as large as its argument, charged like the others. */
    static final class Reverse extends VarArgFunction {
        @Override
        public Varargs invoke(Varargs args) {
            LuaString s = args.checkstring(1);
            charge(s.m_length, "string.reverse");
            byte[] out = new byte[s.m_length];
            for (int i = 0; i < out.length; i++) {
                out[i] = s.m_bytes[s.m_offset + out.length - 1 - i];
            }
            return LuaString.valueUsing(out);
        }
    }

    /** string.byte(s, i, j): at most {@code maxUnpack} results, like LuaJIT's "string slice too long". */
    static final class Byte extends VarArgFunction {
        private final LuaValue original;

        Byte(LuaValue original) {
            this.original = original;
        }

        @Override
        public Varargs invoke(Varargs args) {
            LuaString s = args.checkstring(1);
            int l = s.length();
            int i = posrelat(args.optint(2, 1), l);
            int j = posrelat(args.optint(3, i), l);
            if (i < 1) {
                i = 1;
            }
            if (j > l) {
                j = l;
            }
            if ((long) j - i + 1 > maxUnpack()) {
                throw new LuaError("string slice too long");
            }
            return original.invoke(args);
        }

        private static int posrelat(int pos, int len) {
            return pos >= 0 ? pos : len + pos + 1;
        }
    }

    /** table.concat: sums the pieces first. */
    static final class Concat extends VarArgFunction {
        private final LuaValue original;

        Concat(LuaValue original) {
            this.original = original;
        }

        @Override
        public Varargs invoke(Varargs args) {
            LuaTable t = args.checktable(1);
            long sep = args.isnoneornil(2) ? 0 : args.checkstring(2).length();
            int i = args.optint(3, 1);
            int j = args.isnoneornil(4) ? t.length() : args.checkint(4);
            long total = 0;
            boolean strings = true;
            for (long k = i; k <= j; k++) {
                LuaValue v = t.get((int) k);
                if (!v.isstring()) {
                    throw new LuaError("invalid value (" + v.typename() + ") at index " + k + " in table for 'concat'");
                }
                strings &= v instanceof LuaString;
                total += byteLen(v) + sep;
                if (total > Integer.MAX_VALUE) {
                    break;
                }
            }
            charge(total, "table.concat");
            if (strings && i <= j) {
                LuaString joined = join(t, i, j, args.isnoneornil(2) ? null : args.checkstring(2), total - sep);
                if (joined != null) {
                    return joined;
                }
            }
            return original.invoke(args);
        }

        /**
         * The strings copied once into a result of exactly {@code size} bytes: LuaJ's buffer grows
         * by doubling, so a 16 MiB result made some 48 MiB of large arrays (a collection pause at
         * load took a loop of them to ~1 s against a 50 ms budget). Null when a value changed
         * since it was measured (an {@code __index} with side effects): LuaJ's concat then runs.
         */
        private static LuaString join(LuaTable t, int i, int j, LuaString sep, long size) {
            byte[] out = new byte[(int) size];
            int pos = 0;
            for (int k = i; k <= j; k++) {
                if (k > i && sep != null) {
                    if (pos + sep.m_length > size) {
                        return null;
                    }
                    System.arraycopy(sep.m_bytes, sep.m_offset, out, pos, sep.m_length);
                    pos += sep.m_length;
                }
                if (!(t.get(k) instanceof LuaString s) || pos + s.m_length > size) {
                    return null;
                }
                System.arraycopy(s.m_bytes, s.m_offset, out, pos, s.m_length);
                pos += s.m_length;
            }
            return pos == size ? LuaString.valueUsing(out) : null;
        }
    }

    /** table.insert(t, [pos,] v): LuaJIT refuses other argument counts; LuaJ ignored the extra ones. */
    static final class Insert extends VarArgFunction {
        private final LuaValue original;

        Insert(LuaValue original) {
            this.original = original;
        }

        @Override
        public Varargs invoke(Varargs args) {
            args.checktable(1);
            if (args.narg() != 2 && args.narg() != 3) {
                throw new LuaError("wrong number of arguments to 'insert'");
            }
            LuaTable t = args.checktable(1);
            if (args.narg() == 3) {
                // Every element from pos on moves up one: a loop inserting at the front is quadratic.
                long pos = args.arg(2).isnumber() ? (long) args.arg(2).todouble() : t.length();
                Allocation.work(Allocation.Work.COPY, Math.max(0L, t.length() - pos + 1) * 16);
            }
            return Allocation.growing(t, "table.insert", () -> original.invoke(args));
        }
    }

    /** table.getn(t): Lua 5.1's name for {@code #t}, which LuaJIT keeps. */
    static final class Getn extends VarArgFunction {
        @Override
        public Varargs invoke(Varargs args) {
            return valueOf(args.checktable(1).length());
        }
    }

    /** table.maxn(t): the largest positive numeric key (0 if none); walks the whole table, as Lua does. */
    static final class Maxn extends VarArgFunction {
        @Override
        public Varargs invoke(Varargs args) {
            LuaTable t = args.checktable(1);
            double max = 0;
            for (Varargs n = t.next(NIL); !n.arg1().isnil(); n = t.next(n.arg1())) {
                LuaValue k = n.arg1();
                if (k.type() == TNUMBER && k.todouble() > max) {
                    max = k.todouble();
                }
            }
            return valueOf(max);
        }
    }

    /** unpack / table.unpack: at most {@code maxUnpack} results ("too many results to unpack"). */
    static final class Unpack extends VarArgFunction {
        private final LuaValue original;

        Unpack(LuaValue original) {
            this.original = original;
        }

        @Override
        public Varargs invoke(Varargs args) {
            LuaTable t = args.checktable(1);
            long i = args.optint(2, 1);
            long j = args.isnoneornil(3) ? t.length() : args.checkint(3);
            if (j - i + 1 > maxUnpack()) {
                throw new LuaError("too many results to unpack");
            }
            return original.invoke(args);
        }
    }
}
