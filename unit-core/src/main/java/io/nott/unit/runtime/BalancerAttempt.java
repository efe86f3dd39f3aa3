package io.nott.unit.runtime;

import java.time.Duration;

/**
 * One upstream attempt as the balancer phase sees and shapes it ({@code ngx.balancer}): the
 * previous attempt's failure going in; the peer, the further tries and the timeouts the units
 * chose coming out. The host makes one per attempt and connects only to a peer it allow-listed
 * ({@link HttpExchange#peerProblem}); not for concurrent use.
 */
public final class BalancerAttempt {

    private final String lastFailureState;
    private final int lastFailureStatus;
    private final int maxMoreTries;
    private String peerHost;
    private int peerPort;
    private int moreTries = -1;
    private Duration connectTimeout;
    private Duration sendTimeout;
    private Duration readTimeout;

    /**
     * @param lastFailureState  {@code "failed"} (connection error or timeout) or {@code "next"} (a
     *                          status the group retries on), null on the first attempt
     * @param lastFailureStatus that attempt's status (502/504 for {@code failed}); 0 on the first
     * @param maxMoreTries      the most further tries {@code set_more_tries} may ask for
     *                          (nginx's {@code proxy_next_upstream_tries} less the tries made)
     */
    public BalancerAttempt(String lastFailureState, int lastFailureStatus, int maxMoreTries) {
        this.lastFailureState = lastFailureState;
        this.lastFailureStatus = lastFailureStatus;
        this.maxMoreTries = Math.max(0, maxMoreTries);
    }

    public String lastFailureState() {
        return lastFailureState;
    }

    public int lastFailureStatus() {
        return lastFailureStatus;
    }

    /** The peer units set, as {@code host:port}, or null when they set none (the group's own choice). */
    public String peer() {
        return peerHost == null ? null : peerHost + ":" + peerPort;
    }

    void peer(String host, int port) {
        this.peerHost = host;
        this.peerPort = port;
    }

    /** Further tries units asked for with {@code set_more_tries}, or -1 when they did not ask. */
    public int moreTries() {
        return moreTries;
    }

    /** @return true when the request was cut to the host's limit */
    boolean moreTries(int count) {
        this.moreTries = Math.min(count, maxMoreTries);
        return count > maxMoreTries;
    }

    /** The connect timeout units set for this attempt, or null for the group's. */
    public Duration connectTimeout() {
        return connectTimeout;
    }

    /** The send timeout units set (kept for completeness: the edge bounds sending by its read timeout). */
    public Duration sendTimeout() {
        return sendTimeout;
    }

    /** The read timeout units set for this attempt, or null for the group's. */
    public Duration readTimeout() {
        return readTimeout;
    }

    void timeouts(Duration connect, Duration send, Duration read) {
        if (connect != null) {
            connectTimeout = connect;
        }
        if (send != null) {
            sendTimeout = send;
        }
        if (read != null) {
            readTimeout = read;
        }
    }
}
