package io.nott.unit.runtime.re;

import io.nott.unit.sandbox.Allocation;
import java.nio.charset.StandardCharsets;

/**
 * A Lua string as the regex engine sees it: one char per byte, or with {@code u}/{@code U} one
 * code point per UTF-8 sequence, with the map from char index back to byte offset (OpenResty
 * hands back byte offsets in every mode).
 */
final class Subject {

    /** PCRE's exec error codes as lua-nginx-module reports them ({@code pcre_exec() failed: -10}). */
    static final int BAD_UTF8 = -10;
    static final int BAD_UTF8_OFFSET = -11;
    /** Bytes of a UTF-8 subject decoded per charge (and wall-clock check). */
    private static final int DECODE_SLICE = 64 * 1024;

    /** The Lua string's bytes, shared (Lua strings are immutable): {@code bytes[base .. base + byteLength)}. */
    final byte[] bytes;
    final int base;
    private final int byteLength;
    /** What the engine reads: a view of the bytes (one char per byte) or the decoded UTF-8. */
    private final CharSequence text;
    /** Byte offset of each char index (length {@code text.length() + 1}); null in byte mode. */
    private final int[] byteAt;

    private Subject(byte[] bytes, int base, int byteLength, CharSequence text, int[] byteAt) {
        this.bytes = bytes;
        this.base = base;
        this.byteLength = byteLength;
        this.text = text;
        this.byteAt = byteAt;
    }

    /** Thrown for a subject or start offset PCRE refuses in UTF-8 mode. */
    static final class ExecError extends Exception {
        private static final long serialVersionUID = 1L;
        final int code;

        ExecError(int code) {
            super("pcre_exec() failed: " + code, null, false, false);
            this.code = code;
        }
    }

    static Subject of(byte[] bytes, ReOptions options) throws ExecError {
        return of(bytes, 0, bytes.length, options);
    }

    static Subject of(byte[] bytes, int base, int length, ReOptions options) throws ExecError {
        if (!options.utf8()) {
            return new Subject(bytes, base, length, new Latin1(bytes, base, length), null);
        }
        // Decoded as UTF-16 (2 bytes a char, at most one char per byte) with a 4-byte offset per
        // char: charged before it exists, and the decoding charged slice by slice as it goes,
        // so a 16 MiB subject in a loop meets the budgets (it was 96 MiB and a full pass, uncharged).
        Allocation.memory(6L * length + 4, "ngx.re (a UTF-8 subject)");
        StringBuilder sb = new StringBuilder(length);
        int[] map = new int[length + 1];
        int n = 0;
        int p = 0;
        int end = length;
        int paidUpTo = 0;
        while (p < end) {
            if (p >= paidUpTo) {
                int slice = Math.min(DECODE_SLICE, end - p);
                Allocation.work(Allocation.Work.ENCODE, slice);
                paidUpTo = p + slice;
            }
            int b = bytes[base + p] & 0xff;
            int len = b < 0x80 ? 1 : b >= 0xc2 && b < 0xe0 ? 2 : b >= 0xe0 && b < 0xf0 ? 3 : b >= 0xf0 && b < 0xf5 ? 4 : 0;
            int cp = len == 1 ? b : len == 2 ? b & 0x1f : len == 3 ? b & 0x0f : b & 0x07;
            boolean ok = len > 0 && p + len <= end;
            for (int k = 1; ok && k < len; k++) {
                int c = bytes[base + p + k] & 0xff;
                ok = (c & 0xc0) == 0x80;
                cp = (cp << 6) | (c & 0x3f);
            }
            ok = ok && !(len == 3 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff))) && !(len == 4 && (cp < 0x10000 || cp > 0x10ffff));
            if (!ok) {
                if (options.checkUtf8()) {
                    throw new ExecError(BAD_UTF8);
                }
                // U skips the check; PCRE's behaviour is undefined there, so read the byte as U+FFFD.
                cp = 0xfffd;
                len = 1;
            }
            map[n] = p;
            if (Character.isSupplementaryCodePoint(cp)) {
                map[n + 1] = p;
                n += 2;
            } else {
                n++;
            }
            sb.appendCodePoint(cp);
            p += len;
        }
        map[n] = length;
        return new Subject(bytes, base, length, sb, map); // read as it is: no copy into a String
    }

    int length() {
        return text.length();
    }

    int byteLength() {
        return byteLength;
    }

    int toByte(int index) {
        return byteAt == null ? index : byteAt[index];
    }

    /** The char index at byte offset {@code off}, or -1 when it falls inside a UTF-8 sequence. */
    int toIndex(int off) {
        if (byteAt == null) {
            return off;
        }
        int lo = 0;
        int hi = text.length();
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            int b = byteAt[mid];
            if (b == off) {
                while (mid > 0 && byteAt[mid - 1] == off) {
                    mid--;
                }
                return mid;
            } else if (b < off) {
                lo = mid + 1;
            } else {
                hi = mid - 1;
            }
        }
        return -1;
    }

    /** The number of bytes of the character at {@code index} (1 in byte mode). */
    int byteWidth(int index) {
        if (byteAt == null) {
            return 1;
        }
        int next = index + (Character.isHighSurrogate(text.charAt(index)) ? 2 : 1);
        return byteAt[next] - byteAt[index];
    }

    /** The char index after the character at {@code index}. */
    int next(int index) {
        return index + (byteAt != null && Character.isHighSurrogate(text.charAt(index)) ? 2 : 1);
    }

    CharSequence budgeted() {
        return new Budgeted(text);
    }

    /** Bytes read as chars 0-255 without copying them into a String. */
    private record Latin1(byte[] b, int off, int len) implements CharSequence {
        @Override
        public int length() {
            return len;
        }

        @Override
        public char charAt(int index) {
            return (char) (b[off + index] & 0xff);
        }

        @Override
        public CharSequence subSequence(int start, int end) {
            return new Latin1(b, off + start, end - start);
        }

        @Override
        public String toString() {
            return new String(b, off, len, StandardCharsets.ISO_8859_1);
        }
    }

    /**
     * The subject as the engine reads it: every read is a step of the matcher's budget meter
     * ({@link Allocation.Steps}), so catastrophic backtracking ends the call as a timeout (the
     * engine runs no Lua instructions the hook could count).
     */
    private static final class Budgeted implements CharSequence {
        private final CharSequence s;
        private final Allocation.Steps steps = new Allocation.Steps();

        Budgeted(CharSequence s) {
            this.s = s;
        }

        @Override
        public int length() {
            return s.length();
        }

        @Override
        public char charAt(int index) {
            steps.step();
            return s.charAt(index);
        }

        @Override
        public CharSequence subSequence(int start, int end) {
            return s.subSequence(start, end);
        }

        @Override
        public String toString() {
            return s.toString();
        }
    }
}
