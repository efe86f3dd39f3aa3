package io.nott.service.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

class MeterHelpTest {

    private final MeterRegistry registry = new SimpleMeterRegistry();

    MeterHelpTest() {
        registry.config().meterFilter(MeterHelp.filter());
    }

    @Test
    void aQuarkusMeterWithoutHelpGetsOne() {
        Gauge gauge = Gauge.builder("netty.eventexecutor.tasks.pending", () -> 3).tag("name", "loop-1").register(registry);
        assertThat(gauge.getId().getDescription()).startsWith("Tasks waiting in the queue of a Netty event loop");
        assertThat(gauge.getId().getTag("name")).isEqualTo("loop-1");
        assertThat(gauge.value()).isEqualTo(3.0);
    }

    @Test
    void aMeterWithItsOwnHelpKeepsItAndOthersAreLeftAlone() {
        Gauge described = Gauge.builder("http.server.active.requests", () -> 1).description("own").register(registry);
        Gauge other = Gauge.builder("something.else", () -> 1).register(registry);
        assertThat(described.getId().getDescription()).isEqualTo("own");
        assertThat(other.getId().getDescription()).isNull();
    }
}
