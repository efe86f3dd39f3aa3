package io.nott.ingest.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Settings of the ingest service, under {@code ingest.*}. */
@ConfigMapping(prefix = "ingest")
public interface IngestConfig {

    /** The RTMP port nginx-rtmp listens on for publishers. */
    @WithDefault("1935")
    int rtmpPort();

    /** The nginx binary that carries the RTMP module. */
    @WithDefault("/usr/sbin/nginx")
    String nginxBinary();
}
