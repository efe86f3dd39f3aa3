package io.nott.registry.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.nott.unit.runtime.RunnerSettings;
import io.nott.unit.sandbox.SandboxLimits;
import io.quarkus.runtime.configuration.DurationConverter;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The dry run's runner is configured by {@code registry.runner.*}/{@code registry.sandbox.*}; the defaults are unit-core's. */
class RunnerSettingsProducerTest {

    @Test
    void defaultsAreUnitCoresDefaults() {
        RegistryConfig config = config(Map.of());
        SandboxLimits limits = RunnerSettingsProducer.limits(config.sandbox());
        assertThat(limits).isEqualTo(SandboxLimits.DEFAULT);
        assertThat(RunnerSettingsProducer.settings(config.runner(), limits)).isEqualTo(RunnerSettings.DEFAULT);
    }

    @Test
    void everyKeyIsRead() {
        RegistryConfig config = config(Map.of(
                "registry.runner.breaker-failure-threshold", "7",
                "registry.runner.breaker-cool-down", "3s",
                "registry.runner.max-body-bytes", "1024",
                "registry.runner.max-redis-wait", "2s",
                "registry.sandbox.max-call-depth", "50",
                "registry.sandbox.max-string-bytes", "2048",
                "registry.sandbox.max-allocated-bytes", "4096",
                "registry.sandbox.max-unpack", "100"));
        SandboxLimits limits = RunnerSettingsProducer.limits(config.sandbox());
        assertThat(limits).isEqualTo(new SandboxLimits(50, 2048, 4096, 100));
        assertThat(RunnerSettingsProducer.settings(config.runner(), limits))
                .isEqualTo(new RunnerSettings(limits, 7, Duration.ofSeconds(3), 1024, Duration.ofSeconds(2)));
    }

    private static RegistryConfig config(Map<String, String> values) {
        SmallRyeConfig config = new SmallRyeConfigBuilder()
                .withMapping(RegistryConfig.class)
                .withConverter(Duration.class, 100, new DurationConverter()) // Quarkus' "10s" spelling
                .withDefaultValues(values)
                .build();
        return config.getConfigMapping(RegistryConfig.class);
    }
}
