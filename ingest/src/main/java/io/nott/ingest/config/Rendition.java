package io.nott.ingest.config;

import java.util.regex.Pattern;

/**
 * One rung of the ladder: its name (the variant playlist is {@code <stream>_<name>.m3u8}),
 * nominal 16:9 picture size (the height is what the transcoder scales to), bitrates and an
 * optional frame rate ({@code 0} = the transcoder's {@code fps}).
 */
public record Rendition(String name, int width, int height, int videoKbps, int audioKbps, int fps) {

    private static final Pattern NAME = Pattern.compile("[a-z0-9]{1,16}");

    public Rendition {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("rendition name '" + name + "' must match " + NAME.pattern());
        }
        if (width < 16 || height < 16 || width % 2 != 0 || height % 2 != 0) {
            throw new IllegalArgumentException("rendition " + name + ": size " + width + "x" + height
                    + " must be even and at least 16x16");
        }
        if (videoKbps < 32 || audioKbps < 16) {
            throw new IllegalArgumentException("rendition " + name + ": video needs >= 32 kb/s, audio >= 16 kb/s");
        }
        if (fps < 0 || fps > 120) {
            throw new IllegalArgumentException("rendition " + name + ": fps " + fps + " must be between 1 and 120");
        }
    }

    public Rendition(String name, int width, int height, int videoKbps, int audioKbps) {
        this(name, width, height, videoKbps, audioKbps, 0);
    }

    /** The suffix of the rendition's playlist and segment names after the stream name. */
    public String suffix() {
        return "_" + name;
    }

    /** This rendition's frame rate, or {@code ladderFps} when it has none of its own. */
    public int fpsOr(int ladderFps) {
        return fps == 0 ? ladderFps : fps;
    }

    /**
     * The peak rate a client must sustain: video plus audio plus 10% for MPEG-TS overhead (the
     * transcoder writes it as the variant's {@code BANDWIDTH} through {@code maxrate}).
     */
    public long bandwidth() {
        return Math.round((videoKbps + audioKbps) * 1000 * 1.1);
    }

    /** Parses {@code name:WIDTHxHEIGHT:videoKbps:audioKbps[:fps]}. */
    public static Rendition parse(String text) {
        String[] parts = text.strip().split(":");
        String[] size = parts.length == 4 || parts.length == 5 ? parts[1].split("x") : new String[0];
        if (size.length != 2) {
            throw new IllegalArgumentException("rendition '" + text
                    + "' must look like name:WIDTHxHEIGHT:videoKbps:audioKbps[:fps], e.g. 720p:1280x720:2500:128");
        }
        try {
            return new Rendition(parts[0], Integer.parseInt(size[0]), Integer.parseInt(size[1]),
                    Integer.parseInt(parts[2]), Integer.parseInt(parts[3]),
                    parts.length == 5 ? Integer.parseInt(parts[4]) : 0);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("rendition '" + text + "': size, bitrates and fps must be integers", e);
        }
    }
}
