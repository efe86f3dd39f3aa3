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
 * first and charged to the running call ({@link BudgetHook#chargeBytes}), so {@code string.rep}
 * to gigabytes ends as an error instead of an {@link OutOfMemoryError}.
 */
final class SafeStringLib {

    /** Below this a result cannot hurt; skip the bookkeeping. */
    private static final long SMALL = 64 * 1024;

    private SafeStringLib() {
    }

    static LuaTable wrap(LuaTable string) {
        LuaTable t = copy(string);
        t.rawset(LuaValue.valueOf("dump"), LuaValue.NIL);
        t.set("rep", new Rep());
        t.set("format", new Format(string.get("format")));
        t.set("gsub", new Gsub(string.get("gsub"), string.get("find")));
        t.set("byte", new Byte(string.get("byte")));
        return t;
    }

    static LuaTable wrapTable(LuaTable table) {
        LuaTable t = copy(table);
        t.set("concat", new Concat(table.get("concat")));
        t.set("unpack", new Unpack(table.get("unpack")));
        return t;
    }

    private static LuaTable copy(LuaTable source) {
        LuaTable t = new LuaTable();
        for (Varargs n = source.next(LuaValue.NIL); !n.arg1().isnil(); n = source.next(n.arg1())) {
            t.rawset(n.arg1(), n.arg(2));
        }
        return t;
    }

    static void charge(long bytes, String what) {
        if (bytes < SMALL) {
            return;
        }
        BudgetHook hook = BudgetHook.current();
        if (hook != null) {
            hook.chargeBytes(bytes, what);
        } else if (bytes > SandboxLimits.DEFAULT.maxStringBytes()) {
            throw new LuaError(what + " would build a string of " + bytes + " bytes");
        }
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
            int pos = 0;
            for (long i = 0; i < n; i++) {
                if (i > 0 && sep.length() > 0) {
                    System.arraycopy(sep.m_bytes, sep.m_offset, out, pos, sep.m_length);
                    pos += sep.m_length;
                }
                System.arraycopy(s.m_bytes, s.m_offset, out, pos, s.m_length);
                pos += s.m_length;
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

        @Override
        public Varargs invoke(Varargs args) {
            long total = byteLen(args.arg1());
            for (int i = 2; i <= args.narg(); i++) {
                total += Math.max(byteLen(args.arg(i)), 100) ;
            }
            charge(total, "string.format");
            return original.invoke(args);
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
            for (long k = i; k <= j; k++) {
                LuaValue v = t.get((int) k);
                if (!v.isstring()) {
                    break; // the original raises its own error for this element
                }
                total += byteLen(v) + sep;
                if (total > Integer.MAX_VALUE) {
                    break;
                }
            }
            charge(total, "table.concat");
            return original.invoke(args);
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

    /**
     * string.gsub: a function or table replacement is wrapped so the text it returns is counted
     * as it is produced; a string replacement gets an upper bound first and, when that bound is
     * large, the exact result size by walking the matches with {@code string.find}.
     */
    static final class Gsub extends VarArgFunction {
        private final LuaValue original;
        private final LuaValue find;

        Gsub(LuaValue original, LuaValue find) {
            this.original = original;
            this.find = find;
        }

        @Override
        public Varargs invoke(Varargs args) {
            LuaString s = args.checkstring(1);
            LuaString pattern = args.checkstring(2);
            LuaValue repl = args.arg(3);
            int maxN = args.isnoneornil(4) ? Integer.MAX_VALUE : args.checkint(4);
            if (repl.isstring()) {
                LuaString r = repl.checkstring();
                long escapes = 0;
                for (int k = 0; k < r.length(); k++) {
                    if (r.luaByte(k) == '%') {
                        escapes++;
                    }
                }
                long matches = Math.min((long) s.length() + 1, maxN);
                long bound = s.length() + matches * (r.length() + escapes * s.length());
                if (bound > SMALL) {
                    charge(exactSize(s, pattern, r, maxN), "string.gsub");
                }
                return original.invoke(args);
            }
            if (repl.isfunction() || repl.istable()) {
                Counting counting = new Counting(repl, s.length());
                return original.invoke(varargsOf(new LuaValue[] {s, pattern, counting}, args.subargs(4)));
            }
            return original.invoke(args);
        }

        private long exactSize(LuaString s, LuaString pattern, LuaString r, int maxN) {
            boolean anchored = pattern.length() > 0 && pattern.luaByte(0) == '^';
            long size = s.length();
            int pos = 1;
            int count = 0;
            while (pos <= s.length() + 1 && count < maxN) {
                Varargs m = find.invoke(varargsOf(s, pattern, valueOf(pos)));
                if (m.arg1().isnil()) {
                    break;
                }
                int st = m.arg1().toint();
                int en = m.arg(2).toint();
                count++;
                long matchLen = Math.max(0, en - st + 1);
                size += expansion(r, m, matchLen) - matchLen;
                if (size > Integer.MAX_VALUE) {
                    return size;
                }
                pos = en >= st ? en + 1 : st + 1;
                if (anchored) {
                    break;
                }
            }
            return size;
        }

        private static long expansion(LuaString r, Varargs m, long matchLen) {
            long out = 0;
            int captures = m.narg() - 2;
            for (int k = 0; k < r.length(); k++) {
                int c = r.luaByte(k);
                if (c == '%' && k + 1 < r.length()) {
                    int d = r.luaByte(++k);
                    if (d == '0' || (d == '1' && captures == 0)) {
                        out += matchLen;
                    } else if (d >= '1' && d <= '9') {
                        out += byteLen(m.arg(2 + d - '0'));
                    } else {
                        out += 1;
                    }
                } else {
                    out++;
                }
            }
            return out;
        }
    }

    /** A gsub replacement that counts the bytes it hands back. */
    static final class Counting extends VarArgFunction {
        private final LuaValue repl;
        private long produced;

        Counting(LuaValue repl, long inputLength) {
            this.repl = repl;
            this.produced = inputLength;
        }

        @Override
        public Varargs invoke(Varargs args) {
            LuaValue v = repl.isfunction() ? repl.invoke(args).arg1() : repl.get(args.arg1());
            long n = byteLen(v);
            produced += n;
            if (produced > SMALL) {
                BudgetHook hook = BudgetHook.current();
                int max = hook != null ? hook.maxStringBytes() : SandboxLimits.DEFAULT.maxStringBytes();
                if (produced > max) {
                    throw new UnitAbort.ResourceLimitExceeded(
                            "string.gsub would build a string of more than " + max + " bytes");
                }
                if (hook != null) {
                    hook.chargeBytes(n, "string.gsub");
                }
            }
            return v;
        }
    }
}
