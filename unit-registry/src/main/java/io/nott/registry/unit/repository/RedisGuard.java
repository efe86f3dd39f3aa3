package io.nott.registry.unit.repository;

import io.nott.registry.config.RegistryConfig;
import io.nott.registry.error.RegistryException;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.function.Supplier;

/**
 * Turns every failure to talk to Redis (refused connection, timeout, CLUSTERDOWN during a
 * failover) into one 503 with {@code Retry-After}. A transaction that failed this way was not
 * applied, or applied whole: a script or MULTI/EXEC never leaves half of it.
 */
@ApplicationScoped
public class RedisGuard {

    private final int retryAfterSeconds;

    public RedisGuard(RegistryConfig config) {
        this.retryAfterSeconds = config.retryAfterSeconds();
    }

    public <T> T call(String what, Supplier<T> action) {
        try {
            return action.get();
        } catch (RegistryException e) {
            throw e;
        } catch (RuntimeException e) {
            throw unavailable(what, e);
        }
    }

    public RegistryException unavailable(String what, Throwable cause) {
        return RegistryException.unavailable("Redis is unavailable (" + what + "); nothing was changed by a failed "
                + "write, retry in " + retryAfterSeconds + "s", retryAfterSeconds, cause);
    }

    public int retryAfterSeconds() {
        return retryAfterSeconds;
    }
}
