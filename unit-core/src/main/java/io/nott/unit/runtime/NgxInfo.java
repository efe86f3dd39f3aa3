package io.nott.unit.runtime;

import static io.nott.unit.runtime.NgxLib.fn;

import io.nott.unit.sandbox.ReadOnlyTable;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.Map;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Varargs;

/**
 * The informational parts of {@code ngx}: {@code ngx.worker}, {@code ngx.config}, the local and
 * UTC clock strings, {@code ngx.parse_http_time} and {@code ngx.req.raw_header}. An edge node is
 * one process with one "worker" as far as units can tell: {@code ngx.worker.id()} is 0 and
 * {@code count()} 1, so code that does something "on worker 0 only" does it once per node.
 */
final class NgxInfo {

    /** The nginx and lua-nginx-module versions the edge's API follows (the differential suite's). */
    static final int NGINX_VERSION = 1022001;
    static final int NGX_LUA_VERSION = 10023;

    private static final DateTimeFormatter LOCAL_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss", Locale.ROOT);

    private final CallContext bound;

    NgxInfo(CallContext ctx) {
        this.bound = ctx;
    }

    /**
     * The call running on this thread: these functions may be called from a closure made in
     * another runtime (a timer callback, a function kept from another phase), and must act on
     * this thread's call, never on whatever their own runtime serves meanwhile (see NgxLib).
     */
    private CallContext ctx() {
        return CallContext.currentOr(bound);
    }

    void install(LuaTable ngx) {
        LuaTable worker = new LuaTable();
        worker.set("id", fn(a -> LuaValue.ZERO));
        worker.set("count", fn(a -> LuaValue.ONE));
        worker.set("pid", fn(a -> LuaValue.valueOf((double) ProcessHandle.current().pid())));
        worker.set("exiting", fn(a -> LuaValue.FALSE));
        ngx.set("worker", ReadOnlyTable.copyOf(worker, null));
        LuaTable config = new LuaTable();
        config.set("subsystem", "http");
        config.set("debug", LuaValue.FALSE);
        config.set("nginx_version", NGINX_VERSION);
        config.set("ngx_lua_version", NGX_LUA_VERSION);
        config.set("prefix", fn(a -> LuaValue.valueOf("/")));
        config.set("nginx_configure", fn(a -> LuaValue.valueOf("")));
        ngx.set("config", ReadOnlyTable.copyOf(config, null));
        ngx.set("localtime", fn(a -> LuaValue.valueOf(LOCAL_TIME.format(LocalDateTime.ofInstant(ctx().clock.instant(),
                ctx().clock.getZone())))));
        ngx.set("utctime", fn(a -> LuaValue.valueOf(LOCAL_TIME.format(LocalDateTime.ofInstant(ctx().clock.instant(),
                ZoneOffset.UTC)))));
        ngx.set("parse_http_time", fn(a -> {
            Long t = HttpTime.parse(a.checkjstring(1));
            return t == null ? LuaValue.NIL : LuaValue.valueOf((double) t);
        }));
    }

    /**
     * {@code ngx.req.raw_header(no_request_line)}: the request line and headers as the client
     * sent them, CRLF-separated, ending with an empty line. The edge rebuilds them from the parsed
     * request (names as sent, in order), so whitespace the client put around values is normalised.
     */
    Varargs rawHeader(Varargs a) {
        ctx().require(CallContext.ALL, "ngx.req.raw_header");
        StringBuilder sb = new StringBuilder(256);
        if (!a.optboolean(1, false)) {
            String target = NgxVariables.resolve("request_uri", ctx().exchange, ctx().state, ctx().clock);
            String protocol = ctx().exchange.variable("server_protocol");
            sb.append(ctx().exchange.method()).append(' ').append(target != null ? target : ctx().exchange.uri())
                    .append(' ').append(protocol != null ? protocol : "HTTP/1.1").append("\r\n");
        }
        for (Map.Entry<String, String> h : ctx().exchange.requestHeaders()) {
            sb.append(h.getKey()).append(": ").append(h.getValue()).append("\r\n");
        }
        sb.append("\r\n");
        return LuaValue.valueOf(sb.toString());
    }

    /** nginx's {@code ngx_parse_http_time}: RFC 1123, RFC 850 and asctime dates, GMT; null when not one. */
    static final class HttpTime {
        private static final String[] MONTHS = {"jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct",
            "nov", "dec"};

        private HttpTime() {
        }

        static Long parse(String s) {
            String[] p = s.trim().split("[ ,\\-]+");
            try {
                int day;
                int month;
                int year;
                String time;
                if (p.length >= 5 && p[1].length() <= 2 && Character.isDigit(p[1].charAt(0))) {
                    // "Sun, 06 Nov 1994 08:49:37 GMT" or "Sunday, 06-Nov-94 08:49:37 GMT"
                    day = Integer.parseInt(p[1]);
                    month = month(p[2]);
                    year = Integer.parseInt(p[3]);
                    if (p[3].length() == 2) {
                        year += year < 70 ? 2000 : 1900;
                    }
                    time = p[4];
                } else if (p.length >= 5) {
                    // asctime: "Sun Nov  6 08:49:37 1994"
                    month = month(p[1]);
                    day = Integer.parseInt(p[2]);
                    time = p[3];
                    year = Integer.parseInt(p[4]);
                } else {
                    return null;
                }
                String[] hms = time.split(":");
                if (month < 0 || hms.length != 3 || day < 1 || day > 31) {
                    return null;
                }
                int h = Integer.parseInt(hms[0]);
                int m = Integer.parseInt(hms[1]);
                int sec = Integer.parseInt(hms[2]);
                if (h > 23 || m > 59 || sec > 59) {
                    return null;
                }
                return LocalDateTime.of(year, month + 1, day, h, m, sec).toEpochSecond(ZoneOffset.UTC);
            } catch (NumberFormatException | java.time.DateTimeException e) {
                return null;
            }
        }

        private static int month(String name) {
            String n = name.toLowerCase(Locale.ROOT);
            for (int i = 0; i < MONTHS.length; i++) {
                if (MONTHS[i].equals(n)) {
                    return i;
                }
            }
            return -1;
        }
    }
}
