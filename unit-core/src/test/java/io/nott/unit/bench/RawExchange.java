package io.nott.unit.bench;

import io.nott.unit.runtime.HttpExchange;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * An exchange the way a host should build one: it keeps references to what the server already
 * has (request target, header arrays) and computes a view only when a unit asks for it.
 */
final class RawExchange implements HttpExchange {

    private final String method;
    private final String target;
    private final String[] headers; // name, value, name, value...
    private final String remote;
    private int queryAt = -2;
    /** Made once when first asked for, as Vert.x's {@code HttpServerRequest.query()} is. */
    private String query;

    RawExchange(String method, String target, String[] headers, String remote) {
        this.method = method;
        this.target = target;
        this.headers = headers;
        this.remote = remote;
    }

    private int q() {
        if (queryAt == -2) {
            queryAt = target.indexOf('?');
        }
        return queryAt;
    }

    @Override
    public String method() {
        return method;
    }

    @Override
    public String scheme() {
        return "http";
    }

    @Override
    public String host() {
        String h = requestHeader("host");
        return h == null ? "localhost" : h;
    }

    @Override
    public String uri() {
        return q() < 0 ? target : target.substring(0, q());
    }

    @Override
    public String rawQuery() {
        if (query == null && q() >= 0) {
            query = target.substring(q() + 1);
        }
        return query;
    }

    @Override
    public String requestHeader(String name) {
        for (int i = 0; i < headers.length; i += 2) {
            if (headers[i].equalsIgnoreCase(name)) {
                return headers[i + 1];
            }
        }
        return null;
    }

    @Override
    public String requestHeaderJoined(String name, String separator) {
        String joined = null;
        for (int i = 0; i < headers.length; i += 2) {
            if (headers[i].equalsIgnoreCase(name)) {
                joined = joined == null ? headers[i + 1] : joined + separator + headers[i + 1];
            }
        }
        return joined;
    }

    @Override
    public List<Map.Entry<String, String>> requestHeaders() {
        List<Map.Entry<String, String>> l = new ArrayList<>();
        for (int i = 0; i < headers.length; i += 2) {
            l.add(Map.entry(headers[i], headers[i + 1]));
        }
        return l;
    }

    @Override
    public String remoteAddress() {
        return remote;
    }

    @Override
    public String variable(String name) {
        return null;
    }

    @Override
    public void setRequestHeader(String name, List<String> values) {
    }

    @Override
    public void clearRequestHeader(String name) {
    }
}
