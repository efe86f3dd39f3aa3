package io.nott.ingest.stream.health;

import io.nott.ingest.stream.service.StreamService;
import io.smallrye.health.api.HealthGroup;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;

/**
 * {@code /q/health/group/streams}: DOWN while a published stream is stalled (newest segment
 * older than three fragments). Kept out of readiness on purpose: one broken publisher must not
 * take the origin out of service for every other stream.
 */
@HealthGroup("streams")
@ApplicationScoped
public class StalledStreamsCheck implements HealthCheck {

    private final StreamService streams;

    public StalledStreamsCheck(StreamService streams) {
        this.streams = streams;
    }

    @Override
    public HealthCheckResponse call() {
        List<String> stalled = streams.stalled();
        return HealthCheckResponse.named("hls-streams")
                .status(stalled.isEmpty())
                .withData("stalled", String.join(",", stalled))
                .build();
    }
}
