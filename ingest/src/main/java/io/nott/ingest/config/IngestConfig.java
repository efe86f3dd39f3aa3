package io.nott.ingest.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithConverter;
import io.smallrye.config.WithDefault;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** Settings of the ingest service, under {@code ingest.*}. */
@ConfigMapping(prefix = "ingest")
public interface IngestConfig {

    /** The RTMP port nginx-rtmp listens on for publishers. Default {@code 1935}. */
    @WithDefault("1935")
    int rtmpPort();

    /**
     * The stream key a publisher must append to its URL
     * ({@code rtmp://host:1935/encoder/<name>?key=<key>}); it also authorises the write endpoints
     * ({@code Authorization: Bearer <key>}). No default: without a key every outside publish is
     * refused. Set it from a Secret ({@code INGEST_STREAM_KEY}); it is never logged.
     */
    Optional<String> streamKey();

    /**
     * Where nginx reaches this service for its {@code on_publish} callbacks. Default
     * {@code http://127.0.0.1:${quarkus.http.port}}: the callbacks are accepted from loopback only.
     */
    @WithDefault("http://127.0.0.1:${quarkus.http.port}")
    String callbackBaseUrl();

    /** The base of the HLS URLs the API shows. Default {@code http://localhost:8083/hls}. */
    @WithDefault("http://localhost:${ingest.hls.http-port}/hls")
    String publicHlsBaseUrl();

    /** The base of the RTMP publish URLs the API shows. Default {@code rtmp://localhost:1935/encoder}. */
    @WithDefault("rtmp://localhost:${ingest.rtmp-port}/encoder")
    String publicRtmpBaseUrl();

    /** The nginx process. */
    Nginx nginx();

    /** HLS output and its HTTP server. */
    Hls hls();

    /** The FFmpeg ladder started by nginx-rtmp's {@code exec}, writing HLS itself. */
    Transcoder transcoder();

    /** The synthetic colour-bar source. */
    TestSource testSource();

    /** Settings of the supervised nginx. */
    interface Nginx {

        /** The nginx binary. Default {@code /usr/sbin/nginx} (Debian's nginx-light). */
        @WithDefault("/usr/sbin/nginx")
        String binary();

        /** The RTMP dynamic module. Default {@code /usr/lib/nginx/modules/ngx_rtmp_module.so} (libnginx-mod-rtmp). */
        @WithDefault("/usr/lib/nginx/modules/ngx_rtmp_module.so")
        String rtmpModule();

        /**
         * Directory for the rendered {@code nginx.conf}, pid, temp files and logs; nginx never
         * touches {@code /etc/nginx}. Default {@code ${java.io.tmpdir}/nott-ingest}.
         */
        @WithDefault("${java.io.tmpdir}/nott-ingest")
        Path workDir();

        /**
         * The {@code user} nginx workers run as; only used when the service runs as root (then
         * the default is {@code root}, since the workers write into the service's directories).
         */
        Optional<String> user();

        /** How long to wait for nginx to accept connections after a start. Default {@code 10s}. */
        @WithDefault("10s")
        Duration startTimeout();

        /** How long to wait for nginx to exit after SIGTERM before killing it. Default {@code 10s}. */
        @WithDefault("10s")
        Duration stopTimeout();

        /** First delay before restarting a dead nginx; doubles per crash, up to 30 s. Default {@code 1s}. */
        @WithDefault("1s")
        Duration restartBackoff();
    }

    /** Settings of the HLS output. */
    interface Hls {

        /** Port of nginx's HTTP server that serves {@code /hls/}. Default {@code 8083}. */
        @WithDefault("8083")
        int httpPort();

        /** Directory the transcoder writes playlists and segments to. Default {@code <work-dir>/hls}. */
        Optional<Path> directory();

        /**
         * Target segment length; a multiple of the keyframe interval. Default {@code 1s}: the
         * player holds about two segments behind the newest one, so this sets most of the latency.
         */
        @WithDefault("1s")
        Duration fragment();

        /**
         * Length of the live playlist window, at least three fragments. Default {@code 6s}: short
         * playlists are cheap to reload every second, and a viewer further behind than that is
         * brought back to the live edge anyway.
         */
        @WithDefault("6s")
        Duration playlistLength();

        /**
         * How long the files of a stream that ended stay on disk (its last playlists with
         * {@code #EXT-X-ENDLIST} and their segments), so late viewers learn that it ended.
         * Default {@code 60s}.
         */
        @WithDefault("60s")
        Duration endedRetention();
    }

    /** Settings of the transcoder. */
    interface Transcoder {

        /** The FFmpeg binary. Default {@code /usr/bin/ffmpeg}. */
        @WithDefault("/usr/bin/ffmpeg")
        String ffmpeg();

        /** Output frame rate of every rendition. Default {@code 30}. */
        @WithDefault("30")
        int fps();

        /**
         * x264 preset. Default {@code ultrafast}: the whole default ladder of a 720p source costs
         * about 0.65 of a core, so it stays real time on two cores next to the test source, a
         * player and the platform's services ({@code superfast}: about 0.8; measured per
         * rendition in the README).
         */
        @WithDefault("ultrafast")
        String preset();

        /**
         * x264 tune. Default {@code zerolatency}: no frame look-ahead and no B-frames, so a frame
         * leaves the encoder as soon as it is encoded instead of a second later.
         */
        @WithDefault("zerolatency")
        String tune();

        /** Distance between keyframes, the same in every rendition so they cut segments together. Default {@code 1s}. */
        @WithDefault("1s")
        Duration keyframeInterval();

        /** The ffprobe binary that reads the source's picture height before the ladder starts. Default {@code /usr/bin/ffprobe}. */
        @WithDefault("/usr/bin/ffprobe")
        String ffprobe();

        /** How long nginx-rtmp waits before respawning a dead transcoder. Default {@code 1s}. */
        @WithDefault("1s")
        Duration respawnDelay();

        /**
         * The candidate renditions, {@code name:WIDTHxHEIGHT:videoKbps:audioKbps[:fps]} per
         * entry, each with its own picture height. A stream gets every rendition no taller than
         * its source (the smallest one if the source is smaller still), so a 1280x720 source
         * gets 720p, 480p, 360p and 240p. The width is the 16:9 nominal one: the picture keeps
         * the source's aspect ratio at the rendition's height. {@code fps} (default
         * {@code ingest.transcoder.fps}) lowers the frame rate of small renditions, where it
         * costs CPU for little gain. The variant playlist of rendition {@code 720p} is
         * {@code <stream>_720p.m3u8}. Default
         * {@code 1080p:1920x1080:4500:128,720p:1280x720:2500:128,480p:854x480:1000:96,360p:640x360:600:96,240p:426x240:300:64:15}.
         */
        @WithDefault("1080p:1920x1080:4500:128,720p:1280x720:2500:128,480p:854x480:1000:96,360p:640x360:600:96,240p:426x240:300:64:15")
        @WithConverter(RenditionConverter.class)
        List<Rendition> ladder();
    }

    /** Settings of the colour-bar test source ({@code testsrc2} plus a 440 Hz sine). */
    interface TestSource {

        /** Picture size. Default {@code 1280x720}. */
        @WithDefault("1280x720")
        String size();

        /** Frame rate. Default {@code 30}. */
        @WithDefault("30")
        int frameRate();

        /** Video bitrate in kb/s. Default {@code 1500}. */
        @WithDefault("1500")
        int videoKbps();
    }
}
