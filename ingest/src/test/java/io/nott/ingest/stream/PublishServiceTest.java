package io.nott.ingest.stream;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.nott.ingest.stream.service.PublishService;
import io.nott.ingest.support.TestConfigs;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PublishServiceTest {

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final Clock clock = Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC);
    private final PublishService service = new PublishService(
            TestConfigs.ingest(Map.of("ingest.stream-key", "right-key")), clock, registry);

    private double refused(String reason) {
        return registry.get("ingest.publishes.refused").tag("reason", reason).counter().count();
    }

    @Test
    void theRightKeyPublishesAndAWrongOneIsRefusedAndCounted() {
        assertThat(service.onPublish("colorbar", "wrong", "10.0.0.9", "1", false).allowed()).isFalse();
        assertThat(service.onPublish("colorbar", null, "10.0.0.9", "2", false).allowed()).isFalse();
        assertThat(refused("key")).isEqualTo(2);
        assertThat(service.session("colorbar")).isEmpty();

        assertThat(service.onPublish("colorbar", "right-key", "10.0.0.8", "3", false).allowed()).isTrue();
        assertThat(registry.get("ingest.publishes").counter().count()).isEqualTo(1);
        assertThat(service.session("colorbar")).get().extracting(PublishService.Session::address).isEqualTo("10.0.0.8");
    }

    @Test
    void badNamesAndBusyStreamsAreRefused() {
        assertThat(service.onPublish("bad_name", "right-key", "a", "1", false).allowed()).isFalse();
        assertThat(service.onPublish("../x", "right-key", "a", "1", false).allowed()).isFalse();
        assertThat(refused("name")).isEqualTo(2);
        assertThat(service.onPublish("colorbar", "right-key", "a", "1", true).allowed()).isFalse();
        assertThat(refused("busy")).isEqualTo(1);
    }

    @Test
    void aNewTranscoderProcessDuringOnePublishCountsAsARestart() {
        service.transcoderSeen("colorbar", 100); // no publish: ignored
        service.onPublish("colorbar", "right-key", "a", "7", false);
        service.transcoderSeen("colorbar", 100);
        service.transcoderSeen("colorbar", 100);
        // The series exists at 0 from the first transcoder on (so Prometheus' increase() sees the
        // first restart), and the same process seen again is no restart.
        assertThat(registry.get("ingest.transcoder.restarts").tag("stream", "colorbar").counter().count()).isZero();

        service.transcoderSeen("colorbar", 200);
        assertThat(registry.get("ingest.transcoder.restarts").tag("stream", "colorbar").counter().count()).isEqualTo(1);

        service.onPublishDone("colorbar", "other-client");
        assertThat(service.session("colorbar")).isPresent();
        service.onPublishDone("colorbar", "7");
        // a new publish starts a new transcoder: not a restart
        service.onPublish("colorbar", "right-key", "a", "8", false);
        service.transcoderSeen("colorbar", 300);
        assertThat(registry.get("ingest.transcoder.restarts").tag("stream", "colorbar").counter().count()).isEqualTo(1);
    }

    @Test
    void testSourceKeysWorkOnlyForTheirStreamAndUntilRevoked() {
        service.allowTestSource("bars", "one-time");
        assertThat(service.onPublish("other", "one-time", "127.0.0.1", "1", false).allowed()).isFalse();
        assertThat(service.onPublish("bars", "one-time", "127.0.0.1", "2", false).allowed()).isTrue();
        assertThat(service.isStreamKey("one-time")).isFalse();
        service.onPublishDone("bars", "2");
        service.revokeTestSource("bars");
        assertThat(service.onPublish("bars", "one-time", "127.0.0.1", "3", false).allowed()).isFalse();
    }

    @Test
    void withoutAConfiguredKeyEveryPublishIsRefused() {
        PublishService open = new PublishService(TestConfigs.ingest(Map.of()), clock, new SimpleMeterRegistry());
        assertThat(open.onPublish("colorbar", "", "a", "1", false).allowed()).isFalse();
        assertThat(open.onPublish("colorbar", null, "a", "1", false).allowed()).isFalse();
        assertThat(open.isStreamKey("")).isFalse();
    }
}
