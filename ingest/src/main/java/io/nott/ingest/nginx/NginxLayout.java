package io.nott.ingest.nginx;

import io.nott.ingest.config.IngestConfig;
import java.nio.file.Path;

/** Where the supervised nginx keeps its files, all below the service's work directory. */
public record NginxLayout(Path workDir, Path confFile, Path pidFile, Path logDir, Path tempDir, Path hlsDir) {

    public static NginxLayout of(IngestConfig config) {
        Path work = config.nginx().workDir().toAbsolutePath().normalize();
        Path hls = config.hls().directory().map(p -> p.toAbsolutePath().normalize()).orElse(work.resolve("hls"));
        return new NginxLayout(work, work.resolve("nginx.conf"), work.resolve("nginx.pid"), work.resolve("logs"),
                work.resolve("temp"), hls);
    }

    /** The error log nginx writes (also the one given with {@code -e} for start-up errors). */
    public Path errorLog() {
        return logDir.resolve("nginx-error.log");
    }

    /** The transcoder script nginx-rtmp's {@code exec} runs, rendered at every start. */
    public Path transcoderScript() {
        return workDir.resolve("transcode.sh");
    }

    /** The log file of the transcoder of one stream. */
    public Path transcoderLog(String stream) {
        return logDir.resolve("transcoder-" + stream + ".log");
    }

    /** The log file of the test source of one stream. */
    public Path testSourceLog(String stream) {
        return logDir.resolve("test-source-" + stream + ".log");
    }
}
