package io.nott.ingest.nginx;

import io.nott.ingest.config.IngestConfig;
import io.nott.ingest.config.Rendition;
import java.util.ArrayList;
import java.util.List;

/**
 * The ffmpeg command line nginx-rtmp's {@code exec} runs per published stream: it reads the
 * source once from the {@code encoder} application and pushes every rendition of the ladder
 * into the {@code hls} application. {@code ${name}} is substituted by nginx-rtmp.
 */
public final class TranscoderCommand {

    private TranscoderCommand() {
    }

    /** The arguments, in order; each is one nginx token (none contains spaces or quotes). */
    public static List<String> arguments(IngestConfig config, NginxLayout layout) {
        IngestConfig.Transcoder t = config.transcoder();
        long gop = Math.round(t.keyframeInterval().toMillis() * t.fps() / 1000.0);
        String local = "rtmp://127.0.0.1:" + config.rtmpPort();
        List<String> args = new ArrayList<>(List.of(t.ffmpeg(), "-hide_banner", "-nostats", "-loglevel", "warning",
                "-i", local + "/encoder/${name}"));
        for (Rendition r : t.ladder()) {
            args.addAll(List.of(
                    "-map", "0:v:0", "-map", "0:a:0?",
                    "-vf", "fps=" + t.fps() + ",scale=" + r.width() + ":" + r.height(),
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

    /** The command as one line, as nginx-rtmp's {@code exec} needs it. */
    public static String line(IngestConfig config, NginxLayout layout) {
        return String.join(" ", arguments(config, layout));
    }
}
