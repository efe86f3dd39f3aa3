package io.nott.unit.runtime;

import io.nott.unit.model.Phase;
import io.nott.unit.sandbox.LuaNumbers;
import io.nott.unit.sandbox.ReadOnlyTable;
import io.nott.unit.sandbox.UnitAbort;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.luaj.vm2.LuaError;
import org.luaj.vm2.LuaString;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaUserdata;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Varargs;
import org.luaj.vm2.lib.VarArgFunction;

/**
 * OpenResty's {@code ngx} table for one runtime, acting on the {@link CallContext}'s request.
 * Functions check the phase they are called in and name the allowed phases when refused.
 */
final class NgxLib {

    /** {@code ngx.null}: the JSON/Redis null sentinel. */
    static final LuaValue NULL = new LuaUserdata("userdata: NULL");

    private static final LuaString CTX = LuaString.valueOf("ctx");
    private static final LuaString STATUS = LuaString.valueOf("status");

    private final CallContext ctx;
    /**
     * Names seen as Lua strings, decoded and validated once. Keys are usually the same constant
     * LuaString instances of the unit's prototype, so an identity map hits; bounded.
     */
    private final java.util.IdentityHashMap<LuaValue, String> varNames = new java.util.IdentityHashMap<>();
    private final java.util.IdentityHashMap<LuaValue, String> headerNames = new java.util.IdentityHashMap<>();

    NgxLib(CallContext ctx) {
        this.ctx = ctx;
    }

    LuaTable build() {
        LuaTable ngx = new LuaTable();
        constants(ngx);
        ngx.set("null", NULL);
        ngx.set("var", ReadOnlyTable.proxy(ReadOnlyTable.of("__index", fn(this::varGet), "__newindex", fn(this::varSet))));
        ngx.set("header", ReadOnlyTable.proxy(ReadOnlyTable.of("__index", fn(this::headerGet),
                "__newindex", fn(this::headerSet))));
        ngx.set("arg", ReadOnlyTable.proxy(ReadOnlyTable.of("__index", fn(this::argGet), "__newindex", fn(this::argSet))));
        ngx.set("exit", fn(this::exit));
        ngx.set("redirect", fn(this::redirect));
        ngx.set("say", fn(a -> write(a, true)));
        ngx.set("print", fn(a -> write(a, false)));
        ngx.set("flush", fn(a -> LuaValue.ONE));
        ngx.set("eof", fn(a -> LuaValue.ONE));
        ngx.set("log", fn(this::log));
        ngx.set("now", fn(a -> LuaValue.valueOf(ctx.clock.millis() / 1000.0)));
        ngx.set("time", fn(a -> LuaValue.valueOf((double) Math.floorDiv(ctx.clock.millis(), 1000))));
        ngx.set("update_time", fn(a -> LuaValue.NONE));
        ngx.set("today", fn(a -> LuaValue.valueOf(java.time.LocalDate.ofInstant(ctx.clock.instant(),
                java.time.ZoneOffset.UTC).toString())));
        ngx.set("req", ReadOnlyTable.copyOf(req(), null));
        NgxStrings.install(ngx);
        return ngx;
    }

    /** The metatable of {@code ngx} itself: {@code ngx.ctx} and {@code ngx.status} are per request. */
    LuaTable meta() {
        return ReadOnlyTable.of("__index", fn(this::ngxGet), "__newindex", fn(this::ngxSet));
    }

    interface Body {
        Varargs call(Varargs args);
    }

    static VarArgFunction fn(Body body) {
        return new VarArgFunction() {
            @Override
            public Varargs invoke(Varargs args) {
                return body.call(args);
            }
        };
    }

    private static void constants(LuaTable ngx) {
        Object[][] c = {
            {"OK", 0}, {"ERROR", -1}, {"AGAIN", -2}, {"DONE", -4}, {"DECLINED", -5},
            {"STDERR", 0}, {"EMERG", 1}, {"ALERT", 2}, {"CRIT", 3}, {"ERR", 4}, {"WARN", 5}, {"NOTICE", 6},
            {"INFO", 7}, {"DEBUG", 8},
            {"HTTP_CONTINUE", 100}, {"HTTP_SWITCHING_PROTOCOLS", 101}, {"HTTP_OK", 200}, {"HTTP_CREATED", 201},
            {"HTTP_ACCEPTED", 202}, {"HTTP_NO_CONTENT", 204}, {"HTTP_PARTIAL_CONTENT", 206},
            {"HTTP_SPECIAL_RESPONSE", 300}, {"HTTP_MOVED_PERMANENTLY", 301}, {"HTTP_MOVED_TEMPORARILY", 302},
            {"HTTP_SEE_OTHER", 303}, {"HTTP_NOT_MODIFIED", 304}, {"HTTP_TEMPORARY_REDIRECT", 307},
            {"HTTP_PERMANENT_REDIRECT", 308}, {"HTTP_BAD_REQUEST", 400}, {"HTTP_UNAUTHORIZED", 401},
            {"HTTP_PAYMENT_REQUIRED", 402}, {"HTTP_FORBIDDEN", 403}, {"HTTP_NOT_FOUND", 404},
            {"HTTP_NOT_ALLOWED", 405}, {"HTTP_NOT_ACCEPTABLE", 406}, {"HTTP_REQUEST_TIMEOUT", 408},
            {"HTTP_CONFLICT", 409}, {"HTTP_GONE", 410}, {"HTTP_UPGRADE_REQUIRED", 426},
            {"HTTP_TOO_MANY_REQUESTS", 429}, {"HTTP_CLOSE", 444}, {"HTTP_ILLEGAL", 451},
            {"HTTP_INTERNAL_SERVER_ERROR", 500}, {"HTTP_METHOD_NOT_IMPLEMENTED", 501}, {"HTTP_BAD_GATEWAY", 502},
            {"HTTP_SERVICE_UNAVAILABLE", 503}, {"HTTP_GATEWAY_TIMEOUT", 504}, {"HTTP_VERSION_NOT_SUPPORTED", 505},
            {"HTTP_INSUFFICIENT_STORAGE", 507},
        };
        for (Object[] kv : c) {
            ngx.set((String) kv[0], LuaValue.valueOf((Integer) kv[1]));
        }
        for (String m : new String[] {"GET", "HEAD", "PUT", "POST", "DELETE", "OPTIONS", "PATCH", "TRACE"}) {
            ngx.set("HTTP_" + m, LuaValue.valueOf(m));
        }
    }

    // ---- ngx.ctx / ngx.status -------------------------------------------------------------

    private Varargs ngxGet(Varargs a) {
        LuaValue key = a.arg(2);
        if (key.raweq(CTX)) {
            ctx.require(CallContext.ALL, "ngx.ctx");
            return ctx.state.ctx();
        }
        if (key.raweq(STATUS)) {
            ctx.require(CallContext.ALL, "ngx.status");
            int s = ctx.state.responseStatus(ctx.exchange);
            return LuaValue.valueOf(s);
        }
        return LuaValue.NIL;
    }

    private Varargs ngxSet(Varargs a) {
        LuaValue key = a.arg(2);
        LuaValue value = a.arg(3);
        if (key.raweq(CTX)) {
            ctx.require(CallContext.ALL, "ngx.ctx");
            if (!value.istable()) {
                throw new LuaError("ngx.ctx must be set to a table, got " + value.typename());
            }
            ctx.state.setCtx(value);
            return LuaValue.NONE;
        }
        if (key.raweq(STATUS)) {
            if (ctx.phase == Phase.BODY_FILTER || ctx.phase == Phase.LOG) {
                ctx.state.log(ctx.unitId, 4, "attempt to set ngx.status after sending out response headers");
                return LuaValue.NONE;
            }
            ctx.require(CallContext.HEADERS_WRITABLE, "ngx.status");
            int s = value.checkint();
            if (s < 100 || s > 999) {
                throw new LuaError("ngx.status must be an HTTP status from 100 to 999, got " + s);
            }
            ctx.state.setStatus(s);
            return LuaValue.NONE;
        }
        throw new LuaError("attempt to add '" + key.tojstring() + "' to ngx: ngx is read-only");
    }

    // ---- ngx.var ---------------------------------------------------------------------------

    private Varargs varGet(Varargs a) {
        ctx.require(CallContext.ALL, "ngx.var");
        LuaValue key = a.arg(2);
        String name = varNames.get(key);
        if (name == null) {
            name = key.checkjstring();
            if (varNames.size() > 512) {
                varNames.clear();
            }
            varNames.put(key, name);
        }
        String v = NgxVariables.resolve(name, ctx.exchange, ctx.state, ctx.clock);
        return v == null ? LuaValue.NIL : LuaValue.valueOf(v);
    }

    private Varargs varSet(Varargs a) {
        ctx.require(CallContext.ALL, "ngx.var");
        String name = a.arg(2).checkjstring();
        LuaValue value = a.arg(3);
        if (!value.isnil() && !value.isstring()) {
            throw new LuaError("ngx.var." + name + " must be set to a string, number or nil");
        }
        ctx.state.setVariable(name, value.isnil() ? null : LuaNumbers.text(value));
        return LuaValue.NONE;
    }

    // ---- ngx.header ------------------------------------------------------------------------

    static String headerName(LuaValue key) {
        String name = key.checkjstring().replace('_', '-');
        if (name.isEmpty()) {
            throw new LuaError("header name must not be empty");
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c <= ' ' || c >= 127 || "()<>@,;:\\\"/[]?={}".indexOf(c) >= 0) {
                throw new LuaError("invalid header name '" + name + "'");
            }
        }
        return name;
    }

    /** Header values never carry CR or LF: that would let a unit split the response. */
    static String headerValue(String header, LuaValue v) {
        if (!v.isstring()) {
            throw new LuaError("header '" + header + "' value must be a string or number, got " + v.typename());
        }
        String s = LuaNumbers.text(v);
        if (s.indexOf('\r') >= 0 || s.indexOf('\n') >= 0) {
            throw new LuaError("header '" + header + "' value contains CR or LF (response splitting refused)");
        }
        return s;
    }

    static List<String> headerValues(String name, LuaValue value) {
        List<String> values = new ArrayList<>();
        if (value.istable()) {
            LuaTable t = value.checktable();
            int n = t.length();
            for (int i = 1; i <= n; i++) {
                values.add(headerValue(name, t.get(i)));
            }
            if (values.isEmpty()) {
                return values;
            }
        } else if (!value.isnil()) {
            values.add(headerValue(name, value));
        }
        return values;
    }

    private Varargs headerGet(Varargs a) {
        ctx.require(CallContext.ALL, "ngx.header");
        String name = headerName(a.arg(2));
        RequestState.HeaderChange c = ctx.state.headerChange(name);
        if (c != null) {
            if (c.removed()) {
                return LuaValue.NIL;
            }
            if (c.values().size() == 1) {
                return LuaValue.valueOf(c.values().get(0));
            }
            LuaTable t = new LuaTable();
            for (String v : c.values()) {
                t.insert(0, LuaValue.valueOf(v));
            }
            return t;
        }
        String v = ctx.state.responseHeader(ctx.exchange, name);
        return v == null ? LuaValue.NIL : LuaValue.valueOf(v);
    }

    private Varargs headerSet(Varargs a) {
        if (ctx.active() && (ctx.phase == Phase.BODY_FILTER || ctx.phase == Phase.LOG)) {
            // OpenResty logs and ignores this rather than failing the handler; seed code relies on it.
            ctx.state.log(ctx.unitId, 4, "attempt to set ngx.header." + a.arg(2).tojstring()
                    + " after sending out response headers (only in rewrite, access, content, header_filter)");
            return LuaValue.NONE;
        }
        ctx.require(CallContext.HEADERS_WRITABLE, "ngx.header");
        LuaValue key = a.arg(2);
        String name = headerNames.get(key);
        if (name == null) {
            name = headerName(key);
            if (headerNames.size() > 512) {
                headerNames.clear();
            }
            headerNames.put(key, name);
        }
        ctx.state.changeHeader(name, headerValues(name, a.arg(3)));
        return LuaValue.NONE;
    }

    // ---- ngx.arg (body_filter) -------------------------------------------------------------

    private Varargs argGet(Varargs a) {
        ctx.require(CallContext.BODY_FILTER, "ngx.arg");
        int i = a.arg(2).checkint();
        return i == 1 ? ctx.chunk : i == 2 ? LuaValue.valueOf(ctx.eof) : LuaValue.NIL;
    }

    private Varargs argSet(Varargs a) {
        ctx.require(CallContext.BODY_FILTER, "ngx.arg");
        int i = a.arg(2).checkint();
        LuaValue v = a.arg(3);
        if (i == 1) {
            if (v.isnil()) {
                ctx.chunk = LuaValue.valueOf("");
            } else if (v.isstring()) {
                ctx.chunk = v instanceof LuaString ? v : LuaValue.valueOf(LuaNumbers.text(v));
            } else if (v.istable()) {
                ctx.chunk = LuaString.valueUsing(latin1(concatTable(v.checktable())));
            } else {
                throw new LuaError("ngx.arg[1] must be a string, got " + v.typename());
            }
        } else if (i == 2) {
            ctx.eof = v.toboolean();
        } else {
            throw new LuaError("ngx.arg has only [1] (chunk) and [2] (eof)");
        }
        return LuaValue.NONE;
    }

    // ---- exit / redirect -------------------------------------------------------------------

    private Varargs exit(Varargs a) {
        ctx.require(CallContext.HEADERS_WRITABLE, "ngx.exit");
        int status = a.checkint(1);
        if (!(status == 0 || status == -1 || status == -4 || status == -5 || (status >= 100 && status <= 999))) {
            throw new LuaError("bad argument #1 to 'ngx.exit': status " + status
                    + " (use ngx.OK, ngx.ERROR or an HTTP status)");
        }
        throw new UnitAbort.Exit(status);
    }

    private Varargs redirect(Varargs a) {
        ctx.require(CallContext.REQUEST, "ngx.redirect");
        String uri = headerValue("Location", a.arg(1));
        int status = a.optint(2, 302);
        if (status != 301 && status != 302 && status != 303 && status != 307 && status != 308) {
            throw new LuaError("ngx.redirect: status must be 301, 302, 303, 307 or 308, got " + status);
        }
        ctx.state.changeHeader("Location", List.of(uri));
        throw new UnitAbort.Exit(status);
    }

    // ---- say / print / log -----------------------------------------------------------------

    private Varargs write(Varargs a, boolean newline) {
        ctx.require(CallContext.REQUEST, newline ? "ngx.say" : "ngx.print");
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(64);
        for (int i = 1; i <= a.narg(); i++) {
            appendOutput(out, a.arg(i), 0);
        }
        if (newline) {
            out.write('\n');
        }
        if ((long) ctx.state.bodySize() + out.size() > ctx.settings.maxBodyBytes()) {
            throw new UnitAbort.ResourceLimitExceeded("response body larger than " + ctx.settings.maxBodyBytes() + " bytes");
        }
        io.nott.unit.sandbox.BudgetHook hook = io.nott.unit.sandbox.BudgetHook.current();
        if (hook != null && out.size() > 65536) {
            hook.chargeBytes(out.size(), "ngx.say");
        }
        byte[] bytes = out.toByteArray();
        ctx.state.appendBody(bytes, 0, bytes.length);
        return LuaValue.ONE;
    }

    private void appendOutput(java.io.ByteArrayOutputStream out, LuaValue v, int depth) {
        if (v instanceof LuaString s) {
            out.write(s.m_bytes, s.m_offset, s.m_length);
        } else if (v.istable()) {
            if (depth > 16) {
                throw new LuaError("ngx.say: table nested too deep");
            }
            LuaTable t = v.checktable();
            int n = t.length();
            for (int i = 1; i <= n; i++) {
                appendOutput(out, t.get(i), depth + 1);
            }
        } else if (v == NULL) {
            out.writeBytes(NULL_BYTES);
        } else if (v.isnil() || v.isboolean()) {
            out.writeBytes((v.isnil() ? "nil" : v.toboolean() ? "true" : "false").getBytes(StandardCharsets.US_ASCII));
        } else if (v.isnumber()) {
            out.writeBytes(LuaNumbers.text(v).getBytes(StandardCharsets.US_ASCII));
        } else {
            throw new LuaError("ngx.say/print: cannot output a " + v.typename() + " value");
        }
    }

    private static final byte[] NULL_BYTES = "null".getBytes(StandardCharsets.US_ASCII);

    private Varargs log(Varargs a) {
        ctx.require(CallContext.ALL, "ngx.log");
        int level = a.checkint(1);
        if (level < 0 || level > 8) {
            throw new LuaError("bad log level " + level + " (use ngx.ERR, ngx.WARN, ngx.INFO, ...)");
        }
        StringBuilder sb = new StringBuilder();
        for (int i = 2; i <= a.narg() && sb.length() <= RequestState.MAX_LOG_LINE_CHARS; i++) {
            LuaValue v = a.arg(i);
            if (v.isstring()) {
                sb.append(LuaNumbers.text(v));
            } else if (v.isnil() || v.isboolean()) {
                sb.append(v.isnil() ? "nil" : v.toboolean() ? "true" : "false");
            } else if (v == NULL) {
                sb.append("null");
            } else {
                throw new LuaError("bad argument #" + i + " to 'log' (string, number, boolean or nil expected, got "
                        + v.typename() + ")");
            }
        }
        ctx.state.log(ctx.unitId, level, sb.toString());
        return LuaValue.NONE;
    }

    /** {@code print(...)} goes to the request log at NOTICE, tab-separated, as in OpenResty. */
    VarArgFunction print() {
        return fn(a -> {
            if (!ctx.active()) {
                return LuaValue.NONE;
            }
            StringBuilder sb = new StringBuilder();
            for (int i = 1; i <= a.narg(); i++) {
                if (i > 1) {
                    sb.append('\t');
                }
                LuaValue v = a.arg(i);
                sb.append(v.isstring() ? LuaNumbers.text(v) : v.tojstring());
            }
            ctx.state.log(ctx.unitId, 6, sb.toString());
            return LuaValue.NONE;
        });
    }

    // ---- ngx.req ---------------------------------------------------------------------------

    private LuaTable req() {
        LuaTable req = new LuaTable();
        req.set("get_method", fn(a -> {
            ctx.require(CallContext.ALL, "ngx.req.get_method");
            return LuaValue.valueOf(ctx.exchange.method());
        }));
        req.set("get_headers", fn(this::getHeaders));
        req.set("set_header", fn(a -> {
            ctx.require(CallContext.BEFORE_UPSTREAM, "ngx.req.set_header");
            String name = headerName(a.arg(1));
            List<String> values = headerValues(name, a.arg(2));
            if (values.isEmpty()) {
                ctx.exchange.clearRequestHeader(name);
            } else {
                ctx.exchange.setRequestHeader(name, values);
            }
            return LuaValue.NONE;
        }));
        req.set("clear_header", fn(a -> {
            ctx.require(CallContext.BEFORE_UPSTREAM, "ngx.req.clear_header");
            ctx.exchange.clearRequestHeader(headerName(a.arg(1)));
            return LuaValue.NONE;
        }));
        req.set("get_uri_args", fn(a -> {
            ctx.require(CallContext.ALL, "ngx.req.get_uri_args");
            // $args as it stands now: ngx.var.args and ngx.req.set_uri_args assignments included
            return NgxStrings.decodeArgs(NgxVariables.resolve("args", ctx.exchange, ctx.state, ctx.clock), a.optint(1, 100));
        }));
        req.set("set_uri_args", fn(a -> {
            ctx.require(CallContext.ALL, "ngx.req.set_uri_args");
            ctx.state.setVariable("args", NgxStrings.uriArgs(a.arg1()));
            return LuaValue.NONE;
        }));
        return req;
    }

    private static final LuaTable HEADERS_META = ReadOnlyTable.of("__index", fn(a -> {
        LuaTable t = a.checktable(1);
        LuaValue k = a.arg(2);
        if (!k.isstring()) {
            return LuaValue.NIL;
        }
        String norm = k.tojstring().toLowerCase(Locale.ROOT).replace('_', '-');
        return t.rawget(norm);
    }));

    private Varargs getHeaders(Varargs a) {
        ctx.require(CallContext.ALL, "ngx.req.get_headers");
        int max = a.optint(1, 100);
        boolean raw = a.optboolean(2, false);
        LuaTable t = new LuaTable();
        int n = 0;
        for (Map.Entry<String, String> e : ctx.exchange.requestHeaders()) {
            if (max > 0 && n++ >= max) {
                break;
            }
            LuaValue key = LuaValue.valueOf(raw ? e.getKey() : e.getKey().toLowerCase(Locale.ROOT));
            LuaValue value = LuaValue.valueOf(e.getValue());
            NgxStrings.addRepeatable(t, key, value);
        }
        if (!raw) {
            t.setmetatable(HEADERS_META);
        }
        return t;
    }

    // ---- helpers ---------------------------------------------------------------------------

    private static String concatTable(LuaTable t) {
        StringBuilder sb = new StringBuilder();
        for (int i = 1; i <= t.length(); i++) {
            LuaValue v = t.get(i);
            if (!v.isstring()) {
                throw new LuaError("ngx.arg[1] table must hold strings");
            }
            latin1Append(sb, v);
        }
        return sb.toString();
    }

    /** Lua strings are bytes: carry them through Java strings one char per byte. */
    static void latin1Append(StringBuilder sb, LuaValue v) {
        if (v instanceof LuaString s) {
            for (int i = 0; i < s.m_length; i++) {
                sb.append((char) (s.m_bytes[s.m_offset + i] & 0xff));
            }
        } else {
            sb.append(LuaNumbers.text(v));
        }
    }

    static byte[] latin1(CharSequence sb) {
        return sb.toString().getBytes(StandardCharsets.ISO_8859_1);
    }
}
