package io.nott.player.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Settings of the player app, under {@code player.*}. */
@ConfigMapping(prefix = "player")
public interface PlayerConfig {

    /** The stream the page opens when the URL names none. */
    @WithDefault("colorbar")
    String defaultStream();
}
