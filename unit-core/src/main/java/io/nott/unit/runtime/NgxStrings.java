package io.nott.unit.runtime;

import static io.nott.unit.runtime.NgxLib.fn;

import io.nott.unit.sandbox.BudgetHook;
import io.nott.unit.sandbox.LuaNumbers;
import io.nott.unit.sandbox.ReadOnlyTable;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import java.util.zip.CRC32;
import org.luaj.vm2.LuaError;
import org.luaj.vm2.LuaString;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Varargs;

/**
 * The string helpers of {@code ngx}: base64, URI escaping, digests, args, HTTP dates and
 * {@code ngx.re} (PCRE semantics via {@link java.util.regex}). Lua strings are bytes; they are
 * handled here as one char per byte (ISO-8859-1) so offsets stay byte offsets as in OpenResty.
 */
final class NgxStrings {

    private static final DateTimeFormatter HTTP_TIME =
            DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'", Locale.ENGLISH).withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter COOKIE_TIME =
            DateTimeFormatter.ofPattern("EEE, dd-MMM-yy HH:mm:ss 'GMT'", Locale.ENGLISH).withZone(ZoneOffset.UTC);
    private static final int REGEX_CACHE = 256;

    private NgxStrings() {
    }

    static String bytes(LuaValue v) {
        if (v instanceof LuaString s) {
            return new String(s.m_bytes, s.m_offset, s.m_length, StandardCharsets.ISO_8859_1);
        }
        return LuaNumbers.text(v);
    }

    static LuaString lua(String latin1) {
        return LuaString.valueUsing(latin1.getBytes(StandardCharsets.ISO_8859_1));
    }

    private static byte[] raw(LuaValue v) {
        LuaString s = v.checkstring();
        byte[] b = new byte[s.m_length];
        System.arraycopy(s.m_bytes, s.m_offset, b, 0, s.m_length);
        return b;
    }

    static void install(LuaTable ngx) {
        ngx.set("encode_base64", fn(a -> {
            String enc = Base64.getEncoder().encodeToString(raw(a.arg1()));
            if (a.optboolean(2, false)) {
                enc = enc.replace("=", "");
            }
            return LuaValue.valueOf(enc);
        }));
        ngx.set("decode_base64", fn(a -> {
            try {
                return LuaString.valueUsing(Base64.getMimeDecoder().decode(pad(a.checkjstring(1).trim())));
            } catch (IllegalArgumentException e) {
                return LuaValue.NIL;
            }
        }));
        ngx.set("escape_uri", fn(a -> lua(escapeUri(bytes(a.checkstring(1))))));
        ngx.set("unescape_uri", fn(a -> lua(unescapeUri(bytes(a.checkstring(1))))));
        ngx.set("md5", fn(a -> LuaValue.valueOf(hex(digest("MD5", raw(a.arg1()))))));
        ngx.set("md5_bin", fn(a -> LuaString.valueUsing(digest("MD5", raw(a.arg1())))));
        ngx.set("sha1_bin", fn(a -> LuaString.valueUsing(digest("SHA-1", raw(a.arg1())))));
        ngx.set("crc32_short", fn(NgxStrings::crc32));
        ngx.set("crc32_long", fn(NgxStrings::crc32));
        ngx.set("http_time", fn(a -> LuaValue.valueOf(HTTP_TIME.format(Instant.ofEpochSecond(a.checklong(1))))));
        ngx.set("cookie_time", fn(a -> LuaValue.valueOf(COOKIE_TIME.format(Instant.ofEpochSecond(a.checklong(1))))));
        ngx.set("encode_args", fn(a -> lua(encodeArgs(a.checktable(1)))));
        ngx.set("decode_args", fn(a -> decodeArgs(bytes(a.checkstring(1)), a.optint(2, 100))));
        ngx.set("quote_sql_str", fn(a -> lua("'" + bytes(a.checkstring(1)).replace("\\", "\\\\").replace("'", "\\'") + "'")));
        ngx.set("re", ReadOnlyTable.copyOf(re(), null));
    }

    private static String pad(String s) {
        int mod = s.length() % 4;
        return mod == 0 ? s : s + "====".substring(mod);
    }

    private static Varargs crc32(Varargs a) {
        CRC32 c = new CRC32();
        c.update(raw(a.arg1()));
        return LuaValue.valueOf((double) c.getValue());
    }

    private static byte[] digest(String alg, byte[] data) {
        try {
            return MessageDigest.getInstance(alg).digest(data);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(alg + " is part of every JDK", e);
        }
    }

    private static String hex(byte[] b) {
        StringBuilder sb = new StringBuilder(b.length * 2);
        for (byte x : b) {
            sb.append(Character.forDigit((x >> 4) & 0xf, 16)).append(Character.forDigit(x & 0xf, 16));
        }
        return sb.toString();
    }

    /** As ngx.escape_uri (type 2): everything but {@code A-Za-z0-9-._~} is percent-encoded. */
    static String escapeUri(String s) {
        StringBuilder sb = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '.'
                    || c == '_' || c == '~') {
                sb.append(c);
            } else {
                sb.append('%').append(Character.toUpperCase(Character.forDigit((c >> 4) & 0xf, 16)))
                        .append(Character.toUpperCase(Character.forDigit(c & 0xf, 16)));
            }
        }
        return sb.toString();
    }

    /** As ngx.unescape_uri: {@code %XX} decoded, {@code +} becomes a space, bad escapes kept. */
    static String unescapeUri(String s) {
        StringBuilder sb = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '+') {
                sb.append(' ');
            } else if (c == '%' && i + 2 < s.length()
                    && Character.digit(s.charAt(i + 1), 16) >= 0 && Character.digit(s.charAt(i + 2), 16) >= 0) {
                sb.append((char) (Character.digit(s.charAt(i + 1), 16) * 16 + Character.digit(s.charAt(i + 2), 16)));
                i += 2;
            } else {
                sb.append(c);
            }
        }
        return sb.toString();
    }

    static LuaTable decodeArgs(String query, int max) {
        LuaTable t = new LuaTable();
        if (query == null || query.isEmpty()) {
            return t;
        }
        int n = 0;
        for (String part : query.split("&")) {
            if (part.isEmpty()) {
                continue;
            }
            if (max > 0 && n++ >= max) {
                break;
            }
            int eq = part.indexOf('=');
            LuaValue key = lua(unescapeUri(eq < 0 ? part : part.substring(0, eq)));
            LuaValue value = eq < 0 ? LuaValue.TRUE : lua(unescapeUri(part.substring(eq + 1)));
            addRepeatable(t, key, value);
        }
        return t;
    }

    private static String encodeArgs(LuaTable t) {
        StringBuilder sb = new StringBuilder();
        for (Varargs n = t.next(LuaValue.NIL); !n.arg1().isnil(); n = t.next(n.arg1())) {
            String k = escapeUri(bytes(n.arg1()));
            LuaValue v = n.arg(2);
            if (v.istable()) {
                LuaTable list = v.checktable();
                for (int i = 1; i <= list.length(); i++) {
                    appendArg(sb, k, list.get(i));
                }
            } else {
                appendArg(sb, k, v);
            }
        }
        return sb.toString();
    }

    private static void appendArg(StringBuilder sb, String k, LuaValue v) {
        if (v.isboolean() && !v.toboolean()) {
            return;
        }
        if (sb.length() > 0) {
            sb.append('&');
        }
        sb.append(k);
        if (!v.isboolean()) {
            sb.append('=').append(escapeUri(bytes(v)));
        }
    }

    // ---- ngx.re ----------------------------------------------------------------------------

    private static final ThreadLocal<Map<String, Pattern>> PATTERNS = ThreadLocal.withInitial(
            () -> new LinkedHashMap<>(64, 0.75f, true) {
                @Override
                protected boolean removeEldestEntry(Map.Entry<String, Pattern> e) {
                    return size() > REGEX_CACHE;
                }
            });

    private static LuaTable re() {
        LuaTable re = new LuaTable();
        re.set("match", fn(a -> {
            Compiled c = compile(a.arg(2), a.optjstring(3, ""));
            if (c.error != null) {
                return LuaValue.varargsOf(LuaValue.NIL, LuaValue.valueOf(c.error));
            }
            String subject = bytes(a.checkstring(1));
            Matcher m = c.pattern.matcher(new Deadline(subject));
            int from = init(a.arg(4), subject);
            return find(m, from, c.anchored) ? captures(m, c.pattern) : LuaValue.NIL;
        }));
        re.set("find", fn(a -> {
            Compiled c = compile(a.arg(2), a.optjstring(3, ""));
            if (c.error != null) {
                return LuaValue.varargsOf(LuaValue.NIL, LuaValue.NIL, LuaValue.valueOf(c.error));
            }
            String subject = bytes(a.checkstring(1));
            Matcher m = c.pattern.matcher(new Deadline(subject));
            int from = init(a.arg(4), subject);
            int group = a.optint(5, 0);
            if (!find(m, from, c.anchored)) {
                return LuaValue.NIL;
            }
            if (group > m.groupCount() || m.start(group) < 0) {
                return LuaValue.NIL;
            }
            return LuaValue.varargsOf(LuaValue.valueOf(m.start(group) + 1), LuaValue.valueOf(m.end(group)));
        }));
        re.set("gmatch", fn(a -> {
            Compiled c = compile(a.arg(2), a.optjstring(3, ""));
            if (c.error != null) {
                return LuaValue.varargsOf(LuaValue.NIL, LuaValue.valueOf(c.error));
            }
            String subject = bytes(a.checkstring(1));
            Matcher m = c.pattern.matcher(new Deadline(subject));
            int[] pos = {0};
            return fn(x -> {
                if (pos[0] > subject.length() || !find(m, pos[0], c.anchored)) {
                    pos[0] = subject.length() + 1;
                    return LuaValue.NIL;
                }
                pos[0] = m.end() == m.start() ? m.end() + 1 : m.end();
                return captures(m, c.pattern);
            });
        }));
        re.set("sub", fn(a -> substitute(a, false)));
        re.set("gsub", fn(a -> substitute(a, true)));
        return re;
    }

    private record Compiled(Pattern pattern, boolean anchored, String error) {
    }

    private static Compiled compile(LuaValue regex, String options) {
        String source = bytes(regex.checkstring());
        int flags = 0;
        boolean anchored = false;
        for (char o : options.toCharArray()) {
            switch (o) {
                case 'i' -> flags |= Pattern.CASE_INSENSITIVE;
                case 'm' -> flags |= Pattern.MULTILINE;
                case 's' -> flags |= Pattern.DOTALL;
                case 'x' -> flags |= Pattern.COMMENTS;
                case 'a' -> anchored = true;
                case 'j', 'o', 'u', 'U', 'J', 'D' -> {
                    // JIT, compile-once and UTF-8 checks: no meaning here (patterns are cached per thread).
                }
                default -> {
                    return new Compiled(null, false, "unknown flag \"" + o + "\"");
                }
            }
        }
        String key = flags + "/" + source;
        Map<String, Pattern> cache = PATTERNS.get();
        Pattern p = cache.get(key);
        if (p == null) {
            try {
                p = Pattern.compile(source.replace("(?P<", "(?<"), flags);
            } catch (PatternSyntaxException e) {
                return new Compiled(null, false, "failed to compile regex \"" + source + "\": " + e.getDescription());
            }
            cache.put(key, p);
        }
        return new Compiled(p, anchored, null);
    }

    private static int init(LuaValue ctx, String subject) {
        if (ctx.istable()) {
            LuaValue pos = ctx.get("pos");
            if (pos.isnumber()) {
                return Math.max(0, Math.min(subject.length(), pos.toint() - 1));
            }
        }
        return 0;
    }

    private static boolean find(Matcher m, int from, boolean anchored) {
        int end = m.regionEnd() < from ? from : m.regionEnd();
        if (from > end) {
            return false;
        }
        m.region(from, end);
        return anchored ? m.lookingAt() : m.find();
    }

    private static LuaTable captures(Matcher m, Pattern p) {
        LuaTable t = new LuaTable();
        for (int g = 0; g <= m.groupCount(); g++) {
            String s = m.group(g);
            t.rawset(g, s == null ? LuaValue.FALSE : lua(s));
        }
        for (String name : p.namedGroups().keySet()) {
            String s = m.group(name);
            t.rawset(LuaValue.valueOf(name), s == null ? LuaValue.FALSE : lua(s));
        }
        return t;
    }

    private static Varargs substitute(Varargs a, boolean global) {
        Compiled c = compile(a.arg(2), a.optjstring(4, ""));
        if (c.error != null) {
            return LuaValue.varargsOf(LuaValue.NIL, LuaValue.NIL, LuaValue.valueOf(c.error));
        }
        String subject = bytes(a.checkstring(1));
        LuaValue repl = a.arg(3);
        Matcher m = c.pattern.matcher(new Deadline(subject));
        StringBuilder out = new StringBuilder();
        int last = 0;
        int count = 0;
        int pos = 0;
        int max = BudgetHook.current() != null ? BudgetHook.current().maxStringBytes() : 16 * 1024 * 1024;
        while (pos <= subject.length() && find(m, pos, c.anchored)) {
            out.append(subject, last, m.start());
            if (repl.isfunction()) {
                LuaValue r = repl.call(captures(m, c.pattern));
                out.append(bytes(r.isstring() ? r : LuaValue.valueOf("")));
            } else {
                expand(out, bytes(repl.checkstring()), m);
            }
            if (out.length() > max) {
                throw new io.nott.unit.sandbox.UnitAbort.ResourceLimitExceeded(
                        "ngx.re." + (global ? "gsub" : "sub") + " would build a string of more than " + max + " bytes");
            }
            count++;
            last = m.end();
            if (m.end() == m.start()) {
                if (m.end() < subject.length()) {
                    out.append(subject.charAt(m.end()));
                }
                last = m.end() + 1;
                pos = m.end() + 1;
            } else {
                pos = m.end();
            }
            if (!global || c.anchored) {
                break;
            }
        }
        if (last < subject.length()) {
            out.append(subject, last, subject.length());
        }
        return LuaValue.varargsOf(lua(out.toString()), LuaValue.valueOf(count));
    }

    /** {@code $0}, {@code $1}, {@code ${name}} and {@code $$} as in ngx.re.sub. */
    private static void expand(StringBuilder out, String template, Matcher m) {
        for (int i = 0; i < template.length(); i++) {
            char ch = template.charAt(i);
            if (ch != '$' || i + 1 >= template.length()) {
                out.append(ch);
                continue;
            }
            char next = template.charAt(i + 1);
            if (next == '$') {
                out.append('$');
                i++;
            } else if (Character.isDigit(next)) {
                int j = i + 1;
                while (j < template.length() && Character.isDigit(template.charAt(j))) {
                    j++;
                }
                appendGroup(out, m, template.substring(i + 1, j));
                i = j - 1;
            } else if (next == '{') {
                int close = template.indexOf('}', i);
                if (close < 0) {
                    throw new LuaError("bad template: unterminated ${ in \"" + template + "\"");
                }
                appendGroup(out, m, template.substring(i + 2, close));
                i = close;
            } else {
                throw new LuaError("bad template: invalid \"$\" in \"" + template + "\"");
            }
        }
    }

    private static void appendGroup(StringBuilder out, Matcher m, String ref) {
        String g;
        try {
            g = Character.isDigit(ref.charAt(0)) ? (Integer.parseInt(ref) <= m.groupCount() ? m.group(Integer.parseInt(ref)) : null)
                    : m.group(ref);
        } catch (IllegalArgumentException | IndexOutOfBoundsException e) {
            g = null;
        }
        if (g != null) {
            out.append(g);
        }
    }

    /**
     * A subject that checks the running call's wall-clock budget while the regex engine reads it,
     * so a catastrophically backtracking pattern ends with a timeout instead of holding the thread.
     */
    static final class Deadline implements CharSequence {
        private final String s;
        private final BudgetHook hook = BudgetHook.current();
        private int reads;

        Deadline(String s) {
            this.s = s;
        }

        @Override
        public int length() {
            return s.length();
        }

        @Override
        public char charAt(int index) {
            if (hook != null && (++reads & 0xfff) == 0) {
                hook.checkDeadline();
            }
            return s.charAt(index);
        }

        @Override
        public CharSequence subSequence(int start, int end) {
            return s.substring(start, end);
        }

        @Override
        public String toString() {
            return s;
        }
    }

    /**
     * Adds a value the way OpenResty builds header and argument tables: a name seen once maps to
     * its value, a repeated name to a table of all its values in order.
     */
    static void addRepeatable(LuaTable t, LuaValue key, LuaValue value) {
        LuaValue existing = t.rawget(key);
        if (existing.isnil()) {
            t.rawset(key, value);
        } else if (existing.istable()) {
            existing.checktable().insert(0, value);
        } else {
            LuaTable list = new LuaTable();
            list.insert(0, existing);
            list.insert(0, value);
            t.rawset(key, list);
        }
    }
}
