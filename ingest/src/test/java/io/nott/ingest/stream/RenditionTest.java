package io.nott.ingest.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nott.ingest.config.Ladder;
import io.nott.ingest.config.Rendition;
import io.nott.ingest.support.TestConfigs;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RenditionTest {

    @Test
    void defaultLadderHasOneRenditionPerHeightAndFifteenFpsAtTheBottom() {
        var ladder = TestConfigs.ingest(Map.of()).transcoder().ladder();
        assertThat(ladder).containsExactly(
                new Rendition("1080p", 1920, 1080, 4500, 128),
                new Rendition("720p", 1280, 720, 2500, 128),
                new Rendition("480p", 854, 480, 1000, 96),
                new Rendition("360p", 640, 360, 600, 96),
                new Rendition("240p", 426, 240, 300, 64, 15));
        assertThat(ladder.get(1).suffix()).isEqualTo("_720p");
        assertThat(ladder.get(4).fpsOr(30)).isEqualTo(15);
        assertThat(ladder.get(1).fpsOr(30)).isEqualTo(30);
    }

    @Test
    void aSourceGetsEveryRenditionNoTallerThanItself() {
        var ladder = TestConfigs.ingest(Map.of()).transcoder().ladder();
        assertThat(Ladder.forSourceHeight(ladder, 720)).extracting(Rendition::name)
                .containsExactly("720p", "480p", "360p", "240p");
        assertThat(Ladder.forSourceHeight(ladder, 2160)).hasSize(5);
        assertThat(Ladder.forSourceHeight(ladder, 400)).extracting(Rendition::name).containsExactly("360p", "240p");
        // smaller than every rendition, or unknown: the smallest alone
        assertThat(Ladder.forSourceHeight(ladder, 144)).extracting(Rendition::name).containsExactly("240p");
        assertThat(Ladder.forSourceHeight(ladder, 0)).extracting(Rendition::name).containsExactly("240p");
        assertThat(Ladder.all(ladder)).hasSize(5);
    }

    @Test
    void badEntriesSayWhatToWrite() {
        assertThatThrownBy(() -> Rendition.parse("high:640:750:128"))
                .hasMessageContaining("name:WIDTHxHEIGHT:videoKbps:audioKbps[:fps]");
        assertThatThrownBy(() -> Rendition.parse("slow:640x360:750:128:200")).hasMessageContaining("fps 200");
        assertThatThrownBy(() -> Rendition.parse("High:640x360:750:128")).hasMessageContaining("must match");
        assertThatThrownBy(() -> Rendition.parse("odd:641x360:750:128")).hasMessageContaining("even");
        assertThatThrownBy(() -> Rendition.parse("x:640x360:fast:128")).hasMessageContaining("integers");
    }
}
