package io.nott.unit.runtime;

import java.util.List;
import java.util.Map;

/**
 * One HTTP request as a host (the edge, or the registry's dry run) shows it to units. Getters
 * are called lazily, only when a unit reads the value, so implementations should compute on
 * demand rather than up front. Called on the thread that runs the phase.
 */
public interface HttpExchange {

    /** {@code GET}, {@code POST}, ... */
    String method();

    /** {@code http} or {@code https}. */
    String scheme();

    /** The Host header without port (nginx's {@code $host}), lower case. */
    String host();

    /** The path without the query string, not decoded further than the host does (nginx's {@code $uri}). */
    String uri();

    /** The query string without {@code ?}, or null when there is none (nginx's {@code $args}). */
    String rawQuery();

    /** The first value of a request header, case-insensitive name; null when absent. */
    String requestHeader(String name);

    /** All request headers in arrival order with their original names (for {@code ngx.req.get_headers}). */
    List<Map.Entry<String, String>> requestHeaders();

    /**
     * Every value of request header {@code name} (case-insensitive) joined by {@code separator}, as
     * nginx's {@code $http_*} and {@code $cookie_*} see repeated headers; null when absent. Read on
     * most unit calls (the seed's cookie and referer checks): hosts should override it to find the
     * values without copying every header, as this default does through {@link #requestHeaders()}.
     */
    default String requestHeaderJoined(String name, String separator) {
        String first = requestHeader(name);
        if (first == null) {
            return null;
        }
        StringBuilder joined = null;
        int n = 0;
        for (Map.Entry<String, String> e : requestHeaders()) {
            if (e.getKey().equalsIgnoreCase(name)) {
                if (++n == 2) {
                    joined = new StringBuilder(first);
                }
                if (n >= 2) {
                    joined.append(separator).append(e.getValue());
                }
            }
        }
        return n <= 1 ? first : joined.toString();
    }

    /** Client address as text (nginx's {@code $remote_addr}). */
    String remoteAddress();

    /**
     * Any other nginx variable the host knows, by nginx name without {@code $}:
     * {@code status}, {@code request_time}, {@code upstream_response_time},
     * {@code upstream_connect_time}, {@code upstream_cache_status}, {@code tcpinfo_rtt},
     * {@code server_name}, {@code server_port}, ... Null when unknown.
     */
    String variable(String name);

    /** Replaces a request header before it goes upstream ({@code ngx.req.set_header}); values never contain CR/LF. */
    void setRequestHeader(String name, List<String> values);

    /** Removes a request header before it goes upstream ({@code ngx.req.clear_header}). */
    void clearRequestHeader(String name);

    /** The upstream response status once known (header_filter, body_filter, log), else 0. */
    default int upstreamStatus() {
        return 0;
    }

    /** An upstream response header once known (header_filter on), case-insensitive; null when absent. */
    default String responseHeader(String name) {
        return null;
    }

    /** Every upstream response header once known (header_filter on), names as sent; empty before. */
    default List<Map.Entry<String, String>> responseHeaders() {
        return List.of();
    }

    /**
     * The request body the host read for units ({@code ngx.req.read_body}), whole; null when the
     * request has none or the host did not read it (no unit of the snapshot reads bodies:
     * {@link UnitSnapshot#readsBody}). Never blocks: the host reads it before the phases run.
     */
    default byte[] requestBody() {
        return null;
    }

    /**
     * Why {@code ngx.var.upstream = name} cannot be honoured (no such upstream group here), or null
     * when it can. The default host has no upstream groups.
     */
    default String upstreamProblem(String name) {
        return "ngx.var.upstream: this host has no upstream groups, so '" + name + "' cannot be chosen";
    }

    /**
     * Why {@code ngx.balancer.set_current_peer(host, port)} is refused (the peer is not
     * allow-listed for the upstream group being balanced), or null when the host may connect to
     * it. Called in the balancer phase only; the default host allows no peer.
     */
    default String peerProblem(String host, int port) {
        return "peer " + host + ":" + port + " is not allow-listed here: this host has no upstream groups";
    }
}
