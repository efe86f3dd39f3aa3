package io.nott.ingest.config;

import java.util.regex.Pattern;

/**
 * One rung of the ladder: its name (the variant playlist is {@code <stream>_<name>.m3u8}),
 * picture size and bitrates.
 */
public record Rendition(String name, int width, int height, int videoKbps, int audioKbps) {

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
    }

    /** The suffix nginx-rtmp's {@code hls_variant} matches on the stream name. */
    public String suffix() {
        return "_" + name;
    }

    /**
     * The {@code BANDWIDTH} of the master playlist: video plus audio plus 10% for MPEG-TS
     * overhead, since the HLS spec wants the peak rate a client must sustain.
     */
    public long bandwidth() {
        return Math.round((videoKbps + audioKbps) * 1000 * 1.1);
    }

    /** Parses {@code name:WIDTHxHEIGHT:videoKbps:audioKbps}. */
    public static Rendition parse(String text) {
        String[] parts = text.strip().split(":");
        String[] size = parts.length == 4 ? parts[1].split("x") : new String[0];
        if (size.length != 2) {
            throw new IllegalArgumentException("rendition '" + text
                    + "' must look like name:WIDTHxHEIGHT:videoKbps:audioKbps, e.g. high:640x360:750:128");
        }
        try {
            return new Rendition(parts[0], Integer.parseInt(size[0]), Integer.parseInt(size[1]),
                    Integer.parseInt(parts[2]), Integer.parseInt(parts[3]));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("rendition '" + text + "': size and bitrates must be integers", e);
        }
    }
}
