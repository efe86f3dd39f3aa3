package io.nott.unit.runtime;

import java.util.List;
import org.luaj.vm2.LuaString;

/**
 * One runtime's recently made short strings, so that a unit reading the same variable value on
 * every request ({@code ngx.var.arg_token}, {@code ngx.var.host}) or setting the same header value
 * ({@code ngx.header['Set-Cookie'] = {'a=b'}}) does not build it again for each call: a Lua string
 * straight from a range of the Java text (no substring, no byte array when seen before), and a
 * header value's checked Java form keyed by its Lua string.
 *
 * <p>Direct-mapped, {@value #SLOTS} slots each, values of at most {@value #MAX_LENGTH} bytes: a
 * miss costs one slot write and what the call would have built anyway, and nothing grows. Slots
 * hold immutable objects ({@link LuaString}'s fields are final, {@link HeaderValue} is a record),
 * so a closure of this runtime running on another thread at the same time (a timer callback) reads
 * either the old or the new entry, never half of one.
 */
final class RecentStrings {

    static final int SLOTS = 64;
    static final int MAX_LENGTH = 64;

    private final LuaString[] strings = new LuaString[SLOTS];
    private final HeaderValue[] headerValues = new HeaderValue[SLOTS];

    /** A header value as a unit wrote it and as it is sent (checked and escaped, see {@link NgxLib#headerValues}). */
    record HeaderValue(LuaString lua, List<String> sent) {
    }

    /** {@code text} as a Lua string (ASCII as its bytes, anything else UTF-8 encoded as LuaJ does). */
    LuaString lua(String text) {
        return lua(text, 0, text.length());
    }

    /** {@code text.substring(from, to)} as a Lua string, without the substring. */
    LuaString lua(String text, int from, int to) {
        int n = to - from;
        if (n > MAX_LENGTH) {
            return make(text, from, to);
        }
        int h = 0;
        for (int i = from; i < to; i++) {
            char c = text.charAt(i);
            if (c >= 0x80) {
                return LuaString.valueOf(text.substring(from, to)); // UTF-8: not cached (rare in variables)
            }
            h = 31 * h + c;
        }
        int slot = spread(h);
        LuaString s = strings[slot];
        if (s != null && sameText(s, text, from, to)) {
            return s;
        }
        s = make(text, from, to);
        strings[slot] = s;
        return s;
    }

    /**
     * {@code text.toLowerCase(Locale.ROOT)} as a Lua string (a header name as
     * {@code ngx.req.get_headers} keys it), without the lower-case copy when seen recently.
     */
    LuaString luaLower(String text) {
        int n = text.length();
        if (n > MAX_LENGTH) {
            return LuaString.valueOf(text.toLowerCase(java.util.Locale.ROOT));
        }
        int h = 0;
        for (int i = 0; i < n; i++) {
            char c = text.charAt(i);
            if (c >= 0x80) {
                return LuaString.valueOf(text.toLowerCase(java.util.Locale.ROOT)); // not cached (never in a valid name)
            }
            h = 31 * h + lower(c);
        }
        int slot = spread(h);
        LuaString s = strings[slot];
        if (s != null && sameLowerText(s, text)) {
            return s;
        }
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) lower(text.charAt(i));
        }
        s = LuaString.valueUsing(b);
        strings[slot] = s;
        return s;
    }

    private static char lower(char c) {
        return c >= 'A' && c <= 'Z' ? (char) (c + ('a' - 'A')) : c;
    }

    private static boolean sameLowerText(LuaString s, String text) {
        if (s.m_length != text.length()) {
            return false;
        }
        byte[] b = s.m_bytes;
        int o = s.m_offset;
        for (int i = 0; i < text.length(); i++) {
            if (b[o++] != (byte) lower(text.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    /** The sent form of a header value written as {@code lua}, or null when not seen recently. */
    List<String> headerValue(LuaString lua) {
        HeaderValue v = headerValues[spread(lua.hashCode())];
        return v != null && (v.lua == lua || v.lua.raweq(lua)) ? v.sent : null;
    }

    /** Remembers the sent form of a short header value. */
    void rememberHeaderValue(LuaString lua, List<String> sent) {
        if (lua.m_length <= MAX_LENGTH) {
            headerValues[spread(lua.hashCode())] = new HeaderValue(lua, sent);
        }
    }

    private static int spread(int h) {
        return (h ^ h >>> 16) & SLOTS - 1;
    }

    private static boolean sameText(LuaString s, String text, int from, int to) {
        if (s.m_length != to - from) {
            return false;
        }
        byte[] b = s.m_bytes;
        int o = s.m_offset;
        for (int i = from; i < to; i++) {
            if (b[o++] != (byte) text.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    private static LuaString make(String text, int from, int to) {
        for (int i = from; i < to; i++) {
            if (text.charAt(i) >= 0x80) {
                return LuaString.valueOf(text.substring(from, to));
            }
        }
        byte[] b = new byte[to - from]; // ASCII: one byte per char, no intermediate String or copy
        for (int i = from; i < to; i++) {
            b[i - from] = (byte) text.charAt(i);
        }
        return LuaString.valueUsing(b);
    }
}
