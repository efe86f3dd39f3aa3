package io.nott.registry.config;

import io.nott.unit.runtime.RunnerSettings;
import io.nott.unit.sandbox.SandboxLimits;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/** unit-core's runner settings and sandbox limits from {@code registry.runner.*} and {@code registry.sandbox.*}. */
public class RunnerSettingsProducer {

    @Produces
    @Singleton
    SandboxLimits sandboxLimits(RegistryConfig config) {
        return limits(config.sandbox());
    }

    @Produces
    @Singleton
    RunnerSettings runnerSettings(RegistryConfig config, SandboxLimits limits) {
        return settings(config.runner(), limits);
    }

    static SandboxLimits limits(RegistryConfig.Sandbox s) {
        return new SandboxLimits(s.maxCallDepth(), s.maxStringBytes(), s.maxAllocatedBytes(), s.maxUnpack());
    }

    static RunnerSettings settings(RegistryConfig.Runner r, SandboxLimits limits) {
        return new RunnerSettings(limits, r.breakerFailureThreshold(), r.breakerCoolDown(), r.maxBodyBytes(), r.maxRedisWait());
    }
}
