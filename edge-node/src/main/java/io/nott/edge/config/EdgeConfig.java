package io.nott.edge.config;

import io.smallrye.config.ConfigMapping;
import java.util.Optional;

/** Settings of an edge node, under {@code edge.*}. */
@ConfigMapping(prefix = "edge")
public interface EdgeConfig {

    /** This node's name in heartbeats and metrics; the host name when absent. */
    Optional<String> nodeId();
}
