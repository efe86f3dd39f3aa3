package io.nott.ingest.stream.service;

/**
 * The wall clock burned into the test source as a strip of 22 blocks in the top-left corner of
 * a 1280-wide picture, 32 pixels each: a white block, 20 bits (most significant first, white = 1)
 * of the Unix time in tenths of a second modulo 2^20 (about 29 hours), a black block. A player
 * reads the blocks back from the frame it shows and subtracts them from its own clock: that is
 * the glass-to-glass latency, whatever the packager, edge and player did in between. Blocks
 * rather than digits: reading them needs no OCR, and they survive scaling to 240p and low
 * bitrates.
 *
 * <p>The clock is the wall clock at the moment the source's filter graph makes the frame
 * ({@code RTCTIME}), as a camera's would be: not the frame's timestamp plus the instant the
 * source was started, which lagged the wall clock by FFmpeg's start-up (seconds on a loaded
 * machine) and by any time the source fell behind its schedule, and so added a delay no later
 * stage had caused. Everything after the filter (the source's own encoder, RTMP, the ladder,
 * the edge, the player) is counted. Drawing is cheap: {@code geq} computes a 22x2 picture that
 * is scaled up.
 */
public final class BurnedClock {

    /** Number of clock bits. */
    public static final int BITS = 20;
    /** Width of one block in a 1280-wide picture. */
    public static final int BLOCK = 32;

    private BurnedClock() {
    }

    /** A filter graph from {@code in} to {@code out} that overlays the wall clock on every frame. */
    public static String filter(String in, String out) {
        int blocks = BITS + 2;
        String bit = "16+219*mod(floor(floor(T*10)/pow(2," + BITS + "-X)),2)";
        // The clock strip's timestamps become the wall clock in microseconds (so geq's T is the
        // Unix time) and go back to the frame number before the overlay, which pairs frames of
        // its two inputs by timestamp: testsrc2's timestamps are its frame numbers.
        return in + "split[main][c];"
                + "[c]crop=" + blocks + ":2:0:0,setpts='RTCTIME/(TB*1000000)',geq=lum='if(eq(X,0),235,if(eq(X,"
                + (blocks - 1) + "),16," + bit + "))':cb=128:cr=128,setpts=N,scale=" + blocks * BLOCK + ":" + BLOCK
                + ":flags=neighbor[clock];"
                + "[main][clock]overlay=0:0,format=yuv420p" + out;
    }
}
