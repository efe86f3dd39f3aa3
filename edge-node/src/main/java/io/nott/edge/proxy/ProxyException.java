package io.nott.edge.proxy;

/**
 * The one exception type of the data plane: it carries the HTTP status the client gets and a
 * short reason. {@link ProxyErrors} turns it (and anything else) into a response in one place.
 */
public final class ProxyException extends RuntimeException {

    private final int status;
    private final boolean timeout;
    private final boolean unitExit;

    private ProxyException(int status, String message, boolean timeout, boolean unitExit, Throwable cause) {
        super(message, cause, false, false);
        this.status = status;
        this.timeout = timeout;
        this.unitExit = unitExit;
    }

    /** 400: the request is malformed (nginx's answer to a URI it cannot parse or that climbs above {@code /}). */
    public static ProxyException badRequest(String message) {
        return new ProxyException(400, message, false, false, null);
    }

    /** 502: the upstream refused, reset or sent garbage. */
    public static ProxyException badGateway(String message, Throwable cause) {
        return new ProxyException(502, message, false, false, cause);
    }

    /** 504: the upstream did not connect or answer in time. */
    public static ProxyException gatewayTimeout(String message, Throwable cause) {
        return new ProxyException(504, message, true, false, cause);
    }

    /** A status units ended the request with before any connection was made (balancer {@code ngx.exit(503)}). */
    public static ProxyException unitExit(int status, String message) {
        return new ProxyException(status, message, false, true, null);
    }

    public int status() {
        return status;
    }

    /** A unit ended the request (its answer is nginx's page for the status, not the edge's JSON error). */
    public boolean isUnitExit() {
        return unitExit;
    }

    /** True for 504 (nginx's "timeout" condition), false for 502 ("error"). */
    public boolean isTimeout() {
        return timeout;
    }
}
