package io.nott.ingest.nginx;

import io.nott.ingest.config.IngestConfig;
import io.nott.ingest.config.Rendition;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The ffmpeg command line nginx-rtmp's {@code exec} runs per published stream: it reads the
 * source once from the {@code encoder} application and pushes every rendition of the ladder
 * into the {@code hls} application. {@code ${name}} is substituted by nginx-rtmp.
 */
public final class TranscoderCommand {

    private TranscoderCommand() {
    }

    /** The arguments, in order; each is one nginx token (none contains spaces). */
    public static List<String> arguments(IngestConfig config, NginxLayout layout) {
        IngestConfig.Transcoder t = config.transcoder();
        long gop = Math.round(t.keyframeInterval().toMillis() * t.fps() / 1000.0);
        String local = "rtmp://127.0.0.1:" + config.rtmpPort();
        List<String> args = new ArrayList<>(List.of(t.ffmpeg(), "-hide_banner", "-nostats", "-loglevel", "warning",
                // 1 s of probing instead of 5: the FLV header names both streams, and the
                // first segment comes about a second sooner (measured: 2.7 s -> 1.5 s to the first frame)
                "-analyzeduration", "1000000",
                "-i", local + "/encoder/${name}",
                // quoted: one nginx token although it holds ';'
                "-filter_complex", "\"" + filterGraph(t.fps(), t.ladder()) + "\""));
        for (int i = 0; i < t.ladder().size(); i++) {
            Rendition r = t.ladder().get(i);
            args.addAll(List.of(
                    "-map", "[v" + i + "]", "-map", "0:a:0?",
                    "-c:v", "libx264", "-preset", t.preset(), "-profile:v", "main",
                    "-b:v", r.videoKbps() + "k", "-maxrate", r.videoKbps() + "k", "-bufsize", 2 * r.videoKbps() + "k",
                    // Explicit keyframe interval: fixed GOP, no scene-cut keyframes, so every
                    // rendition cuts its segments at the same instants.
                    "-g", Long.toString(gop), "-keyint_min", Long.toString(gop), "-sc_threshold", "0",
                    "-c:a", "aac", "-b:a", r.audioKbps() + "k", "-ar", "48000",
                    "-f", "flv", local + "/hls/${name}" + r.suffix()));
        }
        // nginx-rtmp's shell-style redirect; no space after 2>>.
        args.add("2>>" + layout.logDir().resolve("transcoder-${name}.log"));
        return List.copyOf(args);
    }

    /**
     * The video graph: the frame rate is set once, each distinct picture size is scaled once
     * and split between the renditions that share it; output {@code [vN]} feeds rendition N.
     * {@code setsar=1} after each scale: 426x240 is not exactly 16:9, so without it FFmpeg keeps
     * the aspect ratio through a sample aspect ratio of 640:639 and players show 427 pixels wide.
     */
    static String filterGraph(int fps, List<Rendition> ladder) {
        Map<String, List<Integer>> bySize = new LinkedHashMap<>();
        for (int i = 0; i < ladder.size(); i++) {
            Rendition r = ladder.get(i);
            bySize.computeIfAbsent(r.width() + ":" + r.height(), k -> new ArrayList<>()).add(i);
        }
        StringBuilder graph = new StringBuilder("[0:v]fps=").append(fps);
        if (bySize.size() > 1) {
            graph.append(",split=").append(bySize.size());
            for (int s = 0; s < bySize.size(); s++) {
                graph.append("[s").append(s).append(']');
            }
        }
        int s = 0;
        for (Map.Entry<String, List<Integer>> size : bySize.entrySet()) {
            if (bySize.size() > 1) {
                graph.append(";[s").append(s++).append(']');
            } else {
                graph.append(',');
            }
            graph.append("scale=").append(size.getKey()).append(",setsar=1");
            if (size.getValue().size() > 1) {
                graph.append(",split=").append(size.getValue().size());
            }
            for (int out : size.getValue()) {
                graph.append("[v").append(out).append(']');
            }
        }
        return graph.toString();
    }

    /** The command as one line, as nginx-rtmp's {@code exec} needs it. */
    public static String line(IngestConfig config, NginxLayout layout) {
        return String.join(" ", arguments(config, layout));
    }
}
