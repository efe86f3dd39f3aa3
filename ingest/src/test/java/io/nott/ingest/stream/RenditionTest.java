package io.nott.ingest.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nott.ingest.config.Rendition;
import io.nott.ingest.support.TestConfigs;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RenditionTest {

    @Test
    void defaultLadderIsTheSeeds() {
        var ladder = TestConfigs.ingest(Map.of()).transcoder().ladder();
        assertThat(ladder).containsExactly(
                new Rendition("high", 640, 360, 750, 128),
                new Rendition("mid", 426, 240, 400, 128),
                new Rendition("low", 426, 240, 200, 64));
        assertThat(ladder.get(0).suffix()).isEqualTo("_high");
    }

    @Test
    void badEntriesSayWhatToWrite() {
        assertThatThrownBy(() -> Rendition.parse("high:640:750:128"))
                .hasMessageContaining("name:WIDTHxHEIGHT:videoKbps:audioKbps");
        assertThatThrownBy(() -> Rendition.parse("High:640x360:750:128")).hasMessageContaining("must match");
        assertThatThrownBy(() -> Rendition.parse("odd:641x360:750:128")).hasMessageContaining("even");
        assertThatThrownBy(() -> Rendition.parse("x:640x360:fast:128")).hasMessageContaining("integers");
    }
}
