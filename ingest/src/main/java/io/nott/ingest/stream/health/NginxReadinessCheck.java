package io.nott.ingest.stream.health;

import io.nott.ingest.config.IngestConfig;
import io.nott.ingest.nginx.NginxSupervisor;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

/** Ready means nginx runs and accepts RTMP and HTTP connections. */
@Readiness
@ApplicationScoped
public class NginxReadinessCheck implements HealthCheck {

    private final NginxSupervisor nginx;
    private final IngestConfig config;

    public NginxReadinessCheck(NginxSupervisor nginx, IngestConfig config) {
        this.nginx = nginx;
        this.config = config;
    }

    @Override
    public HealthCheckResponse call() {
        HealthCheckResponseBuilder b = HealthCheckResponse.named("nginx-rtmp")
                .status(nginx.isUp())
                .withData("rtmpPort", config.rtmpPort())
                .withData("hlsHttpPort", config.hls().httpPort())
                .withData("restarts", nginx.restartCount());
        nginx.pid().ifPresent(pid -> b.withData("pid", pid));
        return b.build();
    }
}
