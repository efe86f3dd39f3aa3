package io.nott.registry.health;

import io.nott.unit.codec.RedisSchema;
import io.quarkus.redis.datasource.RedisDataSource;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import org.eclipse.microprofile.config.inject.ConfigProperty;
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
    private final Duration timeout;

    public RegistryKeysReadiness(RedisDataSource redis,
            @ConfigProperty(name = "quarkus.redis.timeout", defaultValue = "10s") Duration timeout) {
        this.redis = redis;
        this.timeout = timeout;
    }

    @Override
    public HealthCheckResponse call() {
        try {
            Long version = redis.value(Long.class).get(RedisSchema.VERSION);
            return HealthCheckResponse.named("Redis registry keys").up()
                    .withData("version", version == null ? 0 : version).build();
        } catch (RuntimeException e) {
            return HealthCheckResponse.named("Redis registry keys").down()
                    .withData("error", RedisFailure.describe("GET " + RedisSchema.VERSION + " on the master of the {cu} slot",
                            e, timeout)).build();
        }
    }
}
