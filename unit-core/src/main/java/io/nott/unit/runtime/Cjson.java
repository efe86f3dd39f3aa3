package io.nott.unit.runtime;

import io.nott.unit.sandbox.Allocation;
import io.nott.unit.sandbox.BudgetHook;
import io.nott.unit.sandbox.LuaNumbers;
import io.nott.unit.sandbox.ReadOnlyTable;
import org.luaj.vm2.LuaError;
import org.luaj.vm2.LuaInteger;
import org.luaj.vm2.LuaString;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaUserdata;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Varargs;
import org.luaj.vm2.lib.VarArgFunction;

/**
 * The {@code cjson} and {@code cjson.safe} modules: lua-cjson 2.1.0 as Debian's {@code lua-cjson}
 * (what nginx + libnginx-mod-http-lua load) behaves, plus the additions of OpenResty's fork
 * ({@code empty_array}, {@code array_mt}, {@code empty_array_mt}, {@code encode_empty_table_as_object},
 * {@code decode_array_with_array_mt}, {@code encode_escape_forward_slash}, precision up to 16).
 * Each instance (module, {@code cjson.new()}) has its own settings, as in lua-cjson. Encoding and
 * decoding charge their output to the call's memory allowance and a step per 16 bytes to its
 * instruction budget, as they go, so a huge document ends the call instead of the node.
 */
final class Cjson {

    /** {@code cjson.empty_array}: encodes as {@code []}. One per JVM, as one per Lua VM in OpenResty. */
    static final LuaValue EMPTY_ARRAY = new LuaUserdata("cjson.empty_array");
    /** {@code cjson.array_mt}: a table with it encodes as an array, whatever its keys. */
    static final LuaTable ARRAY_MT = ReadOnlyTable.copyOf(new LuaTable(), null);
    /** {@code cjson.empty_array_mt}: an empty table with it encodes as {@code []}. */
    static final LuaTable EMPTY_ARRAY_MT = ReadOnlyTable.copyOf(new LuaTable(), null);
    private static final String[] BOOL_OPTIONS = {"off", "on"};
    private static final String[] INVALID_NUMBER_OPTIONS = {"off", "on", "null"};
    private static final int CHARGE_EVERY = 4096;

    // Settings, with lua-cjson's defaults.
    private boolean sparseConvert;
    private int sparseRatio = 2;
    private int sparseSafe = 10;
    private int encodeMaxDepth = 1000;
    private int decodeMaxDepth = 1000;
    private int precision = 14;
    private boolean keepBuffer = true;
    private int encodeInvalidNumbers;
    private boolean decodeInvalidNumbers = true;
    private boolean emptyTableAsObject = true;
    private boolean arrayWithArrayMt;
    private boolean escapeSlash = true;

    private final boolean safe;

    private Cjson(boolean safe) {
        this.safe = safe;
    }

    /** A new module table: {@code require "cjson"} (safe false) or {@code require "cjson.safe"}. */
    static LuaTable module(boolean safe) {
        return new Cjson(safe).table();
    }

    private LuaTable table() {
        LuaTable t = new LuaTable();
        t.set("_NAME", safe ? "cjson.safe" : "cjson");
        t.set("_VERSION", "2.1.0");
        t.set("null", NgxLib.NULL);
        t.set("empty_array", EMPTY_ARRAY);
        t.set("array_mt", ARRAY_MT);
        t.set("empty_array_mt", EMPTY_ARRAY_MT);
        t.set("new", NgxLib.fn(a -> module(safe)));
        t.set("encode", NgxLib.fn(a -> {
            if (a.narg() != 1) {
                LuaValue.argerror(1, "expected 1 argument");
            }
            return guard(() -> new Encoder(this).encode(a.arg1()));
        }));
        t.set("decode", NgxLib.fn(a -> {
            if (a.narg() != 1) {
                LuaValue.argerror(1, "expected 1 argument");
            }
            LuaString s = a.checkstring(1);
            return guard(() -> new Decoder(this, s).decode());
        }));
        t.set("encode_sparse_array", NgxLib.fn(a -> {
            maxArgs(a, 3);
            if (!a.isnil(1)) {
                sparseConvert = bool(a, 1, BOOL_OPTIONS) == 1;
            }
            sparseRatio = integer(a, 2, 0, Integer.MAX_VALUE, sparseRatio);
            sparseSafe = integer(a, 3, 0, Integer.MAX_VALUE, sparseSafe);
            return LuaValue.varargsOf(LuaValue.valueOf(sparseConvert), LuaValue.valueOf(sparseRatio),
                    LuaValue.valueOf(sparseSafe));
        }));
        t.set("encode_max_depth", NgxLib.fn(a -> {
            maxArgs(a, 1);
            encodeMaxDepth = integer(a, 1, 1, Integer.MAX_VALUE, encodeMaxDepth);
            return LuaValue.valueOf(encodeMaxDepth);
        }));
        t.set("decode_max_depth", NgxLib.fn(a -> {
            maxArgs(a, 1);
            decodeMaxDepth = integer(a, 1, 1, Integer.MAX_VALUE, decodeMaxDepth);
            return LuaValue.valueOf(decodeMaxDepth);
        }));
        t.set("encode_number_precision", NgxLib.fn(a -> {
            maxArgs(a, 1);
            precision = integer(a, 1, 1, 16, precision);
            return LuaValue.valueOf(precision);
        }));
        t.set("encode_keep_buffer", NgxLib.fn(a -> {
            maxArgs(a, 1);
            if (!a.isnil(1)) {
                keepBuffer = bool(a, 1, BOOL_OPTIONS) == 1; // no buffer is kept either way: nothing to tune
            }
            return LuaValue.valueOf(keepBuffer);
        }));
        t.set("encode_invalid_numbers", NgxLib.fn(a -> {
            maxArgs(a, 1);
            if (!a.isnil(1)) {
                encodeInvalidNumbers = bool(a, 1, INVALID_NUMBER_OPTIONS);
            }
            return encodeInvalidNumbers == 2 ? LuaValue.valueOf("null") : LuaValue.valueOf(encodeInvalidNumbers == 1);
        }));
        t.set("decode_invalid_numbers", NgxLib.fn(a -> {
            maxArgs(a, 1);
            if (!a.isnil(1)) {
                decodeInvalidNumbers = bool(a, 1, BOOL_OPTIONS) == 1;
            }
            return LuaValue.valueOf(decodeInvalidNumbers);
        }));
        t.set("encode_empty_table_as_object", NgxLib.fn(a -> {
            maxArgs(a, 1);
            if (!a.isnil(1)) {
                emptyTableAsObject = bool(a, 1, BOOL_OPTIONS) == 1;
            }
            return LuaValue.valueOf(emptyTableAsObject);
        }));
        t.set("decode_array_with_array_mt", NgxLib.fn(a -> {
            maxArgs(a, 1);
            if (!a.isnil(1)) {
                arrayWithArrayMt = bool(a, 1, BOOL_OPTIONS) == 1;
            }
            return LuaValue.valueOf(arrayWithArrayMt);
        }));
        t.set("encode_escape_forward_slash", NgxLib.fn(a -> {
            maxArgs(a, 1);
            if (!a.isnil(1)) {
                escapeSlash = bool(a, 1, BOOL_OPTIONS) == 1;
            }
            return LuaValue.valueOf(escapeSlash);
        }));
        return t;
    }

    /** cjson.safe turns an encode/decode error into {@code nil, message}; budget aborts still end the call. */
    private Varargs guard(java.util.function.Supplier<LuaValue> work) {
        if (!safe) {
            return work.get();
        }
        try {
            return work.get();
        } catch (JsonError e) {
            return LuaValue.varargsOf(LuaValue.NIL, LuaValue.valueOf(e.text));
        }
    }

    private static void maxArgs(Varargs a, int max) {
        if (a.narg() > max) {
            LuaValue.argerror(max + 1, "found too many arguments");
        }
    }

    /** lua-cjson's json_enum_option: a boolean or one of the option names; the index of the choice. */
    private static int bool(Varargs a, int i, String[] options) {
        LuaValue v = a.arg(i);
        if (v.isboolean()) {
            return v.toboolean() ? 1 : 0;
        }
        String s = a.checkjstring(i);
        for (int k = 0; k < options.length; k++) {
            if (options[k].equals(s)) {
                return k;
            }
        }
        throw LuaValueError.arg(i, "invalid option '" + s + "'");
    }

    private static int integer(Varargs a, int i, int min, int max, int current) {
        if (a.isnil(i)) {
            return current;
        }
        int v = a.checkint(i);
        if (v < min || v > max) {
            LuaValue.argerror(i, "expected integer between " + min + " and " + max);
        }
        return v;
    }

    /** Raises LuaJ's "bad argument #i: msg", which {@code RuntimeErrors} words as LuaJIT does. */
    private static final class LuaValueError {
        static LuaError arg(int i, String message) {
            return new LuaError("bad argument #" + i + ": " + message);
        }
    }


    /**
     * An encode/decode error: lua-cjson raises it from C, so it has no position prefix. LuaJ would
     * prefix the caller's position to a plain {@link LuaError}; this one keeps its text.
     */
    static final class JsonError extends LuaError {
        final String text;

        JsonError(String text) {
            super(text, 0);
            this.text = text;
        }

        @Override
        public String getMessage() {
            return traceback != null ? traceback : text;
        }
    }

    /** Accounts work against the running call's budget as output or input is processed. */
    private static final class Meter {
        private final BudgetHook hook = BudgetHook.current();
        private long pending;

        void add(long bytes, String what) {
            pending += bytes;
            if (pending >= CHARGE_EVERY) {
                flush(what);
            }
        }

        void flush(String what) {
            if (hook != null && pending > 0) {
                Allocation.memory(pending, what);
                Allocation.work(Allocation.Work.JSON, pending);
            }
            pending = 0;
        }
    }

    /** lua-cjson's json_append_data and friends. */
    private static final class Encoder {
        private final Cjson cfg;
        private final Meter meter = new Meter();
        private byte[] buf = new byte[64];
        private int len;

        Encoder(Cjson cfg) {
            this.cfg = cfg;
        }

        LuaValue encode(LuaValue v) {
            value(v, 0);
            meter.add(len % CHARGE_EVERY, "cjson.encode");
            meter.flush("cjson.encode");
            byte[] out = java.util.Arrays.copyOf(buf, len);
            return LuaString.valueUsing(out);
        }

        private void value(LuaValue v, int depth) {
            switch (v.type()) {
                case LuaValue.TSTRING -> string(v.checkstring());
                case LuaValue.TNUMBER -> number(v);
                case LuaValue.TBOOLEAN -> ascii(v.toboolean() ? "true" : "false");
                case LuaValue.TNIL -> ascii("null");
                case LuaValue.TTABLE -> table(v.checktable(), depth + 1);
                case LuaValue.TUSERDATA, LuaValue.TLIGHTUSERDATA -> {
                    if (v == NgxLib.NULL) {
                        ascii("null");
                    } else if (v == EMPTY_ARRAY) {
                        ascii("[]");
                    } else {
                        throw unsupported(v, "type not supported");
                    }
                }
                default -> throw unsupported(v, "type not supported");
            }
        }

        private static JsonError unsupported(LuaValue v, String reason) {
            return new JsonError("Cannot serialise " + v.typename() + ": " + reason);
        }

        private void table(LuaTable t, int depth) {
            if (depth > cfg.encodeMaxDepth) {
                throw new JsonError("Cannot serialise, excessive nesting (" + depth + ")");
            }
            LuaValue mt = t.getmetatable();
            if (mt != null && mt == ARRAY_MT) {
                array(t, t.rawlen(), depth);
                return;
            }
            int n = arrayLength(t);
            if (n > 0 || n == 0 && !cfg.emptyTableAsObject) {
                array(t, n, depth);
            } else if (n == 0 && mt != null && mt == EMPTY_ARRAY_MT) {
                ascii("[]");
            } else {
                object(t, depth);
            }
        }

        /** The array length when every key is an integer ≥ 1 (holes allowed unless too sparse), else -1. */
        private int arrayLength(LuaTable t) {
            double max = 0;
            int items = 0;
            for (Varargs e = t.next(LuaValue.NIL); !e.arg1().isnil(); e = t.next(e.arg1())) {
                LuaValue k = e.arg1();
                if (k.type() == LuaValue.TNUMBER) {
                    double d = k.todouble();
                    if (d == Math.floor(d) && d >= 1) {
                        max = Math.max(max, d);
                        items++;
                        continue;
                    }
                }
                return -1;
            }
            if (cfg.sparseRatio > 0 && max > (double) items * cfg.sparseRatio && max > cfg.sparseSafe) {
                if (!cfg.sparseConvert) {
                    throw new JsonError("Cannot serialise table: excessively sparse array");
                }
                return -1;
            }
            return (int) max;
        }

        private void array(LuaTable t, int n, int depth) {
            put('[');
            for (int i = 1; i <= n; i++) {
                if (i > 1) {
                    put(',');
                }
                value(t.rawget(i), depth);
            }
            put(']');
        }

        private void object(LuaTable t, int depth) {
            put('{');
            boolean first = true;
            for (Varargs e = t.next(LuaValue.NIL); !e.arg1().isnil(); e = t.next(e.arg1())) {
                if (!first) {
                    put(',');
                }
                first = false;
                LuaValue k = e.arg1();
                if (k.type() == LuaValue.TNUMBER) {
                    put('"');
                    number(k);
                    put('"');
                } else if (k.type() == LuaValue.TSTRING) {
                    string(k.checkstring());
                } else {
                    throw unsupported(k, "table key must be a number or string");
                }
                put(':');
                value(e.arg(2), depth);
            }
            put('}');
        }

        private void number(LuaValue v) {
            if (v instanceof LuaInteger && cfg.precision >= 10) {
                ascii(Integer.toString(v.toint())); // at most 10 digits: %.Ng prints them all
                return;
            }
            double d = v.todouble();
            if (Double.isNaN(d) || Double.isInfinite(d)) {
                switch (cfg.encodeInvalidNumbers) {
                    case 0 -> throw new JsonError("Cannot serialise number: must not be NaN or Inf");
                    case 2 -> {
                        ascii("null");
                        return;
                    }
                    default -> {
                        // Debian's 2.1.0 prints them with %g, as glibc does: nan, inf, -inf.
                    }
                }
            }
            ascii(LuaNumbers.formatG(d, cfg.precision));
        }

        private static final byte[] HEX = "0123456789abcdef".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

        private void string(LuaString s) {
            put('"');
            for (int i = 0; i < s.m_length; i++) {
                int c = s.m_bytes[s.m_offset + i] & 0xff;
                switch (c) {
                    case '"' -> ascii("\\\"");
                    case '\\' -> ascii("\\\\");
                    case '/' -> ascii(cfg.escapeSlash ? "\\/" : "/");
                    case '\b' -> ascii("\\b");
                    case '\t' -> ascii("\\t");
                    case '\n' -> ascii("\\n");
                    case '\f' -> ascii("\\f");
                    case '\r' -> ascii("\\r");
                    default -> {
                        if (c < 0x20 || c == 0x7f) {
                            ascii("\\u00");
                            put(HEX[c >> 4]);
                            put(HEX[c & 15]);
                        } else {
                            put(c);
                        }
                    }
                }
            }
            put('"');
        }

        private void ascii(String s) {
            for (int i = 0; i < s.length(); i++) {
                put(s.charAt(i));
            }
        }

        private void put(int b) {
            if (len == buf.length) {
                buf = java.util.Arrays.copyOf(buf, len * 2);
            }
            buf[len++] = (byte) b;
            if ((len & (CHARGE_EVERY - 1)) == 0) {
                meter.add(CHARGE_EVERY, "cjson.encode");
            }
        }
    }

    /** lua-cjson's tokenizer and recursive parser, with its error texts and positions. */
    private static final class Decoder {
        private static final String[] TOKEN_NAMES = {"T_OBJ_BEGIN", "T_OBJ_END", "T_ARR_BEGIN", "T_ARR_END",
            "T_STRING", "T_NUMBER", "T_BOOLEAN", "T_NULL", "T_COLON", "T_COMMA", "T_END", "T_WHITESPACE",
            "T_ERROR", "T_UNKNOWN"};
        private static final int OBJ_BEGIN = 0;
        private static final int OBJ_END = 1;
        private static final int ARR_BEGIN = 2;
        private static final int ARR_END = 3;
        private static final int STRING = 4;
        private static final int NUMBER = 5;
        private static final int BOOLEAN = 6;
        private static final int NULL = 7;
        private static final int COLON = 8;
        private static final int COMMA = 9;
        private static final int END = 10;
        private static final int ERROR = 12;
        /** Rough heap cost of the Lua values made, charged to the call. */
        private static final int VALUE_COST = 32;
        private static final int TABLE_COST = 96;

        private final Cjson cfg;
        private final byte[] data;
        private final int base;
        private final int length;
        private final Meter meter = new Meter();
        private int ptr;
        private int depth;
        // The current token.
        private int type;
        private int index;
        private LuaValue value;
        private String error;

        Decoder(Cjson cfg, LuaString s) {
            this.cfg = cfg;
            this.data = s.m_bytes;
            this.base = s.m_offset;
            this.length = s.m_length;
        }

        LuaValue decode() {
            if (length >= 2 && (at(0) == 0 || at(1) == 0)) {
                throw new JsonError("JSON parser does not support UTF-16 or UTF-32");
            }
            next();
            LuaValue v = value();
            next();
            if (type != END) {
                fail("the end");
            }
            meter.flush("cjson.decode");
            return v;
        }

        /** The byte at {@code i}, 0 past the end (C's terminating NUL). */
        private int at(int i) {
            return i < length ? data[base + i] & 0xff : 0;
        }

        private void fail(String expected) {
            String found = type == ERROR ? error : TOKEN_NAMES[type];
            throw new JsonError("Expected " + expected + " but found " + found + " at character " + (index + 1));
        }

        private LuaValue value() {
            switch (type) {
                case STRING, NUMBER, BOOLEAN -> {
                    return value;
                }
                case NULL -> {
                    return NgxLib.NULL;
                }
                case OBJ_BEGIN -> {
                    return object();
                }
                case ARR_BEGIN -> {
                    return array();
                }
                default -> {
                    fail("value");
                    return null;
                }
            }
        }

        private void descend() {
            depth++;
            if (depth > cfg.decodeMaxDepth) {
                throw new JsonError("Found too many nested data structures (" + depth + ") at character " + ptr);
            }
            meter.add(TABLE_COST, "cjson.decode");
        }

        private LuaTable object() {
            descend();
            LuaTable t = new LuaTable();
            next();
            if (type == OBJ_END) {
                depth--;
                return t;
            }
            while (true) {
                if (type != STRING) {
                    fail("object key string");
                }
                LuaValue key = value;
                next();
                if (type != COLON) {
                    fail("colon");
                }
                next();
                t.rawset(key, value());
                next();
                if (type == OBJ_END) {
                    depth--;
                    return t;
                }
                if (type != COMMA) {
                    fail("comma or object end");
                }
                next();
            }
        }

        private LuaTable array() {
            descend();
            LuaTable t = new LuaTable();
            if (cfg.arrayWithArrayMt) {
                t.setmetatable(ARRAY_MT);
            }
            next();
            if (type == ARR_END) {
                depth--;
                return t;
            }
            for (int i = 1; ; i++) {
                t.rawset(i, value());
                next();
                if (type == ARR_END) {
                    depth--;
                    return t;
                }
                if (type != COMMA) {
                    fail("comma or array end");
                }
                next();
            }
        }

        private void tokenError(String what) {
            type = ERROR;
            index = ptr;
            error = what;
        }

        private void next() {
            int ch;
            while ((ch = at(ptr)) == ' ' || ch == '\t' || ch == '\n' || ch == '\r') {
                ptr++;
            }
            index = ptr;
            meter.add(VALUE_COST, "cjson.decode");
            switch (ch) {
                case '{' -> single(OBJ_BEGIN);
                case '}' -> single(OBJ_END);
                case '[' -> single(ARR_BEGIN);
                case ']' -> single(ARR_END);
                case ',' -> single(COMMA);
                case ':' -> single(COLON);
                case 0 -> type = END;
                case '"' -> string();
                case 'f', 'i', 'I', 'n', 'N', 't', '+', '-', '0', '1', '2', '3', '4', '5', '6', '7', '8', '9' -> other(ch);
                default -> tokenError("invalid token");
            }
        }

        private void single(int t) {
            type = t;
            ptr++;
        }

        private void other(int ch) {
            if (ch == '-' || ch >= '0' && ch <= '9') {
                if (!cfg.decodeInvalidNumbers && invalidNumber()) {
                    tokenError("invalid number");
                    return;
                }
                number();
            } else if (startsWith("true")) {
                literal(BOOLEAN, LuaValue.TRUE, 4);
            } else if (startsWith("false")) {
                literal(BOOLEAN, LuaValue.FALSE, 5);
            } else if (startsWith("null")) {
                literal(NULL, LuaValue.NIL, 4);
            } else if (cfg.decodeInvalidNumbers && invalidNumber()) {
                number();
            } else {
                tokenError("invalid token");
            }
        }

        private void literal(int t, LuaValue v, int n) {
            type = t;
            value = v;
            ptr += n;
        }

        private boolean startsWith(String s) {
            for (int i = 0; i < s.length(); i++) {
                if (at(ptr + i) != s.charAt(i)) {
                    return false;
                }
            }
            return true;
        }

        private boolean startsWithIgnoreCase(int p, String s) {
            for (int i = 0; i < s.length(); i++) {
                if (Character.toLowerCase(at(p + i)) != s.charAt(i)) {
                    return false;
                }
            }
            return true;
        }

        /** lua-cjson's json_is_invalid_number: valid for strtod but not JSON. */
        private boolean invalidNumber() {
            int p = ptr;
            if (at(p) == '+') {
                return true;
            }
            if (at(p) == '-') {
                p++;
            }
            if (at(p) == '0') {
                int c2 = at(p + 1);
                return (c2 | 0x20) == 'x' || c2 >= '0' && c2 <= '9';
            } else if (at(p) <= '9') {
                return false;
            }
            return startsWithIgnoreCase(p, "inf") || startsWithIgnoreCase(p, "nan");
        }

        /** C's strtod on the longest prefix it accepts; "invalid number" when it accepts none. */
        private void number() {
            int p = ptr;
            boolean negative = false;
            if (at(p) == '+' || at(p) == '-') {
                negative = at(p) == '-';
                p++;
            }
            double d;
            int end;
            if (at(p) == '0' && (at(p + 1) | 0x20) == 'x' && hexDigit(at(p + 2)) >= 0
                    || at(p) == '0' && (at(p + 1) | 0x20) == 'x' && at(p + 2) == '.' && hexDigit(at(p + 3)) >= 0) {
                int q = p + 2;
                double m = 0;
                while (hexDigit(at(q)) >= 0) {
                    m = m * 16 + hexDigit(at(q++));
                }
                int exp = 0;
                if (at(q) == '.') {
                    q++;
                    while (hexDigit(at(q)) >= 0) {
                        m = m * 16 + hexDigit(at(q++));
                        exp -= 4;
                    }
                }
                int e = exponent(q, 'p');
                if (e != q) {
                    exp += Integer.parseInt(ascii(q + 1, e).replace("+", ""));
                    q = e;
                }
                d = m * Math.pow(2, exp);
                end = q;
            } else if (startsWithIgnoreCase(p, "inf")) {
                d = Double.POSITIVE_INFINITY;
                end = startsWithIgnoreCase(p, "infinity") ? p + 8 : p + 3;
            } else if (startsWithIgnoreCase(p, "nan")) {
                d = Double.NaN;
                end = p + 3;
            } else {
                int q = p;
                int digits = 0;
                while (at(q) >= '0' && at(q) <= '9') {
                    q++;
                    digits++;
                }
                if (at(q) == '.') {
                    q++;
                    while (at(q) >= '0' && at(q) <= '9') {
                        q++;
                        digits++;
                    }
                }
                if (digits == 0) {
                    tokenError("invalid number");
                    return;
                }
                q = exponent(q, 'e');
                d = Double.parseDouble(ascii(p, q));
                end = q;
            }
            type = NUMBER;
            value = LuaValue.valueOf(negative ? -d : d);
            ptr = end;
        }

        /** The end of an exponent part (e.g. {@code e+12}) starting at {@code q}; {@code q} when there is none. */
        private int exponent(int q, char letter) {
            if ((at(q) | 0x20) != letter) {
                return q;
            }
            int r = q + 1;
            if (at(r) == '+' || at(r) == '-') {
                r++;
            }
            if (!(at(r) >= '0' && at(r) <= '9')) {
                return q;
            }
            while (at(r) >= '0' && at(r) <= '9') {
                r++;
            }
            return r;
        }

        private String ascii(int from, int to) {
            return new String(data, base + from, to - from, java.nio.charset.StandardCharsets.ISO_8859_1);
        }

        private static int hexDigit(int c) {
            return Character.digit(c, 16);
        }

        private void string() {
            ptr++;
            java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
            int ch;
            while ((ch = at(ptr)) != '"') {
                if (ch == 0) {
                    tokenError("unexpected end of string");
                    return;
                }
                if (ch == '\\') {
                    int esc = at(ptr + 1);
                    switch (esc) {
                        case '"', '\\', '/' -> ch = esc;
                        case 'b' -> ch = '\b';
                        case 't' -> ch = '\t';
                        case 'n' -> ch = '\n';
                        case 'f' -> ch = '\f';
                        case 'r' -> ch = '\r';
                        case 'u' -> {
                            if (!unicode(out)) {
                                tokenError("invalid unicode escape code");
                                return;
                            }
                            continue;
                        }
                        default -> {
                            tokenError("invalid escape code");
                            return;
                        }
                    }
                    ptr++;
                }
                out.write(ch);
                ptr++;
            }
            ptr++;
            type = STRING;
            byte[] bytes = out.toByteArray();
            meter.add(bytes.length, "cjson.decode");
            value = LuaString.valueUsing(bytes);
        }

        private int hex4(int p) {
            int v = 0;
            for (int i = 0; i < 4; i++) {
                int d = hexDigit(at(p + i));
                if (d < 0) {
                    return -1;
                }
                v = v * 16 + d;
            }
            return v;
        }

        /** {@code \\uXXXX} (a surrogate pair as two) at {@code ptr}, appended as UTF-8. */
        private boolean unicode(java.io.ByteArrayOutputStream out) {
            int cp = hex4(ptr + 2);
            int len = 6;
            if (cp < 0 || cp >= 0xDC00 && cp <= 0xDFFF) {
                return false;
            }
            if (cp >= 0xD800 && cp <= 0xDBFF) {
                if (at(ptr + 6) != '\\' || at(ptr + 7) != 'u') {
                    return false;
                }
                int low = hex4(ptr + 8);
                if (low < 0xDC00 || low > 0xDFFF) {
                    return false;
                }
                cp = (((cp & 0x3FF) << 10) | (low & 0x3FF)) + 0x10000;
                len = 12;
            }
            byte[] utf8 = new String(Character.toChars(cp)).getBytes(java.nio.charset.StandardCharsets.UTF_8);
            out.write(utf8, 0, utf8.length);
            ptr += len;
            return true;
        }
    }
}
