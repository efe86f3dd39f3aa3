package io.nott.unit.runtime;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

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

    /** @return the value or null (Lua sees nil) */
    static String resolve(String name, HttpExchange ex, RequestState state, Clock clock) {
        String assigned = state.variable(name);
        if (assigned != null) {
            return assigned;
        }
        switch (name) {
            case "remote_addr":
                return ex.remoteAddress();
            case "host":
                return ex.host();
            case "uri":
            case "document_uri":
                return ex.uri();
            case "args":
            case "query_string":
                return ex.rawQuery();
            case "is_args":
                return ex.rawQuery() != null ? "?" : "";
            case "request_uri": {
                String q = ex.rawQuery();
                return q == null ? ex.uri() : ex.uri() + "?" + q;
            }
            case "request_method":
                return ex.method();
            case "scheme":
                return ex.scheme();
            case "https":
                return "https".equals(ex.scheme()) ? "on" : "";
            case "status": {
                int status = state.responseStatus(ex);
                return status > 0 ? Integer.toString(status) : ex.variable("status");
            }
            case "time_iso8601":
                return ISO.format(Instant.ofEpochMilli(clock.millis()));
            case "time_local":
                return LOCAL.format(Instant.ofEpochMilli(clock.millis()));
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
            String args = state.variable("args");
            return queryArg(args != null ? args : ex.rawQuery(), name.substring(4));
        }
        if (name.startsWith("cookie_")) {
            return cookie(joinedHeader(ex, "cookie", "; "), name.substring(7));
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

    private static String requestId() {
        java.util.concurrent.ThreadLocalRandom random = java.util.concurrent.ThreadLocalRandom.current();
        return String.format("%016x%016x", random.nextLong(), random.nextLong());
    }

    private static String joinedHeader(HttpExchange ex, String name, String sep) {
        String first = ex.requestHeader(name);
        if (first == null) {
            return null;
        }
        StringBuilder sb = null;
        int n = 0;
        for (var e : ex.requestHeaders()) {
            if (e.getKey().equalsIgnoreCase(name)) {
                if (n++ == 0) {
                    sb = new StringBuilder(e.getValue());
                } else {
                    sb.append(sep).append(e.getValue());
                }
            }
        }
        return n <= 1 ? first : sb.toString();
    }

    /** nginx's {@code $arg_NAME}: first match, name case-insensitive, value not decoded. */
    static String queryArg(String query, String name) {
        if (query == null) {
            return null;
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
            if (keyEnd - i == name.length() && query.regionMatches(true, i, name, 0, name.length())) {
                return keyEnd == amp ? "" : query.substring(keyEnd + 1, amp);
            }
            i = amp + 1;
        }
        return null;
    }

    /** nginx's {@code $cookie_NAME}: case-sensitive name in the Cookie header. */
    static String cookie(String header, String name) {
        if (header == null) {
            return null;
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
            if (eq > 0 && eq < end && eq - i == name.length() && header.regionMatches(i, name, 0, name.length())) {
                return header.substring(eq + 1, end).trim();
            }
            i = end + 1;
        }
        return null;
    }
}
