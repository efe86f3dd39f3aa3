package io.nott.unit.runtime;

import io.nott.unit.model.Phase;
import io.nott.unit.sandbox.Allocation;
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
    private static final LuaString HEADERS_SENT = LuaString.valueOf("headers_sent");

    private final CallContext bound;

    /**
     * The context of the call running on this thread: a closure made in one runtime may run on
     * another thread (a timer callback, a closure kept in ngx.ctx for a later phase), and must act
     * on that thread's call, not on whatever its own runtime is doing meanwhile.
     */
    private CallContext ctx() {
        return CallContext.currentOr(bound);
    }
    /**
     * Names seen as Lua strings, decoded and validated once. Keys are usually the same constant
     * LuaString instances of the unit's prototype, so an identity map hits; bounded.
     */
    private final java.util.IdentityHashMap<LuaValue, String> varNames = new java.util.IdentityHashMap<>();
    /** Header names as {@code {name, lower-case key}}: the key of {@link RequestState}'s changes, computed once. */
    private final java.util.IdentityHashMap<LuaValue, String[]> headerNames = new java.util.IdentityHashMap<>();
    /** Variable values and header values this runtime made recently. */
    private final RecentStrings strings = new RecentStrings();

    NgxLib(CallContext ctx) {
        this.bound = ctx;
    }

    LuaTable build() {
        LuaTable ngx = new LuaTable();
        constants(ngx);
        ngx.set("null", NULL);
        ngx.set("var", ReadOnlyTable.proxy(ReadOnlyTable.of("__index", index(this::varGet),
                "__newindex", newIndex(this::varSet))));
        ngx.set("header", ReadOnlyTable.proxy(ReadOnlyTable.of("__index", index(this::headerGet),
                "__newindex", newIndex(this::headerSet))));
        ngx.set("arg", ReadOnlyTable.proxy(ReadOnlyTable.of("__index", fn(this::argGet), "__newindex", fn(this::argSet))));
        ngx.set("exit", fn(this::exit));
        ngx.set("redirect", fn(this::redirect));
        ngx.set("say", fn(a -> write(a, true)));
        ngx.set("print", fn(a -> write(a, false)));
        ngx.set("flush", fn(a -> {
            ctx().require(CallContext.REQUEST, "ngx.flush");
            // The edge buffers a unit's answer and sends it when the phase ends, so there is nothing
            // to wait for; as in nginx, a flush before any output does not send the headers.
            return LuaValue.ONE;
        }));
        ngx.set("send_headers", fn(a -> {
            ctx().require(CallContext.REQUEST, "ngx.send_headers");
            sendHeaders();
            return LuaValue.ONE;
        }));
        ngx.set("sleep", fn(this::sleep));
        ngx.set("eof", fn(a -> {
            ctx().require(CallContext.REQUEST, "ngx.eof");
            if (!ctx().state.bodyWritten()) {
                ctx().state.appendBody(new byte[0], 0, 0);
            }
            ctx().state.markEof();
            return LuaValue.ONE;
        }));
        ngx.set("log", fn(this::log));
        ngx.set("get_phase", fn(a -> LuaValue.valueOf(ctx().timer ? "timer" : ctx().phase.luaName())));
        ngx.set("now", fn(a -> LuaValue.valueOf(ctx().clock.millis() / 1000.0)));
        ngx.set("time", fn(a -> LuaValue.valueOf((double) Math.floorDiv(ctx().clock.millis(), 1000))));
        ngx.set("update_time", fn(a -> LuaValue.NONE));
        ngx.set("today", fn(a -> LuaValue.valueOf(java.time.LocalDate.ofInstant(ctx().clock.instant(),
                java.time.ZoneOffset.UTC).toString())));
        NgxInfo info = new NgxInfo(bound);
        info.install(ngx);
        LuaTable req = req();
        req.set("raw_header", fn(info::rawHeader));
        new NgxRequestBody(bound).install(req);
        ngx.set("req", ReadOnlyTable.copyOf(req, null));
        ngx.set("balancer", ReadOnlyTable.copyOf(new NgxBalancer(bound).build(), null));
        LuaTable resp = new LuaTable();
        resp.set("get_headers", fn(this::getResponseHeaders));
        ngx.set("resp", ReadOnlyTable.copyOf(resp, null));
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

    /**
     * An {@code __index} handler. LuaJ calls a metamethod as {@code call(table, key)}; a plain
     * {@link VarArgFunction} packs that pair into a {@code Varargs} on every {@code ngx.var.x} or
     * {@code ngx.header.x} read, which this one does not (every unit call reads some).
     */
    static VarArgFunction index(java.util.function.UnaryOperator<LuaValue> get) {
        return new VarArgFunction() {
            @Override
            public LuaValue call(LuaValue table, LuaValue key) {
                return get.apply(key);
            }

            @Override
            public Varargs invoke(Varargs args) {
                return get.apply(args.arg(2));
            }
        };
    }

    /** A {@code __newindex} handler, called as {@code call(table, key, value)} without packing its arguments (see {@link #index}). */
    static VarArgFunction newIndex(java.util.function.BiConsumer<LuaValue, LuaValue> set) {
        return new VarArgFunction() {
            @Override
            public LuaValue call(LuaValue table, LuaValue key, LuaValue value) {
                set.accept(key, value);
                return NONE;
            }

            @Override
            public Varargs invoke(Varargs args) {
                set.accept(args.arg(2), args.arg(3));
                return NONE;
            }
        };
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
        // nginx's NGX_HTTP_<METHOD> bit values, as lua-nginx-module exposes them (numbers, not names).
        String[] methods = {"GET", "HEAD", "POST", "PUT", "DELETE", "MKCOL", "COPY", "MOVE", "OPTIONS", "PROPFIND",
            "PROPPATCH", "LOCK", "UNLOCK", "PATCH", "TRACE"};
        for (int i = 0; i < methods.length; i++) {
            ngx.set("HTTP_" + methods[i], LuaValue.valueOf(2 << i));
        }
    }

    // ---- ngx.ctx / ngx.status -------------------------------------------------------------

    private Varargs ngxGet(Varargs a) {
        LuaValue key = a.arg(2);
        if (key.raweq(CTX)) {
            ctx().require(CallContext.ALL_AND_TIMERS, "ngx.ctx");
            return ctx().state.ctx();
        }
        if (key.raweq(HEADERS_SENT)) {
            ctx().require(CallContext.ALL, "ngx.headers_sent");
            // header_filter runs while nginx sends them: not sent yet; body_filter and log: sent.
            return LuaValue.valueOf(ctx().phase == Phase.BODY_FILTER || ctx().phase == Phase.LOG || headersSent());
        }
        if (key.raweq(STATUS)) {
            ctx().require(CallContext.ALL, "ngx.status");
            int s = ctx().state.responseStatus(ctx().exchange);
            return LuaValue.valueOf(s);
        }
        return LuaValue.NIL;
    }

    private Varargs ngxSet(Varargs a) {
        LuaValue key = a.arg(2);
        LuaValue value = a.arg(3);
        if (key.raweq(CTX)) {
            ctx().require(CallContext.ALL_AND_TIMERS, "ngx.ctx");
            if (!value.istable()) {
                throw new LuaError("ngx.ctx must be set to a table, got " + value.typename());
            }
            ctx().state.setCtx(value);
            return LuaValue.NONE;
        }
        if (key.raweq(STATUS)) {
            if (ctx().phase == Phase.BODY_FILTER || ctx().phase == Phase.LOG || headersSent()) {
                ctx().state.log(ctx().unitId, 4, "attempt to set ngx.status after sending out response headers");
                return LuaValue.NONE;
            }
            ctx().require(CallContext.HEADERS_WRITABLE, "ngx.status");
            if (!value.isnumber()) {
                throw new LuaError("bad argument #2 to 'ngx.status' (number expected, got " + value.typename() + ")");
            }
            int s = value.toint();
            if (s < 100 || s > 999) {
                throw new LuaError("ngx.status must be an HTTP status from 100 to 999, got " + s);
            }
            ctx().state.setStatus(s);
            return LuaValue.NONE;
        }
        throw new LuaError("attempt to add '" + key.tojstring() + "' to ngx: ngx is read-only");
    }

    // ---- ngx.var ---------------------------------------------------------------------------

    private LuaValue varGet(LuaValue key) {
        CallContext c = ctx();
        c.require(CallContext.ALL, "ngx.var");
        String name = varNames.get(key);
        if (name == null) {
            name = key.checkjstring();
            if (varNames.size() > 512) {
                varNames.clear();
            }
            varNames.put(key, name);
        }
        if (name.equals("binary_remote_addr")) {
            // raw address bytes (held as ISO-8859-1 chars): LuaValue.valueOf(String) would UTF-8 encode them
            String v = NgxVariables.resolve(name, c.exchange, c.state, c.clock);
            return v == null ? LuaValue.NIL : LuaString.valueUsing(v.getBytes(StandardCharsets.ISO_8859_1));
        }
        return NgxVariables.resolveLua(name, c.exchange, c.state, c.clock, strings);
    }

    private void varSet(LuaValue key, LuaValue value) {
        ctx().require(CallContext.ALL, "ngx.var");
        String name = key.checkjstring();
        NgxVariables.checkWritable(name);
        if (!value.isnil() && !value.isstring()) {
            throw new LuaError("ngx.var." + name + " must be set to a string, number or nil");
        }
        String text = value.isnil() ? null : LuaNumbers.text(value);
        if (NgxVariables.STEERING.contains(name)) {
            // Read by the host once the request phases are done: later assignments would change nothing.
            ctx().require(CallContext.REQUEST, "ngx.var." + name);
            if (name.equals("upstream") && text != null) {
                String problem = ctx().exchange.upstreamProblem(text);
                if (problem != null) {
                    throw new LuaError(problem);
                }
            }
        }
        ctx().state.setVariable(name, text);
    }

    // ---- ngx.header ------------------------------------------------------------------------

    /**
     * A header name as nginx sends it: underscores become hyphens, and bytes that cannot stand in
     * a name (controls, space, separators, non-ASCII) are escaped as {@code %XX}, as
     * lua-nginx-module does, so that CR/LF can never split the response.
     */
    static String headerName(LuaValue key) {
        String raw = latin1String(key.checkstring()).replace('_', '-');
        if (raw.isEmpty()) {
            throw new LuaError("header name must not be empty");
        }
        StringBuilder name = null;
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            boolean escape = c <= ' ' || c >= 127 || "\"(),/:;<=>?@[\\]{}".indexOf(c) >= 0;
            if (escape && name == null) {
                name = new StringBuilder(raw.length() + 8).append(raw, 0, i);
            }
            if (name != null) {
                if (escape) {
                    name.append('%').append(HEX[c >> 4 & 0xf]).append(HEX[c & 0xf]);
                } else {
                    name.append(c);
                }
            }
        }
        return name == null ? raw : name.toString();
    }

    private static final char[] HEX = "0123456789ABCDEF".toCharArray();

    /**
     * A header value as nginx sends it: a string, number or boolean; control bytes but TAB (CR
     * and LF above all: response splitting) are escaped as {@code %XX}; other bytes pass
     * unchanged (carried one char per byte, so UTF-8 reaches the client as it was written).
     */
    static String headerValue(String header, LuaValue v) {
        String raw;
        if (v.isboolean()) {
            raw = v.toboolean() ? "true" : "false";
        } else if (v.isstring()) {
            raw = v instanceof LuaString s ? latin1String(s) : LuaNumbers.text(v);
        } else {
            throw new LuaError("bad argument #3 to '__newindex' (string, number or boolean expected, got "
                    + v.typename() + " for header '" + header + "')");
        }
        StringBuilder out = null;
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            boolean escape = c < ' ' && c != '\t' || c == 127;
            if (escape && out == null) {
                out = new StringBuilder(raw.length() + 8).append(raw, 0, i);
            }
            if (out != null) {
                if (escape) {
                    out.append('%').append(HEX[c >> 4 & 0xf]).append(HEX[c & 0xf]);
                } else {
                    out.append(c);
                }
            }
        }
        return out == null ? raw : out.toString();
    }

    private static String latin1String(LuaString s) {
        return new String(s.m_bytes, s.m_offset, s.m_length, StandardCharsets.ISO_8859_1);
    }

    /** The values to set, as an unmodifiable list (kept as is by {@link RequestState#changeHeader}: no copy). */
    static List<String> headerValues(String name, LuaValue value) {
        if (value.istable()) {
            LuaTable t = value.checktable();
            int n = t.length();
            if (n == 1) {
                return List.of(headerValue(name, t.get(1)));
            }
            List<String> values = new ArrayList<>(n);
            for (int i = 1; i <= n; i++) {
                values.add(headerValue(name, t.get(i)));
            }
            return List.copyOf(values);
        } else if (!value.isnil()) {
            String v = headerValue(name, value);
            return v.isEmpty() ? List.of() : List.of(v);
        }
        return List.of();
    }

    /**
     * {@link #headerValues} for a value this runtime set recently: one non-empty string, alone or
     * as a one-element table (both send that one value), looked up in {@link #strings} rather than
     * decoded and checked again.
     */
    private List<String> recentHeaderValues(String name, LuaValue value) {
        LuaValue one = value;
        if (value.istable()) {
            LuaTable t = value.checktable();
            one = t.length() == 1 ? t.get(1) : LuaValue.NIL;
        }
        if (!(one instanceof LuaString s) || s.m_length == 0) {
            return headerValues(name, value);
        }
        List<String> values = strings.headerValue(s);
        if (values == null) {
            values = headerValues(name, value);
            strings.rememberHeaderValue(s, values);
        }
        return values;
    }

    private LuaValue headerGet(LuaValue key) {
        ctx().require(CallContext.ALL, "ngx.header");
        String name = headerName(key);
        RequestState.HeaderChange c = ctx().state.headerChange(name);
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
        String v = ctx().state.responseHeader(ctx().exchange, name);
        return v == null ? LuaValue.NIL : LuaValue.valueOf(v);
    }

    private void headerSet(LuaValue key, LuaValue value) {
        CallContext c = ctx(); // one thread-local read per call, not one per use
        if (c.active() && (c.phase == Phase.BODY_FILTER || c.phase == Phase.LOG)) {
            // OpenResty logs and ignores this rather than failing the handler; seed code relies on it.
            c.state.log(c.unitId, 4, "attempt to set ngx.header." + key.tojstring()
                    + " after sending out response headers (only in rewrite, access, content, header_filter)");
            return;
        }
        c.require(CallContext.HEADERS_WRITABLE, "ngx.header");
        if (CallContext.REQUEST.allows(c.phase) && c.state.bodyWritten()) { // nginx has sent the headers by then
            c.state.log(c.unitId, 4, "attempt to set ngx.header." + key.tojstring()
                    + " after sending out response headers");
            return;
        }
        String[] named = headerNames.get(key);
        if (named == null) {
            String name = headerName(key);
            named = new String[] {name, name.toLowerCase(java.util.Locale.ROOT)};
            if (headerNames.size() > 512) {
                headerNames.clear();
            }
            headerNames.put(key, named);
        }
        String name = named[0];
        List<String> values = recentHeaderValues(name, value);
        if (name.equalsIgnoreCase("Content-Length")) {
            for (String v : values) {
                if (v.isEmpty() || !v.chars().allMatch(ch -> ch >= '0' && ch <= '9') || v.length() > 18) {
                    throw new LuaError("invalid Content-Length header value: \"" + v + "\"");
                }
            }
        }
        c.state.changeHeader(name, named[1], values);
    }

    /** True once a request phase wrote output: nginx has sent the status and headers by then. */
    private boolean headersSent() {
        return CallContext.REQUEST.allows(ctx().phase) && ctx().state.bodyWritten();
    }

    /**
     * {@code ngx.send_headers}/{@code ngx.flush}: the status and headers are out from now on. The
     * edge sends a unit's answer when the phase ends, so this commits the response as output
     * does: an empty body is written, and the request ends with it like after {@code ngx.say}.
     */
    private void sendHeaders() {
        if (!ctx().state.bodyWritten()) {
            ctx().state.appendBody(new byte[0], 0, 0);
        }
        if (ctx().state.status() == 0) {
            ctx().state.setStatus(200); // nginx sends 200 when no status was set, and ngx.status reads it after
        }
    }

    /**
     * {@code ngx.sleep(seconds)}: waits without holding an event loop (the host runs phases whose
     * units may sleep on virtual threads: {@link UnitSnapshot#blocks}). The wait counts against
     * the unit's wall-clock budget; a sleep that would end after the budget ends the call at once
     * as a timeout (waiting for it first would only hold a thread longer). A timer callback may
     * sleep too, as in lua-nginx-module (it yields the timer): it runs on a virtual thread of its
     * own ({@link UnitTimers}), under the budget its unit had.
     */
    private Varargs sleep(Varargs a) {
        ctx().require(CallContext.SLEEP, "ngx.sleep");
        double seconds = a.checkdouble(1);
        long millis = (long) (seconds * 1000);
        if (millis < 0 || Double.isNaN(seconds)) {
            throw new LuaError("invalid sleep duration \"" + millis + "\"");
        }
        io.nott.unit.sandbox.BudgetHook hook = io.nott.unit.sandbox.BudgetHook.current();
        long nanos = millis * 1_000_000L;
        if (hook != null && nanos > hook.remainingNanos()) {
            throw hook.timeout("ngx.sleep(" + LuaNumbers.text(a.arg1()) + ") would end after the unit's wall-clock budget ("
                    + Math.max(0, hook.remainingNanos() / 1_000_000) + " ms left); sleep less or raise the budget");
        }
        try {
            Thread.sleep(java.time.Duration.ofNanos(nanos));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LuaError("ngx.sleep interrupted: the node is shutting down");
        }
        return LuaValue.NONE;
    }

    // ---- ngx.arg (body_filter) -------------------------------------------------------------

    private Varargs argGet(Varargs a) {
        ctx().require(CallContext.BODY_FILTER, "ngx.arg");
        int i = a.arg(2).checkint();
        return i == 1 ? ctx().chunk : i == 2 ? LuaValue.valueOf(ctx().eof) : LuaValue.NIL;
    }

    private Varargs argSet(Varargs a) {
        ctx().require(CallContext.BODY_FILTER, "ngx.arg");
        int i = a.arg(2).checkint();
        LuaValue v = a.arg(3);
        if (i == 1) {
            if (v.isnil()) {
                ctx().chunk = LuaValue.valueOf("");
            } else if (v.isstring()) {
                ctx().chunk = v instanceof LuaString ? v : LuaValue.valueOf(LuaNumbers.text(v));
            } else if (v.istable()) {
                ctx().chunk = LuaString.valueUsing(concatTable(v.checktable()));
            } else {
                throw new LuaError("ngx.arg[1] must be a string, got " + v.typename());
            }
        } else if (i == 2) {
            ctx().eof = v.toboolean();
        } else {
            throw new LuaError("ngx.arg has only [1] (chunk) and [2] (eof)");
        }
        return LuaValue.NONE;
    }

    // ---- exit / redirect -------------------------------------------------------------------

    private Varargs exit(Varargs a) {
        ctx().require(CallContext.EXIT, "ngx.exit");
        if (a.arg(1).type() != LuaValue.TNUMBER) {
            throw new LuaError("bad argument #1 to 'exit' (number expected, got " + a.arg(1).typename() + ")");
        }
        int status = a.toint(1);
        if (!(status == 0 || status == -1 || status == -4 || status == -5 || (status >= 100 && status <= 999))) {
            throw new LuaError("bad argument #1 to 'ngx.exit': status " + status
                    + " (use ngx.OK, ngx.ERROR or an HTTP status)");
        }
        throw exitFor(status);
    }

    /**
     * One {@code ngx.exit} per status, made once rather than per call (an object and its message):
     * without stack trace or suppression the throwable never changes, so every thread may throw it.
     */
    private static final java.util.concurrent.atomic.AtomicReferenceArray<UnitAbort.Exit> EXITS =
            new java.util.concurrent.atomic.AtomicReferenceArray<>(1000);

    private static UnitAbort.Exit exitFor(int status) {
        if (status < 0 || status >= EXITS.length()) {
            return new UnitAbort.Exit(status);
        }
        UnitAbort.Exit e = EXITS.get(status);
        if (e == null) {
            e = new UnitAbort.Exit(status); // a race makes two equal ones: harmless
            EXITS.set(status, e);
        }
        return e;
    }

    private Varargs redirect(Varargs a) {
        ctx().require(CallContext.REQUEST, "ngx.redirect");
        if (headersSent()) {
            throw new LuaError("attempt to call ngx.redirect after sending out the headers");
        }
        String uri = headerValue("Location", a.arg(1));
        int status = a.optint(2, 302);
        if (status != 301 && status != 302 && status != 303 && status != 307 && status != 308) {
            throw new LuaError("ngx.redirect: status must be 301, 302, 303, 307 or 308, got " + status);
        }
        ctx().state.changeHeader("Location", List.of(uri));
        throw new UnitAbort.Exit(status);
    }

    // ---- say / print / log -----------------------------------------------------------------

    private Varargs write(Varargs a, boolean newline) {
        ctx().require(CallContext.REQUEST, newline ? "ngx.say" : "ngx.print");
        if (ctx().state.eofSent()) {
            ctx().state.log(ctx().unitId, 4, "attempt to write after ngx.eof()");
            return LuaValue.varargsOf(LuaValue.NIL, LuaValue.valueOf("seen eof"));
        }
        long expected = newline ? 1 : 0;
        for (int i = 1; i <= a.narg(); i++) {
            expected += a.arg(i) instanceof LuaString s ? s.m_length : 0;
        }
        if ((long) ctx().state.bodySize() + expected > ctx().settings.maxBodyBytes()) {
            throw new UnitAbort.ResourceLimitExceeded("response body larger than " + ctx().settings.maxBodyBytes() + " bytes");
        }
        Allocation.Output out = Allocation.output(newline ? "ngx.say" : "ngx.print", expected);
        for (int i = 1; i <= a.narg(); i++) {
            appendOutput(out, a.arg(i), 0);
        }
        if (newline) {
            out.write('\n');
        }
        if ((long) ctx().state.bodySize() + out.size() > ctx().settings.maxBodyBytes()) {
            throw new UnitAbort.ResourceLimitExceeded("response body larger than " + ctx().settings.maxBodyBytes() + " bytes");
        }
        // Copying was charged as the buffer was reserved (Allocation.Output), before any byte was written.
        byte[] bytes = out.toByteArray();
        ctx().state.appendBody(bytes, 0, bytes.length);
        if (ctx().state.status() == 0) {
            ctx().state.setStatus(200); // the first output sends the headers: nginx's status is 200 from then on
        }
        return LuaValue.ONE;
    }

    private void appendOutput(Allocation.Output out, LuaValue v, int depth) {
        if (v instanceof LuaString s) {
            out.write(s);
        } else if (v.istable()) {
            if (depth > 16) {
                throw new LuaError("ngx.say: table nested too deep");
            }
            LuaTable t = v.checktable();
            // Every key must be a positive integer; holes print as "nil" up to the largest key,
            // as LuaJIT's lua-nginx-module does ({"a", nil, "b"} prints "anilb").
            int n = 0;
            for (LuaValue k = t.next(LuaValue.NIL).arg1(); !k.isnil(); k = t.next(k).arg1()) {
                if (!k.isinttype() || k.toint() < 1) {
                    throw new LuaError("bad argument #1 to 'say' (non-array table found)");
                }
                n = Math.max(n, k.toint());
            }
            for (int i = 1; i <= n; i++) {
                appendOutput(out, t.get(i), depth + 1);
            }
        } else if (v == NULL) {
            out.write(NULL_BYTES);
        } else if (v.isnil() || v.isboolean()) {
            out.write((v.isnil() ? "nil" : v.toboolean() ? "true" : "false").getBytes(StandardCharsets.US_ASCII));
        } else if (v.isnumber()) {
            out.write(LuaNumbers.text(v).getBytes(StandardCharsets.US_ASCII));
        } else {
            throw new LuaError("ngx.say/print: cannot output a " + v.typename() + " value");
        }
    }

    private static final byte[] NULL_BYTES = "null".getBytes(StandardCharsets.US_ASCII);

    private Varargs log(Varargs a) {
        ctx().require(CallContext.ALL_AND_INIT, "ngx.log");
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
        ctx().state.log(ctx().unitId, level, sb.toString());
        return LuaValue.NONE;
    }

    /** {@code print(...)} goes to the request log at NOTICE, tab-separated, as in OpenResty. */
    VarArgFunction print() {
        return fn(a -> {
            if (!ctx().active()) {
                return LuaValue.NONE;
            }
            StringBuilder sb = new StringBuilder();
            // As ngx.log: the line is cut at the log limit, so stop appending once past it.
            for (int i = 1; i <= a.narg() && sb.length() <= RequestState.MAX_LOG_LINE_CHARS; i++) {
                if (i > 1) {
                    sb.append('\t');
                }
                LuaValue v = a.arg(i);
                sb.append(v.isstring() ? LuaNumbers.text(v) : v.tojstring());
            }
            ctx().state.log(ctx().unitId, 6, sb.toString());
            return LuaValue.NONE;
        });
    }

    // ---- ngx.req ---------------------------------------------------------------------------

    private LuaTable req() {
        LuaTable req = new LuaTable();
        req.set("get_method", fn(a -> {
            ctx().require(CallContext.ALL, "ngx.req.get_method");
            return LuaValue.valueOf(ctx().state.method() != null ? ctx().state.method() : ctx().exchange.method());
        }));
        req.set("get_headers", fn(this::getHeaders));
        req.set("http_version", fn(a -> {
            ctx().require(CallContext.ALL, "ngx.req.http_version");
            String protocol = ctx().exchange.variable("server_protocol");
            return LuaValue.valueOf(protocol == null || !protocol.startsWith("HTTP/") ? 1.1
                    : Double.parseDouble(protocol.substring(5)));
        }));
        req.set("is_internal", fn(a -> {
            ctx().require(CallContext.ALL, "ngx.req.is_internal");
            return LuaValue.FALSE; // the edge has no internal redirects or subrequests
        }));
        req.set("start_time", fn(a -> {
            ctx().require(CallContext.ALL, "ngx.req.start_time");
            return LuaValue.valueOf(ctx().clock.millis() / 1000.0);
        }));
        req.set("set_header", fn(a -> {
            ctx().require(CallContext.REQUEST_HEADERS_WRITABLE, "ngx.req.set_header");
            String name = headerName(a.arg(1));
            List<String> values = headerValues(name, a.arg(2));
            if (values.isEmpty()) {
                ctx().exchange.clearRequestHeader(name);
            } else {
                ctx().exchange.setRequestHeader(name, values);
            }
            return LuaValue.NONE;
        }));
        req.set("clear_header", fn(a -> {
            ctx().require(CallContext.REQUEST_HEADERS_WRITABLE, "ngx.req.clear_header");
            ctx().exchange.clearRequestHeader(headerName(a.arg(1)));
            return LuaValue.NONE;
        }));
        req.set("get_uri_args", fn(a -> {
            ctx().require(CallContext.ALL, "ngx.req.get_uri_args");
            // $args as it stands now: ngx.var.args and ngx.req.set_uri_args assignments included
            return NgxStrings.decodeArgs(NgxVariables.resolve("args", ctx().exchange, ctx().state, ctx().clock), a.optint(1, 100));
        }));
        req.set("set_uri", fn(this::setUri));
        req.set("set_method", fn(this::setMethod));
        req.set("set_uri_args", fn(a -> {
            ctx().require(CallContext.ALL, "ngx.req.set_uri_args");
            ctx().state.setVariable("args", NgxStrings.uriArgs(a.arg1()));
            return LuaValue.NONE;
        }));
        return req;
    }

    /** nginx's NGX_HTTP_* method bits, as {@link #constants} exposes them, by bit index. */
    private static final String[] METHODS = {"GET", "HEAD", "POST", "PUT", "DELETE", "MKCOL", "COPY", "MOVE", "OPTIONS",
        "PROPFIND", "PROPPATCH", "LOCK", "UNLOCK", "PATCH", "TRACE"};

    /**
     * {@code ngx.req.set_uri(uri, jump)}: changes {@code $uri} and what goes upstream (the host
     * re-escapes it as nginx does). {@code jump} only in rewrite, where nginx re-matches
     * locations: the host re-selects its route by the new path, and the rest of the unit does
     * not run (nginx leaves the handler at that point too).
     */
    private Varargs setUri(Varargs a) {
        ctx().require(CallContext.REQUEST_HEADERS_WRITABLE, "ngx.req.set_uri");
        LuaString uri = a.checkstring(1);
        if (uri.length() == 0) {
            throw new LuaError("attempt to use zero-length uri");
        }
        String path = uri.tojstring(); // as the host's $uri: decoded text, re-escaped as UTF-8 when forwarded
        boolean jump = a.arg(2).toboolean();
        boolean binary = a.arg(3).toboolean(); // OpenResty's escape hatch for control bytes in the URI
        if (!binary) {
            checkUnsafeUriBytes(uri);
        }
        if (jump && ctx().phase != Phase.REWRITE) {
            throw new LuaError("API disabled in the context of " + ctx().phase.luaName() + "_by_lua*");
        }
        ctx().state.setUri(path, jump);
        if (jump) {
            throw new UnitAbort.Exit(0); // ends this unit as ngx.exit(ngx.OK) would; later units still run
        }
        return LuaValue.NONE;
    }

    /** lua-nginx-module refuses control bytes (request splitting upstream) unless {@code binary} is set. */
    private static void checkUnsafeUriBytes(LuaString uri) {
        for (int i = 0; i < uri.m_length; i++) {
            int c = uri.m_bytes[uri.m_offset + i] & 0xff;
            if (c < ' ' || c == 127) {
                StringBuilder shown = new StringBuilder();
                for (int j = 0; j < uri.m_length; j++) {
                    int b = uri.m_bytes[uri.m_offset + j] & 0xff;
                    if (b < ' ' || b == 127) {
                        shown.append("\\x").append(HEX[b >> 4]).append(HEX[b & 0xf]);
                    } else {
                        shown.append((char) b);
                    }
                }
                throw new LuaError(String.format("unsafe byte \"0x%02x\" in uri \"%s\" (maybe you want to set the"
                        + " 'binary' argument?)", c, shown));
            }
        }
    }

    /** {@code ngx.req.set_method(ngx.HTTP_*)}: what later reads and the upstream request see. */
    private Varargs setMethod(Varargs a) {
        ctx().require(CallContext.REQUEST_HEADERS_WRITABLE, "ngx.req.set_method");
        if (a.arg1().type() != LuaValue.TNUMBER) {
            throw new LuaError("bad method number");
        }
        int bits = a.arg1().toint();
        int index = Integer.numberOfTrailingZeros(bits) - 1;
        if (Integer.bitCount(bits) != 1 || index < 0 || index >= METHODS.length) {
            throw new LuaError("unsupported HTTP method: " + bits);
        }
        ctx().state.setMethod(METHODS[index]);
        return LuaValue.NONE;
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
        ctx().require(CallContext.ALL, "ngx.req.get_headers");
        return headerTable(ctx().exchange.requestHeaders(), a.optint(1, 100), a.optboolean(2, false));
    }

    private Varargs headerTable(List<Map.Entry<String, String>> headers, int max, boolean raw) {
        // A table built from the request's headers (bounded by the host's header limits) per call:
        // charged, since a unit may build it in a loop.
        int size = max > 0 ? Math.min(max, headers.size()) : headers.size();
        Allocation.table(size, "ngx.req.get_headers");
        LuaTable t = new LuaTable(0, size); // sized once: no rehash per header
        int n = 0;
        boolean truncated = false;
        for (Map.Entry<String, String> e : headers) {
            if (max > 0 && n++ >= max) {
                truncated = true;
                break;
            }
            // names and values as this runtime made them before (the same client sends the same headers)
            LuaValue key = raw ? strings.lua(e.getKey()) : strings.luaLower(e.getKey());
            NgxStrings.addRepeatable(t, key, strings.lua(e.getValue()));
        }
        if (!raw) {
            t.setmetatable(HEADERS_META);
        }
        return truncated ? LuaValue.varargsOf(t, LuaValue.valueOf("truncated")) : t;
    }

    /**
     * {@code ngx.resp.get_headers(max, raw)}: the response headers as they stand, units' own
     * changes applied, shaped like {@code ngx.req.get_headers}.
     */
    private Varargs getResponseHeaders(Varargs a) {
        ctx().require(CallContext.ALL, "ngx.resp.get_headers");
        return headerTable(ctx().state.responseHeaders(ctx().exchange), a.optint(1, 100), a.optboolean(2, false));
    }

    // ---- helpers ---------------------------------------------------------------------------

    private static byte[] concatTable(LuaTable t) {
        Allocation.Output out = Allocation.output("ngx.arg[1]");
        for (int i = 1; i <= t.length(); i++) {
            LuaValue v = t.get(i);
            if (!v.isstring()) {
                throw new LuaError("ngx.arg[1] table must hold strings");
            }
            out.write(v.strvalue());
        }
        return out.toByteArray(); // copying charged by Allocation.Output before each write
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
