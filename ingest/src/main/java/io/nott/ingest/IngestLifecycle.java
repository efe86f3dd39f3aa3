package io.nott.ingest;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.nott.ingest.nginx.NginxSupervisor;
import io.nott.ingest.stream.service.PublishService;
import io.nott.ingest.stream.service.TestSourceService;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/**
 * Starts nginx with the service and, on shutdown, ends the test sources first and then nginx
 * with everything it spawned, so no nginx or ffmpeg outlives the service.
 */
@ApplicationScoped
public class IngestLifecycle {

    private final NginxSupervisor nginx;
    private final TestSourceService testSources;

    public IngestLifecycle(NginxSupervisor nginx, TestSourceService testSources, PublishService publishes,
            MeterRegistry registry) {
        this.nginx = nginx;
        this.testSources = testSources;
        nginx.onRestart(publishes::forgetSessions);
        Gauge.builder("ingest.streams.published", publishes, p -> p.liveStreams().size())
                .description("Streams with an authorised publish")
                .register(registry);
    }

    void onStart(@Observes StartupEvent event) {
        nginx.start();
    }

    void onStop(@Observes ShutdownEvent event) {
        testSources.stopAll();
        nginx.stop();
    }

    /** Keeps track of nginx's children so they can be ended even if a worker dies. */
    @Scheduled(every = "2s", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void rememberChildren() {
        nginx.rememberChildren();
    }
}
