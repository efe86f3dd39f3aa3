package io.nott.unit.runtime;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.Set;
import org.luaj.vm2.LuaError;
import org.luaj.vm2.LuaValue;

/**
 * nginx variables by name, as strings the way nginx prints them, computed on demand from the
 * {@link HttpExchange}. Used by {@code ngx.var} and by deterministic sampling.
 */
final class NgxVariables {

    private static final DateTimeFormatter ISO = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ssxxx")
            .withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter LOCAL = DateTimeFormatter.ofPattern("dd/MMM/yyyy:HH:mm:ss Z", Locale.ENGLISH)
            .withZone(ZoneOffset.UTC);

    private NgxVariables() {
    }

    /**
     * A time variable's text, formatted once per second as nginx caches its time strings: the
     * seed's metrics unit reads {@code $time_iso8601} on every response, and formatting it costs
     * more than the rest of the unit. Shared by all threads (an immutable record behind a volatile:
     * a race only formats the same second twice).
     */
    private static final class PerSecondText {
        private record Formatted(long second, String text) {
        }

        private final DateTimeFormatter format;
        private volatile Formatted last;

        PerSecondText(DateTimeFormatter format) {
            this.format = format;
        }

        String at(long millis) {
            long second = Math.floorDiv(millis, 1000);
            Formatted f = last;
            if (f == null || f.second != second) {
                last = f = new Formatted(second, format.format(Instant.ofEpochSecond(second)));
            }
            return f.text;
        }
    }

    private static final PerSecondText TIME_ISO8601 = new PerSecondText(ISO);
    private static final PerSecondText TIME_LOCAL = new PerSecondText(LOCAL);

    /**
     * As {@link #resolve} for {@code ngx.var}, as a Lua string: {@code $arg_*} and {@code $cookie_*}
     * are sliced from the query or Cookie header into a Lua string (no substring), and values seen
     * recently by this runtime are handed back as they were made ({@link RecentStrings}).
     *
     * @return the value or {@link LuaValue#NIL}
     */
    static LuaValue resolveLua(String name, HttpExchange ex, RequestState state, Clock clock, RecentStrings strings) {
        if (!state.assigned(name)) {
            if (name.startsWith("arg_")) {
                String query = state.assigned("args") ? state.variable("args") : ex.rawQuery();
                long r = queryArgRange(query, name, 4);
                return r < 0 ? LuaValue.NIL : strings.lua(query, start(r), end(r));
            }
            if (name.startsWith("cookie_")) {
                String header = joinedHeader(ex, "cookie", "; ");
                long r = cookieRange(header, name, 7);
                return r < 0 ? LuaValue.NIL : strings.lua(header, start(r), end(r));
            }
        }
        String v = resolve(name, ex, state, clock);
        return v == null ? LuaValue.NIL : strings.lua(v);
    }

    /** @return the value or null (Lua sees nil) */
    static String resolve(String name, HttpExchange ex, RequestState state, Clock clock) {
        if (state.assigned(name)) {
            return state.variable(name); // ngx.var.args = nil leaves $args empty: nil, as in nginx
        }
        switch (name) {
            case "remote_addr":
                return ex.remoteAddress();
            case "binary_remote_addr":
                return binaryAddress(ex.remoteAddress());
            case "host":
                return ex.host();
            case "uri":
            case "document_uri":
                return state.uri() != null ? state.uri() : ex.uri();
            case "args":
            case "query_string":
                return ex.rawQuery();
            case "is_args": {
                String args = state.argsChanged() ? state.args() : ex.rawQuery();
                return args != null && !args.isEmpty() ? "?" : "";
            }
            case "request_uri": {
                // the client's request line, never rewritten: the host knows it raw, else it is rebuilt
                String raw = ex.variable("request_uri");
                if (raw != null) {
                    return raw;
                }
                String q = ex.rawQuery();
                return q == null ? ex.uri() : ex.uri() + "?" + q;
            }
            case "request_body": {
                // nginx's $request_body: the body units read (ngx.req.read_body), else empty
                byte[] body = state.currentRequestBody();
                return body == null ? null : new String(body, java.nio.charset.StandardCharsets.ISO_8859_1);
            }
            case "request_method":
                return state.method() != null ? state.method() : ex.method();
            case "scheme":
                return ex.scheme();
            case "https":
                return "https".equals(ex.scheme()) ? "on" : "";
            case "status": {
                int status = state.responseStatus(ex);
                return status > 0 ? Integer.toString(status) : ex.variable("status");
            }
            case "time_iso8601":
                return TIME_ISO8601.at(clock.millis());
            case "time_local":
                return TIME_LOCAL.at(clock.millis());
            case "msec": {
                long ms = clock.millis();
                return (ms / 1000) + "." + String.format("%03d", ms % 1000);
            }
            case "content_type":
                return ex.requestHeader("content-type");
            case "content_length":
                return ex.requestHeader("content-length");
            case "http_cookie":
                return joinedHeader(ex, "cookie", "; ");
            case "request_id":
                // nginx's $request_id: 16 random bytes in hex; lua-nginx-module reads it uncached,
                // so every read gives a new one, as here.
                return requestId();
            default:
                break;
        }
        if (name.startsWith("arg_")) {
            return queryArg(state.assigned("args") ? state.variable("args") : ex.rawQuery(), name, 4);
        }
        if (name.startsWith("cookie_")) {
            return cookie(joinedHeader(ex, "cookie", "; "), name, 7);
        }
        if (name.startsWith("http_")) {
            return joinedHeader(ex, name.substring(5).replace('_', '-'), ", ");
        }
        if (name.startsWith("sent_http_")) {
            String h = name.substring(10).replace('_', '-');
            RequestState.HeaderChange c = state.headerChange(h);
            if (c != null) {
                return c.removed() ? null : String.join(", ", c.values());
            }
            return state.responseHeader(ex, h);
        }
        return ex.variable(name);
    }

    /**
     * The variables units may assign, as nginx's changeable ones: {@code args} (what goes
     * upstream, and every later read of {@code $args}/{@code $arg_*}) and {@code limit_rate}
     * (accepted, no effect: the edge does not limit rates per request). The edge has no
     * {@code set $x} configuration, so there are no others.
     */
    static final Set<String> WRITABLE = Set.of("args", "limit_rate", "upstream", "cache_bypass", "no_cache",
            "cache_key");

    /**
     * The edge's steering variables (issue #16), set in rewrite, access or content: {@code upstream}
     * (a configured upstream group's name), {@code cache_bypass} and {@code no_cache} (nginx's
     * {@code proxy_cache_bypass} / {@code proxy_no_cache}: any value but empty and "0" is true),
     * {@code cache_key} (replaces {@code proxy_cache_key} for this request). Unset, they read as
     * the host says ({@code upstream}: the route's group).
     */
    static final Set<String> STEERING = Set.of("upstream", "cache_bypass", "no_cache", "cache_key");

    /** nginx's own variables by exact name (prefix families like {@code arg_*} are not among them). */
    private static final Set<String> BUILT_IN = Set.of("http_host", "http_user_agent", "http_referer", "http_via",
            "http_x_forwarded_for", "http_cookie", "content_length", "content_type", "host", "binary_remote_addr",
            "remote_addr", "remote_port", "proxy_protocol_addr", "proxy_protocol_port", "proxy_protocol_server_addr",
            "proxy_protocol_server_port", "server_addr", "server_port", "server_protocol", "scheme", "https",
            "request_uri", "uri", "document_uri", "request", "document_root", "realpath_root", "query_string",
            "is_args", "request_filename", "server_name", "request_method", "remote_user", "bytes_sent",
            "body_bytes_sent", "pipe", "request_completion", "request_body", "request_body_file", "request_length",
            "request_time", "request_id", "status", "sent_http_content_type", "sent_http_content_length",
            "sent_http_location", "sent_http_last_modified", "sent_http_connection", "sent_http_keep_alive",
            "sent_http_transfer_encoding", "sent_http_cache_control", "sent_http_link", "connection",
            "connection_requests", "connection_time", "nginx_version", "hostname", "pid", "msec", "time_iso8601",
            "time_local", "tcpinfo_rtt", "tcpinfo_rttvar", "tcpinfo_snd_cwnd", "tcpinfo_rcv_space",
            "upstream_addr", "upstream_status", "upstream_connect_time", "upstream_header_time",
            "upstream_response_time", "upstream_response_length", "upstream_bytes_received", "upstream_bytes_sent",
            "upstream_cache_status", "proxy_host", "proxy_port", "proxy_add_x_forwarded_for");

    /** Refuses an assignment as lua-nginx-module does: built-in variables are not changeable, others unknown. */
    static void checkWritable(String name) {
        if (WRITABLE.contains(name)) {
            return;
        }
        if (BUILT_IN.contains(name)) {
            throw new LuaError("variable \"" + name + "\" not changeable");
        }
        throw new LuaError("variable \"" + name + "\" not found for writing; maybe it is a built-in variable that is"
                + " not changeable or you forgot to use \"set $" + name + " '';\" in the config file to define it first");
    }

    private static String requestId() {
        java.util.concurrent.ThreadLocalRandom random = java.util.concurrent.ThreadLocalRandom.current();
        return String.format("%016x%016x", random.nextLong(), random.nextLong());
    }

    private static String joinedHeader(HttpExchange ex, String name, String sep) {
        return ex.requestHeaderJoined(name, sep);
    }

    /** nginx's {@code $arg_NAME}: first match, name case-insensitive, value not decoded. */
    static String queryArg(String query, String name) {
        return queryArg(query, name, 0);
    }

    /** As {@link #queryArg(String, String)} for the argument named by {@code name} from {@code from} on (no substring per read). */
    static String queryArg(String query, String name, int from) {
        long r = queryArgRange(query, name, from);
        return r < 0 ? null : query.substring(start(r), end(r));
    }

    /** Where {@link #queryArg(String, String, int)}'s value is in {@code query} ({@link #range}), or -1. */
    static long queryArgRange(String query, String name, int from) {
        if (query == null) {
            return -1;
        }
        int i = 0;
        int len = query.length();
        while (i <= len) {
            int amp = query.indexOf('&', i);
            if (amp < 0) {
                amp = len;
            }
            int eq = query.indexOf('=', i);
            int keyEnd = eq >= 0 && eq < amp ? eq : amp;
            if (keyEnd - i == name.length() - from && query.regionMatches(true, i, name, from, name.length() - from)) {
                return keyEnd == amp ? range(amp, amp) : range(keyEnd + 1, amp);
            }
            i = amp + 1;
        }
        return -1;
    }

    /** A value's place in a text, {@code [start, end)}, as one long: no object per lookup. */
    static long range(int start, int end) {
        return (long) start << 32 | end;
    }

    static int start(long range) {
        return (int) (range >>> 32);
    }

    static int end(long range) {
        return (int) range;
    }

    /** nginx's {@code $cookie_NAME}: case-sensitive name in the Cookie header. */
    static String cookie(String header, String name) {
        return cookie(header, name, 0);
    }

    /** As {@link #cookie(String, String)} for the cookie named by {@code name} from {@code from} on. */
    static String cookie(String header, String name, int from) {
        long r = cookieRange(header, name, from);
        return r < 0 ? null : header.substring(start(r), end(r));
    }

    /** Where {@link #cookie(String, String, int)}'s value is in {@code header} ({@link #range}), or -1. */
    static long cookieRange(String header, String name, int from) {
        if (header == null) {
            return -1;
        }
        int i = 0;
        int len = header.length();
        while (i < len) {
            while (i < len && (header.charAt(i) == ' ' || header.charAt(i) == ';' || header.charAt(i) == ',')) {
                i++;
            }
            int end = i;
            while (end < len && header.charAt(end) != ';' && header.charAt(end) != ',') {
                end++;
            }
            int eq = header.indexOf('=', i);
            if (eq > 0 && eq < end && eq - i == name.length() - from
                    && header.regionMatches(i, name, from, name.length() - from)) {
                // as String.trim(): no chars up to ' ' at either end
                int start = eq + 1;
                while (start < end && header.charAt(start) <= ' ') {
                    start++;
                }
                while (end > start && header.charAt(end - 1) <= ' ') {
                    end--;
                }
                return range(start, end);
            }
            i = end + 1;
        }
        return -1;
    }

    /**
     * {@code $binary_remote_addr}: the client address as 4 (IPv4) or 16 (IPv6) raw bytes, held as
     * ISO-8859-1 characters; the key resty.limit.* examples limit by.
     */
    private static String binaryAddress(String address) {
        if (address == null || address.isEmpty()) {
            return null;
        }
        String literal = address.startsWith("[") && address.endsWith("]") ? address.substring(1, address.length() - 1)
                : address;
        if (!literal.matches("[0-9.]+|[0-9A-Fa-f:.%a-zA-Z]*:[0-9A-Fa-f:.%a-zA-Z]*")) {
            return null; // not an IP literal (never resolve names here)
        }
        try {
            byte[] raw = java.net.InetAddress.getByName(literal).getAddress();
            return new String(raw, java.nio.charset.StandardCharsets.ISO_8859_1);
        } catch (java.net.UnknownHostException e) {
            return null;
        }
    }
}
