package io.nott.ingest.nginx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nott.ingest.config.IngestConfig;
import io.nott.ingest.support.TestConfigs;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NginxConfigRendererIT {

    @TempDir
    Path work;

    private IngestConfig config(Map<String, String> extra) {
        var values = new java.util.HashMap<>(Map.of("ingest.nginx.work-dir", work.toString(),
                "ingest.rtmp-port", "19999", "ingest.hls.http-port", "18999"));
        values.putAll(extra);
        return TestConfigs.ingest(values);
    }

    @Test
    void rendersTheSeedLadderAsOneExecLineAndThreeVariants() {
        IngestConfig config = config(Map.of());
        String conf = NginxConfigRenderer.render(config, NginxLayout.of(config), false);

        String exec = conf.lines().filter(l -> l.strip().startsWith("exec ")).findFirst().orElseThrow();
        assertThat(exec).contains("-i rtmp://127.0.0.1:19999/encoder/${name} ")
                // fps once, each size scaled once: the two 426x240 rungs share one scaler
                .contains("-filter_complex \"[0:v]fps=30,split=2[s0][s1];[s0]scale=640:360,setsar=1[v0];"
                        + "[s1]scale=426:240,setsar=1,split=2[v1][v2]\"")
                .contains("-map [v0] -map 0:a:0? -c:v libx264", "-map [v2]")
                .contains("-b:v 750k", "-b:v 400k", "-b:v 200k")
                .contains("-preset veryfast", "-g 60 -keyint_min 60 -sc_threshold 0")
                .contains("rtmp://127.0.0.1:19999/hls/${name}_high", "/hls/${name}_mid", "/hls/${name}_low")
                .endsWith("2>>" + work.resolve("logs") + "/transcoder-${name}.log;");
        assertThat(conf).contains("hls_variant _high BANDWIDTH=965800 RESOLUTION=640x360;")
                .contains("hls_variant _mid BANDWIDTH=580800 RESOLUTION=426x240;")
                .contains("hls_variant _low BANDWIDTH=290400 RESOLUTION=426x240;")
                .contains("listen 19999;", "listen 18999;", "hls_fragment 4000ms;", "hls_playlist_length 20000ms;")
                .contains("allow play 127.0.0.1;", "allow publish 127.0.0.1;")
                .contains("on_publish http://127.0.0.1:8082/internal/rtmp/on-publish;")
                .contains("pid " + work.resolve("nginx.pid") + ";")
                .doesNotContain("{{", "/etc/nginx", "user ");
    }

    @Test
    void realNginxAcceptsTheRenderedConfiguration() throws Exception {
        IngestConfig config = config(Map.of("ingest.transcoder.ladder", "hd:1280x720:2500:128,sd:640x360:800:96"));
        NginxLayout layout = NginxLayout.of(config);
        for (Path dir : new Path[] {layout.logDir(), layout.tempDir(), layout.hlsDir()}) {
            Files.createDirectories(dir);
        }
        Files.writeString(layout.confFile(), NginxConfigRenderer.render(config, layout, false), StandardCharsets.UTF_8);

        Process test = new ProcessBuilder(config.nginx().binary(), "-t", "-p", work.toString(),
                "-c", layout.confFile().toString(), "-e", layout.errorLog().toString())
                .redirectErrorStream(true).start();
        String output = new String(test.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(test.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(test.exitValue()).as(output).isZero();
        assertThat(output).contains("syntax is ok");
    }

    @Test
    void aSingleSizeLadderNeedsNoSplitBeforeScaling() {
        assertThat(TranscoderCommand.filterGraph(25, java.util.List.of(
                io.nott.ingest.config.Rendition.parse("a:640x360:700:64"))))
                .isEqualTo("[0:v]fps=25,scale=640:360,setsar=1[v0]");
        assertThat(TranscoderCommand.filterGraph(30, java.util.List.of(
                io.nott.ingest.config.Rendition.parse("a:640x360:700:64"),
                io.nott.ingest.config.Rendition.parse("b:640x360:300:64"))))
                .isEqualTo("[0:v]fps=30,scale=640:360,setsar=1,split=2[v0][v1]");
    }

    @Test
    void runningAsRootKeepsWorkersOnTheConfiguredUser() {
        IngestConfig config = config(Map.of());
        assertThat(NginxConfigRenderer.render(config, NginxLayout.of(config), true)).contains("\nuser root;");
    }

    @Test
    void refusesFragmentsThatAreNotAMultipleOfTheKeyframeInterval() {
        IngestConfig config = config(Map.of("ingest.hls.fragment", "3s"));
        assertThatThrownBy(() -> NginxConfigRenderer.render(config, NginxLayout.of(config), false))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("multiple of ingest.transcoder.keyframe-interval");
    }

    @Test
    void refusesDuplicateRenditionsAndPathsWithSpaces() {
        IngestConfig dup = config(Map.of("ingest.transcoder.ladder", "a:640x360:700:64,a:426x240:300:64"));
        assertThatThrownBy(() -> NginxConfigRenderer.render(dup, NginxLayout.of(dup), false))
                .hasMessageContaining("names rendition 'a' twice");
        IngestConfig spaced = config(Map.of("ingest.nginx.work-dir", work.resolve("with space").toString()));
        assertThatThrownBy(() -> NginxConfigRenderer.render(spaced, NginxLayout.of(spaced), false))
                .hasMessageContaining("may only contain");
    }

    @Test
    void unknownPlaceholdersFail() {
        assertThatThrownBy(() -> NginxConfigRenderer.fill("a {{nope}} b", Map.of()))
                .hasMessageContaining("{{nope}}");
    }
}
