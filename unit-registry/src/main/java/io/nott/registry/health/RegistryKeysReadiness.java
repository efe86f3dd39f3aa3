package io.nott.registry.health;

import io.nott.unit.codec.RedisSchema;
import io.quarkus.redis.datasource.RedisDataSource;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * Ready only when the master of the {@code {cu}} slot answers: that one node holds every
 * registry key, so a cluster that is up elsewhere but not there still cannot take writes.
 */
@Readiness
@ApplicationScoped
public class RegistryKeysReadiness implements HealthCheck {

    private final RedisDataSource redis;

    public RegistryKeysReadiness(RedisDataSource redis) {
        this.redis = redis;
    }

    @Override
    public HealthCheckResponse call() {
        try {
            Long version = redis.value(Long.class).get(RedisSchema.VERSION);
            return HealthCheckResponse.named("Redis registry keys").up()
                    .withData("version", version == null ? 0 : version).build();
        } catch (RuntimeException e) {
            return HealthCheckResponse.named("Redis registry keys").down()
                    .withData("error", String.valueOf(e.getMessage())).build();
        }
    }
}
