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
    void rendersTheTranscoderScriptAsTheExecLine() {
        IngestConfig config = config(Map.of());
        String conf = NginxConfigRenderer.render(config, NginxLayout.of(config), false);

        String exec = conf.lines().filter(l -> l.strip().startsWith("exec ")).findFirst().orElseThrow();
        assertThat(exec.strip()).isEqualTo("exec /bin/sh " + work.resolve("transcode.sh") + " $name 2>>"
                + work.resolve("logs") + "/transcoder-$name.log;");
        // nginx-rtmp's hls module is gone: FFmpeg writes the playlists
        assertThat(conf).doesNotContain("hls_variant", "application hls", "hls on;")
                .contains("listen 19999;", "listen 18999;", "max-age=1\"")
                .contains("allow play 127.0.0.1;")
                .contains("on_publish http://127.0.0.1:8082/internal/rtmp/on-publish;")
                .contains("pid " + work.resolve("nginx.pid") + ";")
                .doesNotContain("{{", "/etc/nginx", "user ");
    }

    @Test
    void theScriptPicksTheLadderThatFitsTheSourceAndWritesLowLatencyHls() {
        IngestConfig config = config(Map.of());
        String script = TranscoderCommand.script(config, NginxLayout.of(config));

        assertThat(script).startsWith("#!/bin/sh\n")
                .contains("/usr/bin/ffprobe -v error", "\"rtmp://127.0.0.1:19999/encoder/${name}\"")
                // one branch per source height, tallest first; the last is the smallest rendition alone
                .containsSubsequence("if [ \"$height\" -ge 1080 ]", "# 1080p 720p 480p 360p 240p",
                        "elif [ \"$height\" -ge 720 ]", "# 720p 480p 360p 240p",
                        "elif [ \"$height\" -ge 480 ]", "elif [ \"$height\" -ge 360 ]", "elif true", "# 240p\n", "fi\n");
        String for720 = script.lines().filter(l -> l.contains("-var_stream_map 'v:0,a:0,name:720p")).findFirst().orElseThrow();
        assertThat(for720).contains("-var_stream_map 'v:0,a:0,name:720p v:1,a:1,name:480p v:2,a:2,name:360p v:3,a:3,name:240p'")
                .contains("-filter_complex '[0:v]fps=30,split=4[s0][s1][s2][s3];[s0]scale=-2:720,setsar=1[v0];"
                        + "[s1]scale=-2:480,setsar=1[v1];[s2]scale=-2:360,setsar=1[v2];[s3]fps=15,scale=-2:240,setsar=1[v3]'")
                .contains("-preset ultrafast -tune zerolatency", "-force_key_frames 'expr:gte(t,n_forced*1.0)'")
                // the cheap AAC coder, and the source's channel count (a mono source stays mono)
                .contains("-c:a aac -aac_coder fast -ar 48000 -ac \"${channels}\"")
                .contains("-b:v:0 2500k -maxrate:v:0 2500k", "-g:v:0 30", "-g:v:3 15", "-b:a:3 64k")
                .contains("-hls_time 1.0 -hls_list_size 6", "delete_segments+program_date_time+independent_segments+temp_file")
                .contains("-hls_start_number_source epoch_us")
                .contains("-hls_segment_filename \"" + work.resolve("hls") + "/${name}_%v-%d.ts\"")
                .contains("-master_pl_name \"${name}.m3u8\"")
                .endsWith("\"" + work.resolve("hls") + "/${name}_%v.m3u8\"");
        assertThat(script).contains("1) channels=1 ;; *) channels=2 ;;");
        // a source without audio gets video-only variants
        assertThat(script).contains("-var_stream_map 'v:0,name:720p v:1,name:480p v:2,name:360p v:3,name:240p'");
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
    void aSingleRenditionNeedsNoSplitBeforeScaling() {
        assertThat(TranscoderCommand.filterGraph(25, java.util.List.of(
                io.nott.ingest.config.Rendition.parse("a:640x360:700:64"))))
                .isEqualTo("[0:v]fps=25,scale=-2:360,setsar=1[v0]");
    }

    @Test
    void runningAsRootKeepsWorkersOnTheConfiguredUser() {
        IngestConfig config = config(Map.of());
        assertThat(NginxConfigRenderer.render(config, NginxLayout.of(config), true)).contains("\nuser root;");
    }

    @Test
    void refusesFragmentsThatAreNotAMultipleOfTheKeyframeInterval() {
        IngestConfig config = config(Map.of("ingest.hls.fragment", "1500ms"));
        assertThatThrownBy(() -> NginxConfigRenderer.render(config, NginxLayout.of(config), false))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("multiple of ingest.transcoder.keyframe-interval");
    }

    @Test
    void refusesDuplicateRenditionsAndPathsWithSpaces() {
        IngestConfig dup = config(Map.of("ingest.transcoder.ladder", "a:640x360:700:64,a:426x240:300:64"));
        assertThatThrownBy(() -> NginxConfigRenderer.render(dup, NginxLayout.of(dup), false))
                .hasMessageContaining("names rendition 'a' twice");
        // two rungs of one height would show as the same quality twice
        IngestConfig sameHeight = config(Map.of("ingest.transcoder.ladder", "a:426x240:400:64,b:426x240:200:64"));
        assertThatThrownBy(() -> NginxConfigRenderer.render(sameHeight, NginxLayout.of(sameHeight), false))
                .hasMessageContaining("two renditions 240 pixels high");
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
