package io.nott.unit.runtime;

import java.net.URI;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * An in-memory {@link HttpExchange} built from a sample request, for tests and the registry's dry
 * run. Records the request header changes units make so they can be shown.
 */
public final class SimulatedExchange implements HttpExchange {

    private final String method;
    private final String scheme;
    private final String host;
    private final String uri;
    private final String query;
    private final String remoteAddress;
    private final List<Map.Entry<String, String>> headers;
    private final Map<String, String> variables;
    private final int upstreamStatus;
    private final List<Map.Entry<String, String>> responseHeaders;
    private final byte[] body;

    private SimulatedExchange(Builder b) {
        this.method = b.method;
        this.scheme = b.scheme;
        URI u = URI.create(b.target);
        this.uri = u.getRawPath() == null || u.getRawPath().isEmpty() ? "/" : u.getRawPath();
        this.query = u.getRawQuery();
        this.headers = new ArrayList<>(b.headers);
        String h = b.host;
        if (h == null) {
            h = header(headers, "host");
        }
        if (h == null) {
            h = "localhost";
        }
        int colon = h.lastIndexOf(':');
        if (colon > 0 && h.indexOf(']') < colon) {
            h = h.substring(0, colon);
        }
        this.host = h.toLowerCase(Locale.ROOT);
        this.remoteAddress = b.remoteAddress;
        this.variables = Map.copyOf(b.variables);
        this.upstreamStatus = b.upstreamStatus;
        this.responseHeaders = List.copyOf(b.responseHeaders);
        this.body = b.body;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** {@code GET target} from 127.0.0.1 with the given Host. */
    public static SimulatedExchange get(String host, String target) {
        return builder().host(host).target(target).build();
    }

    private static String header(List<Map.Entry<String, String>> list, String name) {
        for (Map.Entry<String, String> e : list) {
            if (e.getKey().equalsIgnoreCase(name)) {
                return e.getValue();
            }
        }
        return null;
    }

    @Override
    public String method() {
        return method;
    }

    @Override
    public String scheme() {
        return scheme;
    }

    @Override
    public String host() {
        return host;
    }

    @Override
    public String uri() {
        return uri;
    }

    @Override
    public String rawQuery() {
        return query;
    }

    @Override
    public synchronized String requestHeader(String name) {
        return header(headers, name);
    }

    @Override
    public synchronized List<Map.Entry<String, String>> requestHeaders() {
        return List.copyOf(headers);
    }

    @Override
    public String remoteAddress() {
        return remoteAddress;
    }

    @Override
    public String variable(String name) {
        if (name.equals("status") && upstreamStatus > 0) {
            return Integer.toString(upstreamStatus);
        }
        return variables.get(name);
    }

    @Override
    public synchronized void setRequestHeader(String name, List<String> values) {
        clearRequestHeader(name);
        for (String v : values) {
            headers.add(Map.entry(name, v));
        }
    }

    @Override
    public synchronized void clearRequestHeader(String name) {
        headers.removeIf(e -> e.getKey().equalsIgnoreCase(name));
    }

    @Override
    public int upstreamStatus() {
        return upstreamStatus;
    }

    @Override
    public String responseHeader(String name) {
        return header(responseHeaders, name);
    }

    @Override
    public List<Map.Entry<String, String>> responseHeaders() {
        return responseHeaders;
    }

    /** The sample request body, whole (units read it with {@code ngx.req.read_body}); null when none. */
    @Override
    public byte[] requestBody() {
        return body == null ? null : body.clone();
    }

    public static final class Builder {
        private byte[] body;
        private String method = "GET";
        private String scheme = "http";
        private String host;
        private String target = "/";
        private String remoteAddress = "127.0.0.1";
        private final List<Map.Entry<String, String>> headers = new ArrayList<>();
        private final Map<String, String> variables = new HashMap<>();
        private int upstreamStatus;
        private final List<Map.Entry<String, String>> responseHeaders = new ArrayList<>();

        public Builder method(String m) {
            this.method = m;
            return this;
        }

        public Builder scheme(String s) {
            this.scheme = s;
            return this;
        }

        public Builder host(String h) {
            this.host = h;
            return this;
        }

        /** Path and query, e.g. {@code /hls/live.m3u8?token=abc}. */
        public Builder target(String t) {
            this.target = t;
            return this;
        }

        public Builder remoteAddress(String a) {
            this.remoteAddress = a;
            return this;
        }

        public Builder header(String name, String value) {
            headers.add(Map.entry(name, value));
            return this;
        }

        /** An nginx variable such as {@code upstream_response_time}. */
        public Builder variable(String name, String value) {
            variables.put(name, value);
            return this;
        }

        /** A sample upstream response: its status. */
        public Builder upstreamStatus(int status) {
            this.upstreamStatus = status;
            return this;
        }

        /** A sample upstream response: one header. */
        public Builder responseHeader(String name, String value) {
            responseHeaders.add(Map.entry(name, value));
            return this;
        }

        /** The request body; null or empty for none. */
        public Builder body(byte[] b) {
            this.body = b == null || b.length == 0 ? null : b.clone();
            return this;
        }

        public SimulatedExchange build() {
            return new SimulatedExchange(this);
        }
    }
}
