package io.nott.edge.upstream;

import io.nott.edge.proxy.ProxyContext;
import java.time.Duration;
import java.util.function.Predicate;

/**
 * nginx's {@code balancer_by_lua}: asked once per upstream attempt of a request (retries ask
 * again) which peer to connect to. Put on a request's {@link ProxyContext} as an attachment by
 * whoever runs units; absent, the group round-robins as configured.
 */
@FunctionalInterface
public interface Balancer {

    /**
     * @param attempt what the group knows about this attempt
     * @param allowed whether a {@code host:port} is one the group may connect to (its servers and
     *                {@code allowed-peers}); a choice outside it is refused by the group anyway
     */
    Choice choose(ProxyContext context, Attempt attempt, Predicate<String> allowed);

    /**
     * @param group         the upstream group's name
     * @param tried         attempts made so far (0 on the first)
     * @param failureState  {@code "failed"} or {@code "next"} for the previous attempt, null on the first
     * @param failureStatus the previous attempt's status (502/504 when it failed), 0 on the first
     * @param maxMoreTries  how many further tries may still be asked for
     */
    record Attempt(String group, int tried, String failureState, int failureStatus, int maxMoreTries) {
    }

    /**
     * @param peer           {@code host:port}, or null for the group's own round-robin choice
     * @param moreTries      further tries asked for, or -1 to leave it
     * @param connectTimeout this attempt's connect timeout, or null for the group's
     * @param readTimeout    this attempt's read timeout, or null for the group's
     * @param exitStatus     0 to go on, else the status the request ends with (no connection is made)
     */
    record Choice(String peer, int moreTries, Duration connectTimeout, Duration readTimeout, int exitStatus) {

        public static final Choice DEFAULT = new Choice(null, -1, null, null, 0);
    }
}
