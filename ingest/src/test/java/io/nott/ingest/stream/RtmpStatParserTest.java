package io.nott.ingest.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nott.ingest.stream.client.RtmpStat;
import io.nott.ingest.stream.client.RtmpStatParser;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RtmpStatParserTest {

    @Test
    void readsStreamsPublishersAndBitrates() throws Exception {
        byte[] xml;
        try (var in = getClass().getResourceAsStream("/rtmp-stat.xml")) {
            xml = in.readAllBytes();
        }
        RtmpStat stat = RtmpStatParser.parse(xml);

        assertThat(stat.inApp("encoder")).hasSize(2);
        RtmpStat.StreamStat colorbar = stat.find("encoder", "colorbar").orElseThrow();
        assertThat(colorbar.publishing()).isTrue();
        assertThat(colorbar.publisherAddress()).contains("10.1.2.3");
        assertThat(colorbar.bitsPerSecondIn()).isEqualTo(966912);
        assertThat(colorbar.ageMillis()).isEqualTo(17343);
        RtmpStat.StreamStat idle = stat.find("encoder", "idle").orElseThrow();
        assertThat(idle.publishing()).isFalse();
        assertThat(idle.publisherAddress()).isEqualTo(Optional.empty());
        assertThat(stat.find("hls", "colorbar_high").orElseThrow().bitsPerSecondIn()).isEqualTo(1071544);
    }

    @Test
    void refusesDoctypes() {
        byte[] xml = "<?xml version=\"1.0\"?><!DOCTYPE x [<!ENTITY e SYSTEM \"file:///etc/passwd\">]><rtmp>&e;</rtmp>"
                .getBytes(StandardCharsets.UTF_8);
        assertThatThrownBy(() -> RtmpStatParser.parse(xml)).hasMessageContaining("not readable XML");
    }
}
