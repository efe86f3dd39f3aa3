package io.nott.unit.sandbox;

import org.luaj.vm2.LuaError;
import org.luaj.vm2.LuaString;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Varargs;
import org.luaj.vm2.lib.VarArgFunction;

/**
 * Lua pattern matching ({@code string.find/match/gmatch/gsub}) in our own code instead of
 * LuaJ's, for two reasons: LuaJ's matcher runs in Java the budget hook never sees, so a pattern
 * with several {@code .-} against a long subject could hold a thread for minutes (ours counts its
 * steps against the unit's instruction and wall-clock budgets), and LuaJ 3.0.1 crashes on frontier
 * patterns {@code %f[...]} (ours supports them). The algorithm is the reference one from Lua's
 * lstrlib (backtracking with {@code matchdepth}), with Lua 5.2 semantics.
 */
final class LuaPatterns {

    private static final int MAXCAPTURES = 32;
    private static final int CAP_UNFINISHED = -1;
    private static final int CAP_POSITION = -2;
    private static final int MAXCCALLS = 200;

    private LuaPatterns() {
    }

    static final class MatchState {
        final byte[] s;
        final int off;
        final int end;
        final byte[] p;
        final int pOff;
        final int pEnd;
        final LuaString subject;
        int level;
        int matchdepth;
        final int[] capInit = new int[MAXCAPTURES];
        final int[] capLen = new int[MAXCAPTURES];
        private final Allocation.Steps steps = new Allocation.Steps();

        MatchState(LuaString subject, LuaString pattern) {
            this.subject = subject;
            this.s = subject.m_bytes;
            this.off = subject.m_offset;
            this.end = subject.m_length;
            // Read in place (Lua strings are immutable): a pattern may be megabytes long, and a
            // copy per call was neither charged nor needed.
            this.p = pattern.m_bytes;
            this.pOff = pattern.m_offset;
            this.pEnd = pattern.m_length;
        }

        int sb(int i) {
            return s[off + i] & 0xff;
        }

        int pb(int i) {
            return i < pEnd ? p[pOff + i] & 0xff : 0;
        }

        void reset() {
            level = 0;
            matchdepth = MAXCCALLS;
        }

        /** Every step counts: a runaway pattern ends with a timeout like a runaway loop. */
        void step() {
            steps.step();
        }
    }

    // ---- matcher -------------------------------------------------------------------------------

    private static int classEnd(MatchState ms, int p) {
        if (p >= ms.pEnd) {
            throw new LuaError("malformed pattern (ends with '%')");
        }
        int c = ms.pb(p++);
        if (c == '%') {
            if (p >= ms.pEnd) {
                throw new LuaError("malformed pattern (ends with '%')");
            }
            return p + 1;
        }
        if (c == '[') {
            if (ms.pb(p) == '^') {
                p++;
            }
            do {
                if (p >= ms.pEnd) {
                    throw new LuaError("malformed pattern (missing ']')");
                }
                if (ms.pb(p++) == '%' && p < ms.pEnd) {
                    p++;
                }
            } while (p >= ms.pEnd || ms.pb(p) != ']');
            return p + 1;
        }
        return p;
    }

    private static boolean matchClass(int c, int cl) {
        boolean res;
        switch (Character.toLowerCase((char) cl)) {
            case 'a' -> res = isAlpha(c);
            case 'c' -> res = c < 32 || c == 127;
            case 'd' -> res = c >= '0' && c <= '9';
            case 'g' -> res = c > 32 && c < 127;
            case 'l' -> res = c >= 'a' && c <= 'z';
            case 'p' -> res = c > 32 && c < 127 && !isAlnum(c);
            case 's' -> res = c == ' ' || (c >= 9 && c <= 13);
            case 'u' -> res = c >= 'A' && c <= 'Z';
            case 'w' -> res = isAlnum(c);
            case 'x' -> res = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
            case 'z' -> res = c == 0;
            default -> {
                return cl == c;
            }
        }
        return (cl >= 'A' && cl <= 'Z') != res;
    }

    private static boolean isAlpha(int c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    }

    private static boolean isAlnum(int c) {
        return isAlpha(c) || (c >= '0' && c <= '9');
    }

    /** {@code p} at '[', {@code ec} at the closing ']'. */
    private static boolean matchBracketClass(MatchState ms, int c, int p, int ec) {
        boolean sig = true;
        if (ms.pb(p + 1) == '^') {
            sig = false;
            p++;
        }
        while (++p < ec) {
            if (ms.pb(p) == '%') {
                p++;
                if (matchClass(c, ms.pb(p))) {
                    return sig;
                }
            } else if (ms.pb(p + 1) == '-' && p + 2 < ec) {
                p += 2;
                if (ms.pb(p - 2) <= c && c <= ms.pb(p)) {
                    return sig;
                }
            } else if (ms.pb(p) == c) {
                return sig;
            }
        }
        return !sig;
    }

    private static boolean singleMatch(MatchState ms, int s, int p, int ep) {
        if (s >= ms.end) {
            return false;
        }
        int c = ms.sb(s);
        return switch (ms.pb(p)) {
            case '.' -> true;
            case '%' -> matchClass(c, ms.pb(p + 1));
            case '[' -> matchBracketClass(ms, c, p, ep - 1);
            default -> ms.pb(p) == c;
        };
    }

    /** @return end of the match in the subject, or -1 */
    static int match(MatchState ms, int s, int p) {
        if (ms.matchdepth-- == 0) {
            throw new LuaError("pattern too complex");
        }
        try {
            while (true) {
                ms.step();
                if (p >= ms.pEnd) {
                    return s;
                }
                switch (ms.pb(p)) {
                    case '(':
                        if (ms.pb(p + 1) == ')') {
                            return startCapture(ms, s, p + 2, CAP_POSITION);
                        }
                        return startCapture(ms, s, p + 1, CAP_UNFINISHED);
                    case ')':
                        return endCapture(ms, s, p + 1);
                    case '$':
                        if (p + 1 == ms.pEnd) {
                            return s == ms.end ? s : -1;
                        }
                        break;
                    case '%':
                        switch (ms.pb(p + 1)) {
                            case 'b': {
                                s = matchBalance(ms, s, p + 2);
                                if (s != -1) {
                                    p += 4;
                                    continue;
                                }
                                return -1;
                            }
                            case 'f': {
                                p += 2;
                                if (ms.pb(p) != '[') {
                                    throw new LuaError("missing '[' after '%f' in pattern");
                                }
                                int ep = classEnd(ms, p);
                                int previous = s == 0 ? 0 : ms.sb(s - 1);
                                int current = s < ms.end ? ms.sb(s) : 0;
                                if (!matchBracketClass(ms, previous, p, ep - 1) && matchBracketClass(ms, current, p, ep - 1)) {
                                    p = ep;
                                    continue;
                                }
                                return -1;
                            }
                            default:
                                if (Character.isDigit(ms.pb(p + 1))) {
                                    s = matchCapture(ms, s, ms.pb(p + 1));
                                    if (s != -1) {
                                        p += 2;
                                        continue;
                                    }
                                    return -1;
                                }
                                break;
                        }
                        break;
                    default:
                        break;
                }
                int ep = classEnd(ms, p);
                int epc = ms.pb(ep);
                if (!singleMatch(ms, s, p, ep)) {
                    if (ep < ms.pEnd && (epc == '*' || epc == '?' || epc == '-')) {
                        p = ep + 1;
                        continue;
                    }
                    return -1;
                }
                if (ep < ms.pEnd) {
                    switch (epc) {
                        case '?': {
                            int res = match(ms, s + 1, ep + 1);
                            if (res != -1) {
                                return res;
                            }
                            p = ep + 1;
                            continue;
                        }
                        case '+':
                            return maxExpand(ms, s + 1, p, ep);
                        case '*':
                            return maxExpand(ms, s, p, ep);
                        case '-':
                            return minExpand(ms, s, p, ep);
                        default:
                            break;
                    }
                }
                s++;
                p = ep;
            }
        } finally {
            ms.matchdepth++;
        }
    }

    private static int maxExpand(MatchState ms, int s, int p, int ep) {
        int i = 0;
        while (singleMatch(ms, s + i, p, ep)) {
            i++;
            ms.step();
        }
        while (i >= 0) {
            int res = match(ms, s + i, ep + 1);
            if (res != -1) {
                return res;
            }
            i--;
        }
        return -1;
    }

    private static int minExpand(MatchState ms, int s, int p, int ep) {
        while (true) {
            int res = match(ms, s, ep + 1);
            if (res != -1) {
                return res;
            }
            if (singleMatch(ms, s, p, ep)) {
                s++;
            } else {
                return -1;
            }
        }
    }

    private static int startCapture(MatchState ms, int s, int p, int what) {
        int level = ms.level;
        if (level >= MAXCAPTURES) {
            throw new LuaError("too many captures");
        }
        ms.capInit[level] = s;
        ms.capLen[level] = what;
        ms.level = level + 1;
        int res = match(ms, s, p);
        if (res == -1) {
            ms.level--;
        }
        return res;
    }

    private static int endCapture(MatchState ms, int s, int p) {
        int l = -1;
        for (int level = ms.level - 1; level >= 0; level--) {
            if (ms.capLen[level] == CAP_UNFINISHED) {
                l = level;
                break;
            }
        }
        if (l < 0) {
            throw new LuaError("invalid pattern capture");
        }
        ms.capLen[l] = s - ms.capInit[l];
        int res = match(ms, s, p);
        if (res == -1) {
            ms.capLen[l] = CAP_UNFINISHED;
        }
        return res;
    }

    private static int matchCapture(MatchState ms, int s, int l) {
        l -= '1';
        if (l < 0 || l >= ms.level || ms.capLen[l] == CAP_UNFINISHED) {
            throw new LuaError("invalid capture index %" + (l + 1));
        }
        int len = ms.capLen[l];
        if (ms.end - s >= len) {
            for (int i = 0; i < len; i++) {
                if (ms.sb(ms.capInit[l] + i) != ms.sb(s + i)) {
                    return -1;
                }
            }
            return s + len;
        }
        return -1;
    }

    private static int matchBalance(MatchState ms, int s, int p) {
        if (p + 1 >= ms.pEnd) {
            throw new LuaError("malformed pattern (missing arguments to '%b')");
        }
        if (s >= ms.end || ms.sb(s) != ms.pb(p)) {
            return -1;
        }
        int b = ms.pb(p);
        int e = ms.pb(p + 1);
        int cont = 1;
        while (++s < ms.end) {
            ms.step();
            int c = ms.sb(s);
            if (c == e) {
                if (--cont == 0) {
                    return s + 1;
                }
            } else if (c == b) {
                cont++;
            }
        }
        return -1;
    }

    // ---- captures ------------------------------------------------------------------------------

    private static LuaValue capture(MatchState ms, int i, int s, int e) {
        if (i >= ms.level) {
            if (i == 0) {
                return ms.subject.substring(s, e);
            }
            throw new LuaError("invalid capture index %" + (i + 1));
        }
        int l = ms.capLen[i];
        if (l == CAP_UNFINISHED) {
            throw new LuaError("unfinished capture");
        }
        if (l == CAP_POSITION) {
            return LuaValue.valueOf(ms.capInit[i] + 1);
        }
        return ms.subject.substring(ms.capInit[i], ms.capInit[i] + l);
    }

    /** Captures, or the whole match when the pattern has none ({@code whole} true). */
    private static Varargs captures(MatchState ms, int s, int e, boolean whole) {
        int n = (ms.level == 0 && whole) ? 1 : ms.level;
        LuaValue[] v = new LuaValue[n];
        for (int i = 0; i < n; i++) {
            v[i] = capture(ms, i, s, e);
        }
        return LuaValue.varargsOf(v);
    }

    private static boolean noSpecials(LuaString p) {
        for (int i = 0; i < p.m_length; i++) {
            if ("^$*+?.([%-".indexOf(p.m_bytes[p.m_offset + i]) >= 0) {
                return false;
            }
        }
        return true;
    }

    private static int posrelat(long pos, int len) {
        if (pos >= 0) {
            return (int) Math.min(pos, Integer.MAX_VALUE);
        }
        if (-pos > len) {
            return 0;
        }
        return (int) (len + pos + 1);
    }

    // ---- library functions ---------------------------------------------------------------------

    static Varargs findAux(Varargs args, boolean find) {
        LuaString s = args.checkstring(1);
        LuaString pat = args.checkstring(2);
        int ls = s.m_length;
        int init = posrelat((long) args.optdouble(3, 1), ls);
        if (init < 1) {
            init = 1;
        } else if (init > ls + 1) {
            return LuaValue.NIL;
        }
        if (find && (args.arg(4).toboolean() || noSpecials(pat))) {
            int idx = plainFind(s, pat, init - 1);
            if (idx >= 0) {
                return LuaValue.varargsOf(LuaValue.valueOf(idx + 1), LuaValue.valueOf(idx + pat.m_length));
            }
            return LuaValue.NIL;
        }
        MatchState ms = new MatchState(s, pat);
        boolean anchor = ms.pb(0) == '^';
        int p = anchor ? 1 : 0;
        int s1 = init - 1;
        do {
            ms.reset();
            int res = match(ms, s1, p);
            if (res != -1) {
                if (find) {
                    return LuaValue.varargsOf(LuaValue.valueOf(s1 + 1), LuaValue.valueOf(res), captures(ms, -1, 0, false));
                }
                return captures(ms, s1, res, true);
            }
        } while (s1++ < ms.end && !anchor);
        return LuaValue.NIL;
    }

    /**
     * A plain (no specials) search, charged one step per byte compared like the matcher's steps
     * ({@link Allocation.Steps}): a naive search compares up to n x m bytes, and LuaJ's
     * {@code LuaString.indexOf} did it uncharged (issue #15: {@code while true do s:find('y') end}
     * on 8 MiB ran 32 s against a 50 ms budget).
     */
    private static int plainFind(LuaString s, LuaString pat, int from) {
        Allocation.Steps steps = new Allocation.Steps();
        byte[] a = s.m_bytes;
        byte[] b = pat.m_bytes;
        int ao = s.m_offset;
        int bo = pat.m_offset;
        int m = pat.m_length;
        try {
            for (int i = from; i + m <= s.m_length; i++) {
                int j = 0;
                while (j < m && a[ao + i + j] == b[bo + j]) {
                    j++;
                    if ((j & (Allocation.Steps.BATCH - 1)) == 0) {
                        steps.add(Allocation.Steps.BATCH); // a long partial match is charged as it goes
                    }
                }
                steps.add((j & (Allocation.Steps.BATCH - 1)) + 1);
                if (j == m) {
                    return i;
                }
            }
            return -1;
        } finally {
            steps.flush();
        }
    }

    static final class Find extends VarArgFunction {
        @Override
        public Varargs invoke(Varargs args) {
            return findAux(args, true);
        }
    }

    static final class Match extends VarArgFunction {
        @Override
        public Varargs invoke(Varargs args) {
            return findAux(args, false);
        }
    }

    static final class Gmatch extends VarArgFunction {
        @Override
        public Varargs invoke(Varargs args) {
            LuaString s = args.checkstring(1);
            LuaString pat = args.checkstring(2);
            MatchState ms = new MatchState(s, pat);
            int[] src = {0};
            return new VarArgFunction() {
                @Override
                public Varargs invoke(Varargs ignored) {
                    for (; src[0] <= ms.end; src[0]++) {
                        ms.reset();
                        int e = match(ms, src[0], 0);
                        if (e != -1) {
                            int start = src[0];
                            src[0] = e == start ? e + 1 : e;
                            return captures(ms, start, e, true);
                        }
                    }
                    return NIL;
                }
            };
        }
    }

    static final class Gsub extends VarArgFunction {
        @Override
        public Varargs invoke(Varargs args) {
            LuaString src = args.checkstring(1);
            LuaString pat = args.checkstring(2);
            LuaValue repl = args.arg(3);
            int tr = repl.type();
            if (!(tr == TNUMBER || tr == TSTRING || tr == TFUNCTION || tr == TTABLE)) {
                argerror(3, "string/function/table expected");
            }
            long maxN = args.isnoneornil(4) ? Long.MAX_VALUE : (long) args.checkdouble(4);
            MatchState ms = new MatchState(src, pat);
            boolean anchor = ms.pb(0) == '^';
            int p = anchor ? 1 : 0;
            // Every piece is checked against the string limit before it is written.
            Allocation.Output b = Allocation.output("string.gsub");
            int s = 0;
            long n = 0;
            while (n < maxN) {
                ms.reset();
                int e = match(ms, s, p);
                if (e != -1) {
                    n++;
                    addValue(ms, b, s, e, repl, tr);
                }
                if (e != -1 && e > s) {
                    s = e;
                } else if (s < ms.end) {
                    b.write(ms.sb(s++));
                } else {
                    break;
                }
                if (anchor) {
                    break;
                }
            }
            b.write(ms.s, ms.off + s, ms.end - s);
            return varargsOf(b.toLuaString(), valueOf((double) n));
        }

        private static void addValue(MatchState ms, Allocation.Output b, int s, int e, LuaValue repl, int tr) {
            LuaValue value;
            if (tr == TFUNCTION) {
                value = repl.invoke(captures(ms, s, e, true)).arg1();
            } else if (tr == TTABLE) {
                value = repl.get(capture(ms, 0, s, e));
            } else {
                LuaString news = repl.checkstring();
                for (int i = 0; i < news.m_length; i++) {
                    int c = news.m_bytes[news.m_offset + i] & 0xff;
                    if (c != '%') {
                        b.write(c);
                        continue;
                    }
                    i++;
                    int d = i < news.m_length ? news.m_bytes[news.m_offset + i] & 0xff : 0;
                    if (!Character.isDigit(d)) {
                        if (d != '%') {
                            throw new LuaError("invalid use of '%' in replacement string");
                        }
                        b.write('%');
                    } else if (d == '0') {
                        b.write(ms.s, ms.off + s, e - s);
                    } else {
                        LuaValue cap = capture(ms, d - '1', s, e);
                        LuaString cs = cap.strvalue();
                        b.write(cs.m_bytes, cs.m_offset, cs.m_length);
                    }
                }
                return;
            }
            if (!value.toboolean()) {
                b.write(ms.s, ms.off + s, e - s);
            } else if (!value.isstring()) {
                throw new LuaError("invalid replacement value (a " + value.typename() + ")");
            } else {
                LuaString vs = value.strvalue();
                b.write(vs.m_bytes, vs.m_offset, vs.m_length);
            }
        }
    }
}
