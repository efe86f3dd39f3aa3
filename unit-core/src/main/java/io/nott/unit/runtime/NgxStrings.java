package io.nott.unit.runtime;

import static io.nott.unit.runtime.NgxLib.fn;

import io.nott.unit.runtime.re.NgxRe;
import io.nott.unit.sandbox.Allocation;
import io.nott.unit.sandbox.Allocation.Work;
import io.nott.unit.sandbox.LuaNumbers;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Arrays;
import java.util.Base64;
import java.util.Locale;
import java.util.zip.CRC32;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.luaj.vm2.LuaError;
import org.luaj.vm2.LuaString;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Varargs;

/**
 * The string helpers of {@code ngx}: base64, URI escaping, digests, args and HTTP dates, with
 * lua-resty-core's argument handling (nil as "", numbers converted, its error messages), and the
 * {@code ngx.re} table ({@link NgxRe}). Lua strings are bytes and are handled as bytes here.
 */
final class NgxStrings {

    private static final DateTimeFormatter HTTP_TIME =
            DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'", Locale.ENGLISH).withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter COOKIE_TIME =
            DateTimeFormatter.ofPattern("EEE, dd-MMM-yy HH:mm:ss 'GMT'", Locale.ENGLISH).withZone(ZoneOffset.UTC);

    private NgxStrings() {
    }

    static void install(LuaTable ngx) {
        ngx.set("encode_base64", fn(a -> {
            byte[] in = coerce(a.arg1());
            boolean noPadding = a.arg(2).toboolean();
            Allocation.string(((long) in.length + 2) / 3 * 4, "ngx.encode_base64");
            Allocation.work(Work.ENCODE, in.length * 7L / 3);
            Base64.Encoder encoder = noPadding ? Base64.getEncoder().withoutPadding() : Base64.getEncoder();
            return LuaString.valueUsing(encoder.encode(in));
        }));
        ngx.set("decode_base64", fn(a -> {
            if (!(a.arg1() instanceof LuaString s)) {
                throw new LuaError("string argument only");
            }
            Allocation.string(s.m_length / 4 * 3 + 3, "ngx.decode_base64");
            Allocation.work(Work.ENCODE, s.m_length);
            byte[] out = decodeBase64(raw(s));
            return out == null ? LuaValue.NIL : LuaString.valueUsing(out);
        }));
        ngx.set("escape_uri", fn(a -> LuaString.valueUsing(escapeUri(coerce(a.arg1()), escapeType(a.arg(2))))));
        ngx.set("unescape_uri", fn(a -> LuaString.valueUsing(unescapeUri(coerce(a.arg1())))));
        ngx.set("md5", fn(a -> LuaValue.valueOf(hex(digest("MD5", a.arg1())))));
        ngx.set("md5_bin", fn(a -> LuaString.valueUsing(digest("MD5", a.arg1()))));
        ngx.set("sha1_bin", fn(a -> LuaString.valueUsing(digest("SHA-1", a.arg1()))));
        ngx.set("hmac_sha1", fn(a -> LuaString.valueUsing(hmacSha1(stringArg(a, 1), a, 2))));
        ngx.set("crc32_short", fn(NgxStrings::crc32));
        ngx.set("crc32_long", fn(NgxStrings::crc32));
        ngx.set("http_time", fn(a -> LuaValue.valueOf(HTTP_TIME.format(Instant.ofEpochSecond(a.checklong(1))))));
        ngx.set("cookie_time", fn(a -> LuaValue.valueOf(COOKIE_TIME.format(Instant.ofEpochSecond(a.checklong(1))))));
        ngx.set("encode_args", fn(a -> {
            if (!a.arg1().istable()) {
                throw new LuaError("bad argument #1 to '?' (table expected, got " + a.arg1().typename() + ")");
            }
            return LuaString.valueUsing(encodeArgs(a.arg1().checktable()));
        }));
        ngx.set("decode_args", fn(a -> decodeArgs(stringArg(a, 1), a.optint(2, 100))));
        ngx.set("quote_sql_str", fn(a -> LuaString.valueUsing(quoteSql(stringArg(a, 1)))));
        ngx.set("re", NgxRe.table());
    }

    /**
     * What lua-resty-core does with a non-string argument of the digest and escaping functions:
     * {@code nil} and {@code false} become "", anything else {@code tostring(v)}.
     */
    static byte[] coerce(LuaValue v) {
        if (v instanceof LuaString s) {
            return raw(s);
        }
        if (v.isnil() || v == LuaValue.FALSE) {
            return new byte[0];
        }
        return (v.isnumber() ? LuaNumbers.text(v) : v.tojstring()).getBytes(StandardCharsets.UTF_8);
    }

    /** A string argument (numbers converted) or LuaJIT's "bad argument" error, as the C API checks it. */
    private static byte[] stringArg(Varargs a, int i) {
        LuaValue v = a.arg(i);
        if (v instanceof LuaString s) {
            return raw(s);
        }
        if (v.isnumber()) {
            return LuaNumbers.text(v).getBytes(StandardCharsets.ISO_8859_1);
        }
        throw new LuaError("bad argument #" + i + " to '?' (string expected, got " + v.typename() + ")");
    }

    /**
     * The bytes of {@code s} for code that only reads them (never write to the result: a Lua
     * string is immutable and its array may be shared): the string's own array when the string
     * spans all of it, as every large string made by {@code string.rep}, {@code ..} or a library
     * call does, else a charged copy. A copy of a 6 MiB argument per call was 6 of the 14 MiB
     * {@code ngx.encode_base64} allocated, garbage that a loop of such calls made the JVM collect.
     */
    static byte[] raw(LuaString s) {
        if (s.m_offset == 0 && s.m_length == s.m_bytes.length) {
            return s.m_bytes;
        }
        Allocation.memory(s.m_length, "a copy of the argument");
        Allocation.work(Work.COPY, s.m_length);
        return Arrays.copyOfRange(s.m_bytes, s.m_offset, s.m_offset + s.m_length);
    }

    private static Varargs crc32(Varargs a) {
        CRC32 c = new CRC32();
        hash(a.arg1(), c::update);
        return LuaValue.valueOf((double) c.getValue());
    }

    /** How much is hashed between two charges: the wall clock is checked at least this often (~0.5 ms). */
    private static final int HASH_SLICE = 256 * 1024;

    private interface HashSink {
        void update(byte[] b, int off, int len);
    }

    /**
     * Feeds the argument (coerced as {@link #coerce} does, without copying a string) to a hash in
     * slices, each charged as {@link Work#HASH} before it is hashed: hashing a 16 MiB string in
     * a loop ends at the budget, not after the next whole hash.
     */
    private static void hash(LuaValue v, HashSink sink) {
        byte[] b;
        int off;
        int len;
        if (v instanceof LuaString s) {
            b = s.m_bytes;
            off = s.m_offset;
            len = s.m_length;
        } else {
            b = coerce(v);
            off = 0;
            len = b.length;
        }
        int done = 0;
        do {
            int n = Math.min(HASH_SLICE, len - done);
            Allocation.work(Work.HASH, n);
            sink.update(b, off + done, n);
            done += n;
        } while (done < len);
    }

    private static byte[] digest(String alg, LuaValue data) {
        try {
            MessageDigest md = MessageDigest.getInstance(alg);
            hash(data, md::update);
            return md.digest();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(alg + " is part of every JDK", e);
        }
    }

    private static byte[] hmacSha1(byte[] key, Varargs a, int dataArg) {
        try {
            Mac mac = Mac.getInstance("HmacSHA1");
            // An empty key is valid for HMAC (zero-padded to the block size, as nginx does) but
            // SecretKeySpec refuses it: one zero byte pads to the same key.
            mac.init(new SecretKeySpec(key.length == 0 ? new byte[1] : key, "HmacSHA1"));
            LuaValue data = a.arg(dataArg);
            if (!(data instanceof LuaString) && !data.isnumber()) {
                stringArg(a, dataArg);
            }
            hash(data, mac::update);
            return mac.doFinal();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA1 is part of every JDK", e);
        }
    }

    private static String hex(byte[] b) {
        StringBuilder sb = new StringBuilder(b.length * 2);
        for (byte x : b) {
            sb.append(Character.forDigit((x >> 4) & 0xf, 16)).append(Character.forDigit(x & 0xf, 16));
        }
        return sb.toString();
    }

    /**
     * As nginx's {@code ngx_decode_base64}: the input ends at the first {@code =} (whatever
     * follows is ignored), every char before it must be in the standard alphabet, and a length
     * of 1 mod 4 is invalid. Null for invalid input.
     */
    static byte[] decodeBase64(byte[] in) {
        int len = 0;
        while (len < in.length && in[len] != '=') {
            byte c = in[len];
            if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' || c == '/')) {
                return null;
            }
            len++;
        }
        if (len % 4 == 1) {
            return null;
        }
        String padded = new String(in, 0, len, StandardCharsets.ISO_8859_1) + "==".substring(0, (4 - len % 4) % 4);
        return Base64.getDecoder().decode(padded);
    }

    /**
     * nginx's escape sets ({@code ngx_escape_uri}), one bit per byte that is percent-encoded, by
     * the type argument of {@code ngx.escape_uri}: 0 URI, 1 ARGS, 2 URI component (the default;
     * lua-nginx-module's own set, which keeps {@code !*'()}), 3 HTML, 4 REFRESH, 5 MEMCACHED,
     * 6 MAIL_AUTH. Measured byte by byte on nginx 1.22 + lua-nginx-module.
     */
    private static final int[][] ESCAPE = {
        {0xffffffff, 0x80000029, 0x00000000, 0x80000000, 0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff},
        {0xffffffff, 0x80000829, 0x00000000, 0x80000000, 0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff},
        {0xffffffff, 0xfc00987d, 0x78000001, 0xb8000001, 0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff},
        {0xffffffff, 0x000000ad, 0x00000000, 0x80000000, 0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff},
        {0xffffffff, 0x00000085, 0x00000000, 0x80000000, 0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff},
        {0xffffffff, 0x00000021, 0x00000000, 0x00000000, 0x00000000, 0x00000000, 0x00000000, 0x00000000},
        {0xffffffff, 0x00000021, 0x00000000, 0x00000000, 0x00000000, 0x00000000, 0x00000000, 0x00000000}
    };

    private static int escapeType(LuaValue t) {
        if (t.isnil()) {
            return 2;
        }
        if (t.type() != LuaValue.TNUMBER) {
            throw new LuaError("\"type\" is not a number");
        }
        int type = t.toint();
        if (type < 0 || type >= ESCAPE.length) {
            throw new LuaError("\"type\" " + LuaNumbers.text(t) + " out of range");
        }
        return type;
    }

    private static final byte[] HEX = "0123456789ABCDEF".getBytes(StandardCharsets.US_ASCII);

    /**
     * Byte loops check the wall clock every 64 KiB: their charge is priced at the warm pace, and
     * the first calls of a loop in a fresh JVM run interpreted, ten times slower or more (a cold
     * escape of 4 MiB ended 150 ms past a 50 ms budget at load 15); a call now ends within one
     * chunk of its deadline whatever the loop's pace.
     */
    static final int CHUNK_MASK = 64 * 1024 - 1;

    /** Counts the output first (a byte escaped takes three), charges it, then builds it exactly. */
    static byte[] escapeUri(byte[] s, int type) {
        return escapeUri(s, type, "ngx.escape_uri");
    }

    private static byte[] escapeUri(byte[] s, int type, String what) {
        int[] set = ESCAPE[type];
        long size = s.length;
        Allocation.work(Work.ENCODE, s.length); // the count, before it runs
        for (int i = 0; i < s.length; i++) {
            int c = s[i] & 0xff;
            if ((set[c >>> 5] & (1 << (c & 31))) != 0) {
                size += 2;
            }
            if ((i & CHUNK_MASK) == CHUNK_MASK) {
                Allocation.checkDeadline();
            }
        }
        Allocation.string(size, what);
        Allocation.work(Work.ENCODE, size);
        byte[] out = new byte[(int) size];
        int o = 0;
        for (int i = 0; i < s.length; i++) {
            if ((i & CHUNK_MASK) == CHUNK_MASK) {
                Allocation.checkDeadline();
            }
            byte b = s[i];
            int c = b & 0xff;
            if ((set[c >>> 5] & (1 << (c & 31))) != 0) {
                out[o++] = '%';
                out[o++] = HEX[c >> 4];
                out[o++] = HEX[c & 0xf];
            } else {
                out[o++] = b;
            }
        }
        return out;
    }

    /** As ngx.unescape_uri: {@code %XX} decoded, {@code +} becomes a space, any other {@code %} kept. */
    static byte[] unescapeUri(byte[] s) {
        Allocation.string(s.length, "ngx.unescape_uri");
        Allocation.work(Work.ENCODE, s.length);
        ByteArrayOutputStream out = new ByteArrayOutputStream(s.length);
        for (int i = 0; i < s.length; i++) {
            if ((i & CHUNK_MASK) == CHUNK_MASK) {
                Allocation.checkDeadline();
            }
            byte c = s[i];
            int hi = i + 2 < s.length ? Character.digit(s[i + 1], 16) : -1;
            int lo = i + 2 < s.length ? Character.digit(s[i + 2], 16) : -1;
            if (c == '+') {
                out.write(' ');
            } else if (c == '%' && hi >= 0 && lo >= 0) {
                out.write(hi * 16 + lo);
                i += 2;
            } else {
                out.write(c);
            }
        }
        return out.toByteArray();
    }

    /** As ngx.quote_sql_str: quoted, with MySQL's escapes for {@code \0 \b \n \r \t \Z " ' \\}. */
    static byte[] quoteSql(byte[] s) {
        Allocation.Output out = Allocation.output("ngx.quote_sql_str");
        Allocation.work(Work.ENCODE, s.length);
        out.write('\'');
        for (byte b : s) {
            String esc = switch (b) {
                case 0 -> "\\0";
                case '\b' -> "\\b";
                case '\n' -> "\\n";
                case '\r' -> "\\r";
                case '\t' -> "\\t";
                case 26 -> "\\Z";
                case '"' -> "\\\"";
                case '\'' -> "\\'";
                case '\\' -> "\\\\";
                default -> null;
            };
            if (esc == null) {
                out.write(b);
            } else {
                out.writeLatin1(esc);
            }
        }
        out.write('\'');
        return out.toByteArray();
    }

    private static final LuaString TRUNCATED = LuaValue.valueOf("truncated");

    /**
     * As ngx.decode_args/ngx.req.get_uri_args: {@code &}-separated, keys and values unescaped,
     * a key without {@code =} is {@code true}, empty parts skipped, an empty key dropped (but
     * counted), a repeated key a list. At most {@code max} args (0: no limit); when more were
     * left, the second result is {@code "truncated"}.
     */
    static Varargs decodeArgs(byte[] query, int max) {
        LuaTable t = new LuaTable();
        int n = 0;
        int i = 0;
        while (i < query.length) {
            int amp = i;
            while (amp < query.length && query[amp] != '&') {
                amp++;
            }
            if (amp > i) {
                if (max > 0 && n >= max) {
                    return LuaValue.varargsOf(t, TRUNCATED);
                }
                n++;
                Allocation.table(1, "ngx.decode_args");
                int eq = i;
                while (eq < amp && query[eq] != '=') {
                    eq++;
                }
                if (eq > i) {
                    LuaValue key = LuaString.valueUsing(unescapeUri(Arrays.copyOfRange(query, i, eq)));
                    LuaValue value = eq == amp ? LuaValue.TRUE
                            : LuaString.valueUsing(unescapeUri(Arrays.copyOfRange(query, eq + 1, amp)));
                    addRepeatable(t, key, value);
                }
            }
            i = amp + 1;
        }
        return t;
    }

    static Varargs decodeArgs(String latin1Query, int max) {
        return decodeArgs(latin1Query == null ? new byte[0] : latin1Query.getBytes(StandardCharsets.ISO_8859_1), max);
    }

    /** The argument of ngx.req.set_uri_args: a query string as is, or a table as ngx.encode_args. */
    static String uriArgs(LuaValue v) {
        if (v.istable()) {
            return new String(encodeArgs(v.checktable()), StandardCharsets.ISO_8859_1);
        }
        if (!v.isstring()) {
            throw new LuaError("bad argument #1 to 'set_uri_args' (string or table expected, got " + v.typename() + ")");
        }
        return LuaNumbers.text(v);
    }

    /**
     * As ngx.encode_args: string keys only; a value may be a string or number ({@code k=v}),
     * {@code true} (a bare {@code k}), {@code false} (left out) or a list of those (the key
     * repeated). Keys and values are escaped as URI components.
     */
    private static byte[] encodeArgs(LuaTable t) {
        Allocation.Output out = Allocation.output("ngx.encode_args");
        for (Varargs n = t.next(LuaValue.NIL); !n.arg1().isnil(); n = t.next(n.arg1())) {
            if (!(n.arg1() instanceof LuaString key)) {
                throw new LuaError("attempt to use a non-string key in the \"args\" option table");
            }
            byte[] k = escapeUri(raw(key), 2, "ngx.encode_args");
            LuaValue v = n.arg(2);
            if (v.istable()) {
                LuaTable list = v.checktable();
                for (int i = 1; i <= list.length(); i++) {
                    appendArg(out, k, list.get(i));
                }
            } else {
                appendArg(out, k, v);
            }
        }
        return out.toByteArray();
    }

    private static void appendArg(Allocation.Output out, byte[] k, LuaValue v) {
        if (v == LuaValue.FALSE) {
            return;
        }
        if (!v.isstring() && !v.isboolean()) {
            throw new LuaError("attempt to use " + v.typename() + " as query arg value");
        }
        if (out.size() > 0) {
            out.write('&');
        }
        out.write(k);
        if (!v.isboolean()) {
            out.write('=');
            out.write(escapeUri(coerce(v), 2, "ngx.encode_args"));
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
