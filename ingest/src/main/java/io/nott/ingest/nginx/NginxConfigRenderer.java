package io.nott.ingest.nginx;

import io.nott.ingest.config.IngestConfig;
import io.nott.ingest.config.Rendition;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Renders {@code nginx/nginx.conf.template} with the typed configuration. Placeholders are
 * {@code {{name}}}; an unknown placeholder is a bug and fails the rendering.
 */
public final class NginxConfigRenderer {

    private static final String TEMPLATE = "nginx/nginx.conf.template";
    private static final Pattern PLACEHOLDER = Pattern.compile("\\{\\{([a-zA-Z]+)}}");
    private static final Pattern SAFE_PATH = Pattern.compile("[A-Za-z0-9/._+-]+");
    private static final String CORS = """
                        add_header Access-Control-Allow-Origin "*" always;
                        add_header Access-Control-Allow-Methods "GET, HEAD, OPTIONS" always;
                        add_header Access-Control-Allow-Headers "Range, Origin, Accept" always;
                        add_header Access-Control-Expose-Headers "Content-Length, Content-Range, Date, Age" always;\
            """;

    private NginxConfigRenderer() {
    }

    /** Checks what nginx cannot: paths without spaces, fragments aligned with keyframes, distinct renditions. */
    public static void validate(IngestConfig config, NginxLayout layout) {
        for (var path : new java.nio.file.Path[] {layout.workDir(), layout.hlsDir()}) {
            if (!SAFE_PATH.matcher(path.toString()).matches()) {
                throw new IllegalArgumentException("path " + path
                        + " may only contain letters, digits and / . _ + - (it goes into nginx.conf and a command line)");
            }
        }
        long fragment = config.hls().fragment().toMillis();
        long keyframes = config.transcoder().keyframeInterval().toMillis();
        if (keyframes <= 0 || fragment < keyframes || fragment % keyframes != 0) {
            throw new IllegalArgumentException("ingest.hls.fragment (" + fragment + " ms) must be a multiple of "
                    + "ingest.transcoder.keyframe-interval (" + keyframes + " ms): segments are cut at keyframes");
        }
        if (config.hls().playlistLength().toMillis() < 3 * fragment) {
            throw new IllegalArgumentException("ingest.hls.playlist-length must hold at least three fragments");
        }
        Set<String> names = new HashSet<>();
        Set<Integer> heights = new HashSet<>();
        for (Rendition r : config.transcoder().ladder()) {
            if (!names.add(r.name())) {
                throw new IllegalArgumentException("ingest.transcoder.ladder names rendition '" + r.name() + "' twice");
            }
            if (!heights.add(r.height())) {
                throw new IllegalArgumentException("ingest.transcoder.ladder has two renditions " + r.height()
                        + " pixels high; give each rendition its own height (viewers choose by height)");
            }
        }
        if (names.isEmpty()) {
            throw new IllegalArgumentException("ingest.transcoder.ladder needs at least one rendition");
        }
    }

    public static String render(IngestConfig config, NginxLayout layout, boolean runningAsRoot) {
        validate(config, layout);
        Map<String, String> values = new HashMap<>();
        values.put("rtmpModule", config.nginx().rtmpModule());
        values.put("userDirective", runningAsRoot
                ? "# Running as root: workers keep the service's user to write its directories.\nuser "
                        + config.nginx().user().orElse("root") + ";"
                : "");
        values.put("pidFile", layout.pidFile().toString());
        values.put("workDir", layout.workDir().toString());
        values.put("logDir", layout.logDir().toString());
        values.put("tempDir", layout.tempDir().toString());
        values.put("hlsDir", layout.hlsDir().toString());
        values.put("rtmpPort", Integer.toString(config.rtmpPort()));
        values.put("hlsHttpPort", Integer.toString(config.hls().httpPort()));
        values.put("callbackBaseUrl", config.callbackBaseUrl());
        values.put("respawnDelay", config.transcoder().respawnDelay().toMillis() + "ms");
        values.put("transcoderCommand", TranscoderCommand.execLine(layout));
        values.put("playlistMaxAge", Long.toString(Math.max(1, config.hls().fragment().toSeconds())));
        values.put("corsHeaders", CORS.stripTrailing());
        values.put("corsPreflightHeaders", CORS.indent(4).stripTrailing()
                + "\n                add_header Access-Control-Max-Age 86400 always;");
        return fill(template(), values);
    }

    static String fill(String template, Map<String, String> values) {
        Matcher m = PLACEHOLDER.matcher(template);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String value = values.get(m.group(1));
            if (value == null) {
                throw new IllegalStateException("nginx.conf.template uses unknown placeholder {{" + m.group(1) + "}}");
            }
            m.appendReplacement(out, Matcher.quoteReplacement(value));
        }
        m.appendTail(out);
        return out.toString();
    }

    private static String template() {
        try (InputStream in = NginxConfigRenderer.class.getClassLoader().getResourceAsStream(TEMPLATE)) {
            if (in == null) {
                throw new IllegalStateException(TEMPLATE + " is missing from the class path");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
