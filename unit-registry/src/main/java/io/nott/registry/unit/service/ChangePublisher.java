package io.nott.registry.unit.service;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.nott.unit.codec.ChangeNotice;
import io.nott.unit.codec.RedisSchema;
import io.quarkus.redis.datasource.RedisDataSource;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import org.jboss.logging.Logger;

/**
 * Tells the edges about a new version on {@code cu:changes}: the {@link ChangeNotice} (version,
 * changed unit ids, shared dicts, commit time) that the change log also holds. A lost message is not fatal:
 * edges also poll {@code {cu}:version}, so a failed publish is logged and counted, never
 * turned into an error for a change that is already committed.
 */
@ApplicationScoped
public class ChangePublisher {

    private static final Logger LOG = Logger.getLogger(ChangePublisher.class);

    private final RedisDataSource redis;
    private final Timer latency;
    private final Counter failures;
    private final MeterRegistry meters;

    public ChangePublisher(RedisDataSource redis, MeterRegistry meters) {
        this.redis = redis;
        this.meters = meters;
        // Buckets, not client-side percentiles: those decay to 0.0 two minutes after the last
        // publish while the max still shows (issue #20), and cannot be summed over replicas.
        this.latency = Timer.builder("registry.publish").description("Time to PUBLISH a new version on cu:changes")
                .serviceLevelObjectives(Duration.ofNanos(250_000), Duration.ofMillis(1), Duration.ofNanos(2_500_000),
                        Duration.ofMillis(10), Duration.ofMillis(50), Duration.ofMillis(250), Duration.ofSeconds(1))
                .register(meters);
        this.failures = Counter.builder("registry.publish.failures")
                .description("Versions committed but not published on cu:changes (edges still see them by polling)")
                .register(meters);
    }

    /** Publishes what a committed version changed (see {@link ChangeNotice} for the message). */
    public void publish(ChangeNotice notice) {
        long version = notice.version();
        Timer.Sample sample = Timer.start(meters);
        try {
            redis.pubsub(String.class).publish(RedisSchema.CHANGES_CHANNEL, notice.toJson());
            sample.stop(latency);
        } catch (RuntimeException e) {
            failures.increment();
            LOG.warnf("Version %d committed but not published on %s (%s); edges will see it by polling",
                    version, RedisSchema.CHANGES_CHANNEL, e.toString());
        }
    }
}
