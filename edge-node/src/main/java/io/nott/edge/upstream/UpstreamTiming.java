package io.nott.edge.upstream;

/**
 * What the upstream step measured for one request, attached to its {@code ProxyContext}
 * ({@code context.get(UpstreamTiming.class)}): nginx's {@code $upstream_*} variables and the
 * upstream latency meter read it. Absent when the request never went upstream (a cache hit, a
 * local answer), as nginx leaves those variables empty.
 *
 * <p>Written on the request's event loop by the upstream step, read afterwards by the same
 * request; one object per upstream request, reused across {@code proxy_next_upstream} tries.
 */
public final class UpstreamTiming {

    private final String group;
    private String address;
    private long connectNanos = -1;
    private long headerNanos = -1;
    private long responseNanos = -1;
    private int status;

    UpstreamTiming(String group) {
        this.group = group;
    }

    /** The upstream group's name. */
    public String group() {
        return group;
    }

    /** The last server tried, {@code host:port} ({@code $upstream_addr}); null before the first try. */
    public String address() {
        return address;
    }

    /** Time to obtain a connection (0 for a reused keep-alive one), or -1 before one was asked for. */
    public long connectNanos() {
        return connectNanos;
    }

    /** Time from asking for a connection until the response head, or -1 without a head. */
    public long headerNanos() {
        return headerNanos;
    }

    /** Time from asking for a connection until the last body byte, or -1 until the body ended. */
    public long responseNanos() {
        return responseNanos;
    }

    /** The upstream's status, or 0 without a head. */
    public int status() {
        return status;
    }

    void connected(String serverAddress, long nanos) {
        this.address = serverAddress;
        this.connectNanos = nanos;
    }

    void headers(int statusCode, long nanos) {
        this.status = statusCode;
        this.headerNanos = nanos;
    }

    void done(long nanos) {
        this.responseNanos = nanos;
    }
}
