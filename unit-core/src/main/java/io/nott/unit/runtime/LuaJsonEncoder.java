package io.nott.unit.runtime;

import io.nott.unit.codec.Json;
import io.nott.unit.sandbox.Allocation;
import io.nott.unit.sandbox.LuaNumbers;
import java.nio.charset.StandardCharsets;
import org.luaj.vm2.LuaError;
import org.luaj.vm2.LuaString;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Varargs;

/**
 * {@code edge_computing.json.encode}: writes a Lua value's JSON text straight into one checked
 * {@link Allocation.Output}, with no Java copy of the value in between (issue #15: converting a
 * 4 MiB string to Java objects before its charge ran ~2 s past a 50 ms budget in a loop).
 *
 * <p>The work is charged in blocks of {@value #BLOCK} bytes of text, each before it is written,
 * so the wall-clock deadline is checked (and a block that would end past it refused) at least
 * once per block: no single call runs long past the budget, whatever it encodes. Strings are
 * copied as bytes; only {@code "}, {@code \} and control characters are escaped, and bytes from
 * 0x80 up pass unchanged, as lua-cjson does (valid UTF-8 stays valid UTF-8).
 */
final class LuaJsonEncoder {

    static final int BLOCK = 64 * 1024;
    private static final int MAX_DEPTH = 64;
    /** What visiting one table entry costs besides its text (the key-count pass), in bytes of work. */
    private static final int ENTRY_WORK = 8;
    private static final byte[] HEX = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);

    private final Allocation.Output out = Allocation.output("json.encode");
    /** Bytes of work charged so far; the text may grow to this before the next block is charged. */
    private long charged;
    /** Work that is not text (table entries visited), counted towards the next block. */
    private long extraWork;
    /** The values' text measured so far (not the punctuation): past the string limit, the encoding is refused early. */
    private long measured;
    /** The size of the whole text, once measured (0 while measuring: charges are then exact). */
    private long total;

    private LuaJsonEncoder() {
    }

    /**
     * Measures the text first (a read-only walk, charged as a copy of what it reads and checking
     * the deadline as it goes), refuses it past the string limit before any work is charged for
     * it, then writes it into a buffer of exactly that size.
     */
    static LuaString encode(LuaValue v) {
        LuaJsonEncoder e = new LuaJsonEncoder();
        e.total = e.measure(v, 0);
        e.out.reserve(e.total);
        e.value(v, 0);
        return e.out.toLuaString();
    }

    /** The size of {@code v}'s text; the same errors as {@link #value} for what cannot be encoded. */
    private long measure(LuaValue v, int depth) {
        if (depth > MAX_DEPTH) {
            throw new LuaError("json.encode: table nested deeper than " + MAX_DEPTH + " (cycle?)");
        }
        long size;
        if (v.isnil() || v == NgxLib.NULL) {
            size = 4;
        } else if (v.isboolean()) {
            size = 5;
        } else if (v.type() == LuaValue.TNUMBER) {
            size = number(v).length();
        } else if (v.isstring()) {
            size = measureString(v);
        } else if (v.istable()) {
            return measureTable(v.checktable(), depth); // its values are counted in measured as they are met
        } else {
            throw new LuaError("json.encode: cannot encode a " + v.typename() + " value");
        }
        measured += size;
        if (measured > Allocation.maxStringBytes()) {
            Allocation.string(measured, "json.encode");
        }
        return size;
    }

    private long measureTable(LuaTable t, int depth) {
        long size = 2;
        long n = arrayLength(t);
        if (n > 0) {
            for (int i = 1; i <= n; i++) {
                size += measure(t.get(i), depth + 1) + 1;
            }
            return size - 1;
        }
        for (Varargs e = t.next(LuaValue.NIL); !e.arg1().isnil(); e = t.next(e.arg1())) {
            size += measureString(key(e.arg1())) + 1 + measure(e.arg(2), depth + 1) + 1;
        }
        return size > 2 ? size - 1 : size;
    }

    /** The quoted size of a string, read in blocks: each charged as a copy, the deadline checked. */
    private static long measureString(LuaValue v) {
        LuaString s = text(v);
        byte[] b = s.m_bytes;
        int end = s.m_offset + s.m_length;
        long size = s.m_length + 2L;
        for (int i = s.m_offset; i < end; ) {
            int blockEnd = (int) Math.min(end, i + (long) BLOCK);
            Allocation.work(Allocation.Work.COPY, blockEnd - i);
            for (; i < blockEnd; i++) {
                int c = b[i] & 0xff;
                if (c < 0x20) {
                    size += c == '\n' || c == '\r' || c == '\t' || c == '\b' || c == '\f' ? 1 : 5;
                } else if (c == '"' || c == '\\') {
                    size++;
                }
            }
        }
        return size;
    }

    /** n when the table is a sequence 1..n (written as an array), else 0 (an object). */
    private long arrayLength(LuaTable t) {
        int n = t.length();
        long keys = 0;
        for (Varargs e = t.next(LuaValue.NIL); !e.arg1().isnil(); e = t.next(e.arg1())) {
            keys++;
            extraWork += ENTRY_WORK;
            if ((keys & 1023) == 0) {
                charge(out.size());
            }
        }
        return n > 0 && keys == n ? n : 0;
    }

    private static LuaValue key(LuaValue k) {
        if (!k.isstring()) {
            throw new LuaError("json.encode: cannot encode a table with " + k.typename() + " keys");
        }
        return k;
    }

    /** Json's number text: integers without a fraction; NaN and infinities refused. */
    private static String number(LuaValue v) {
        return Json.write(v.isint() ? (Object) (long) v.toint() : (Object) v.todouble());
    }

    private static LuaString text(LuaValue v) {
        return v instanceof LuaString ls ? ls : LuaString.valueOf(LuaNumbers.text(v));
    }

    /**
     * Charges the work before the text reaches {@code upTo} bytes: a block at a time, never more
     * than the measured text still needs (a small encoding is a small charge, never refused as
     * if it were a block).
     */
    private void charge(long upTo) {
        long need = upTo + extraWork - charged;
        if (need <= 0) {
            return;
        }
        long n = Math.max(need, Math.min(BLOCK, total + extraWork - charged));
        Allocation.work(Allocation.Work.JSON, n);
        charged += n;
    }

    private void ascii(String s) {
        charge(out.size() + (long) s.length());
        out.writeLatin1(s);
    }

    private void value(LuaValue v, int depth) {
        if (depth > MAX_DEPTH) {
            throw new LuaError("json.encode: table nested deeper than " + MAX_DEPTH + " (cycle?)");
        }
        if (v.isnil() || v == NgxLib.NULL) {
            ascii("null");
        } else if (v.isboolean()) {
            ascii(v.toboolean() ? "true" : "false");
        } else if (v.type() == LuaValue.TNUMBER) {
            ascii(number(v));
        } else if (v.isstring()) {
            string(v);
        } else if (v.istable()) {
            table(v.checktable(), depth);
        } else {
            throw new LuaError("json.encode: cannot encode a " + v.typename() + " value");
        }
    }

    private void table(LuaTable t, int depth) {
        long n = arrayLength(t);
        if (n > 0) {
            ascii("[");
            for (int i = 1; i <= n; i++) {
                if (i > 1) {
                    ascii(",");
                }
                value(t.get(i), depth + 1);
            }
            ascii("]");
            return;
        }
        ascii("{");
        boolean first = true;
        for (Varargs e = t.next(LuaValue.NIL); !e.arg1().isnil(); e = t.next(e.arg1())) {
            if (!first) {
                ascii(",");
            }
            first = false;
            string(key(e.arg1()));
            ascii(":");
            value(e.arg(2), depth + 1);
        }
        ascii("}");
    }

    /** A quoted string (a number key as LuaJIT prints it), escaped block by block. */
    private void string(LuaValue v) {
        LuaString s = text(v);
        byte[] b = s.m_bytes;
        int end = s.m_offset + s.m_length;
        ascii("\"");
        int i = s.m_offset;
        while (i < end) {
            int blockEnd = (int) Math.min(end, i + (long) BLOCK);
            charge(out.size() + (blockEnd - i));
            int run = i;
            for (; i < blockEnd; i++) {
                int c = b[i] & 0xff;
                if (c >= 0x20 && c != '"' && c != '\\') {
                    continue;
                }
                out.write(b, run, i - run);
                escape(c);
                run = i + 1;
            }
            out.write(b, run, i - run);
        }
        ascii("\"");
    }

    private void escape(int c) {
        switch (c) {
            case '"' -> out.write('\\').write('"');
            case '\\' -> out.write('\\').write('\\');
            case '\n' -> out.write('\\').write('n');
            case '\r' -> out.write('\\').write('r');
            case '\t' -> out.write('\\').write('t');
            case '\b' -> out.write('\\').write('b');
            case '\f' -> out.write('\\').write('f');
            default -> out.write('\\').write('u').write('0').write('0').write(HEX[c >> 4]).write(HEX[c & 0xf]);
        }
    }
}
