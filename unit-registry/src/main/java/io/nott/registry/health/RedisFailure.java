package io.nott.registry.health;

import java.time.Duration;

/**
 * Words a failed Redis call for a health answer. The blocking Redis client gives up with Mutiny's
 * {@code TimeoutException}, which carries no message: written as is, readiness went DOWN with
 * {@code "error": "null"} under load (DryRunLoadIT), saying neither what failed nor what to do.
 */
final class RedisFailure {

    private RedisFailure() {
    }

    /** {@code what} (the call that failed) and why, with every cause that has something to say. */
    static String describe(String what, Throwable failure, Duration timeout) {
        if (failure instanceof io.smallrye.mutiny.TimeoutException) {
            return what + " got no answer within " + timeout.toMillis() + " ms (quarkus.redis.timeout): the node is "
                    + "down, hung or unreachable, or this JVM or host is too busy to read its answer in time";
        }
        StringBuilder text = new StringBuilder(what).append(" failed: ");
        String separator = "";
        for (Throwable t = failure; t != null && t != t.getCause(); t = t.getCause()) {
            text.append(separator).append(t.getClass().getSimpleName());
            if (t.getMessage() != null) {
                text.append(" (").append(t.getMessage()).append(')');
            }
            separator = ", caused by ";
        }
        return text.toString();
    }
}
