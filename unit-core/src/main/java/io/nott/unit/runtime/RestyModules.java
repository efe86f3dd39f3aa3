package io.nott.unit.runtime;

import io.nott.unit.sandbox.Allocation;
import io.nott.unit.sandbox.BudgetHook;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.concurrent.ThreadLocalRandom;
import org.luaj.vm2.LuaString;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaUserdata;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Varargs;
import org.luaj.vm2.lib.VarArgFunction;

/**
 * Small bundled modules written in Java, each a fresh table per runtime and snapshot (see
 * {@link Modules}): {@code ngx.base64} (lua-resty-core 0.1.25), {@code resty.string},
 * {@code resty.md5}/{@code sha1}/{@code sha224}/{@code sha256}/{@code sha384}/{@code sha512} and
 * {@code resty.random} (lua-resty-string 0.x, which OpenResty bundles and Debian does not).
 */
final class RestyModules {

    private static final SecureRandom STRONG = new SecureRandom();

    private RestyModules() {
    }

    /** lua-resty-core's {@code ngx.base64}: URL-safe base64 without padding, nginx's decoder. */
    static LuaTable base64() {
        LuaTable m = new LuaTable();
        m.set("version", "0.1.25");
        m.set("encode_base64url", NgxLib.fn(a -> {
            if (a.arg1().type() != LuaValue.TSTRING) {
                return LuaValue.varargsOf(LuaValue.NIL, LuaValue.valueOf("must provide a string"));
            }
            byte[] in = NgxStrings.raw(a.arg1().checkstring());
            charge(in.length * 4L / 3 + 4, "ngx.base64.encode_base64url");
            return LuaString.valueUsing(java.util.Base64.getUrlEncoder().withoutPadding().encode(in));
        }));
        m.set("decode_base64url", NgxLib.fn(a -> {
            if (a.arg1().type() != LuaValue.TSTRING) {
                return LuaValue.varargsOf(LuaValue.NIL, LuaValue.valueOf("must provide a string"));
            }
            byte[] out = decodeBase64Url(NgxStrings.raw(a.arg1().checkstring()));
            if (out == null) {
                return LuaValue.varargsOf(LuaValue.NIL, LuaValue.valueOf("invalid input"));
            }
            charge(out.length, "ngx.base64.decode_base64url");
            return LuaString.valueUsing(out);
        }));
        return m;
    }

    /**
     * nginx's {@code ngx_decode_base64url}: the input ends at the first {@code =} (what follows is
     * ignored), any other byte outside the URL alphabet or a length of 4n+1 is an error.
     */
    static byte[] decodeBase64Url(byte[] src) {
        int len = 0;
        while (len < src.length && src[len] != '=') {
            int c = src[len];
            if (!(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_')) {
                return null;
            }
            len++;
        }
        if (len % 4 == 1) {
            return null;
        }
        return java.util.Base64.getUrlDecoder().decode(java.util.Arrays.copyOf(src, len));
    }

    /** lua-resty-string's {@code resty.string}: {@code to_hex} and nginx's {@code ngx_atoi}. */
    static LuaTable string() {
        LuaTable m = new LuaTable();
        m.set("_VERSION", "0.15");
        m.set("to_hex", NgxLib.fn(a -> {
            byte[] in = NgxStrings.raw(a.checkstring(1));
            charge(in.length * 2L, "resty.string.to_hex");
            byte[] out = new byte[in.length * 2];
            byte[] hex = "0123456789abcdef".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
            for (int i = 0; i < in.length; i++) {
                out[2 * i] = hex[(in[i] >> 4) & 15];
                out[2 * i + 1] = hex[in[i] & 15];
            }
            return LuaString.valueUsing(out);
        }));
        m.set("atoi", NgxLib.fn(a -> LuaValue.valueOf((double) atoi(NgxStrings.raw(a.checkstring(1))))));
        return m;
    }

    /** nginx's {@code ngx_atoi}: decimal digits only, -1 for anything else, empty input or overflow. */
    static long atoi(byte[] s) {
        if (s.length == 0) {
            return -1;
        }
        long v = 0;
        for (byte b : s) {
            if (b < '0' || b > '9') {
                return -1;
            }
            if (v > (Long.MAX_VALUE - (b - '0')) / 10) {
                return -1;
            }
            v = v * 10 + (b - '0');
        }
        return v;
    }

    /**
     * {@code resty.md5} and friends: {@code d = m:new()} (nil if the algorithm is missing),
     * {@code d:update(s)} → true, {@code d:final()} → the binary digest, {@code d:reset()} → true.
     */
    static LuaTable digest(String algorithm) {
        LuaTable m = new LuaTable();
        m.set("_VERSION", "0.15");
        LuaTable mt = new LuaTable();
        mt.set("__index", m);
        m.set("new", NgxLib.fn(a -> {
            try {
                LuaTable d = new LuaTable();
                d.set("_ctx", new LuaUserdata(MessageDigest.getInstance(algorithm)));
                d.setmetatable(mt);
                return d;
            } catch (NoSuchAlgorithmException e) {
                return LuaValue.NIL; // as OpenSSL's init failing: new() returns nil
            }
        }));
        m.set("update", NgxLib.fn(a -> {
            MessageDigest md = ctx(a.arg1());
            LuaString s = a.checkstring(2);
            spend(s.m_length / 64 + 1);
            md.update(s.m_bytes, s.m_offset, s.m_length);
            return LuaValue.TRUE;
        }));
        m.set("final", NgxLib.fn(a -> LuaString.valueUsing(ctx(a.arg1()).digest())));
        m.set("reset", NgxLib.fn(a -> {
            ctx(a.arg1()).reset();
            return LuaValue.TRUE;
        }));
        return m;
    }

    private static MessageDigest ctx(LuaValue self) {
        LuaValue c = self.istable() ? self.get("_ctx") : LuaValue.NIL;
        if (c.isuserdata(MessageDigest.class)) {
            return (MessageDigest) c.touserdata(MessageDigest.class);
        }
        throw new org.luaj.vm2.LuaError("bad argument #1: digest object expected (call it as d:update(s), not d.update(s))");
    }

    /** lua-resty-string's {@code resty.random}: {@code bytes(len [, strong])}. */
    static LuaTable random() {
        LuaTable m = new LuaTable();
        m.set("_VERSION", "0.15");
        m.set("bytes", NgxLib.fn(a -> {
            int len = a.checkint(1);
            if (len < 0) {
                return LuaValue.NIL;
            }
            charge(len, "resty.random.bytes");
            byte[] out = new byte[len];
            if (a.arg(2).toboolean()) {
                STRONG.nextBytes(out);
            } else {
                ThreadLocalRandom.current().nextBytes(out);
            }
            return LuaString.valueUsing(out);
        }));
        return m;
    }

    /** A result of {@code bytes} is about to be built by encoding: issue #15's one charging API. */
    private static void charge(long bytes, String what) {
        Allocation.string(bytes, what);
        Allocation.work(Allocation.Work.ENCODE, bytes);
    }

    private static void spend(int steps) {
        BudgetHook hook = BudgetHook.current();
        if (hook != null) {
            hook.spend(steps);
        }
    }

}
