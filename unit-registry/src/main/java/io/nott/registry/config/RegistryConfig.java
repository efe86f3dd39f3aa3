package io.nott.registry.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Settings of the unit registry, under {@code registry.*}. */
@ConfigMapping(prefix = "registry")
public interface RegistryConfig {

    /** How many previous versions of a unit {@code {cu}:history:<id>} keeps. */
    @WithDefault("50")
    int historyLimit();

    /** The largest unit source accepted, in bytes; larger bodies answer 413. */
    @WithDefault("65536")
    int maxCodeBytes();
}
