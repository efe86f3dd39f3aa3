package io.nott.ingest.stream.service;

import java.time.Instant;

/**
 * The wall clock burned into the test source as a strip of 22 blocks in the top-left corner of
 * a 1280-wide picture, 32 pixels each: a white block, 20 bits (most significant first, white = 1)
 * of the time in tenths of a second modulo 2^20 (about 29 hours), a black block. A player reads
 * the blocks back from the frame it shows and subtracts them from its own clock: that is the
 * glass-to-glass latency, whatever the packager, edge and player did in between. Blocks rather
 * than digits: reading them needs no OCR, and they survive scaling to 240p and low bitrates.
 *
 * <p>The clock is the frame's timestamp plus the instant the source was started, so it can only
 * be early (by the ffmpeg start-up time, a few hundred ms): latency read from it is an upper
 * bound. Drawing is cheap: {@code geq} computes a 22x2 picture that is scaled up.
 */
public final class BurnedClock {

    /** Number of clock bits. */
    public static final int BITS = 20;
    /** Width of one block in a 1280-wide picture. */
    public static final int BLOCK = 32;

    private BurnedClock() {
    }

    /** A filter graph from {@code in} to {@code out} that overlays the clock of a source started at {@code start}. */
    public static String filter(Instant start, String in, String out) {
        long offset = (start.toEpochMilli() / 100) % (1L << BITS);
        int blocks = BITS + 2;
        String bit = "16+219*mod(floor((floor(T*10)+" + offset + ")/pow(2," + BITS + "-X)),2)";
        return in + "split[main][c];"
                + "[c]crop=" + blocks + ":2:0:0,geq=lum='if(eq(X,0),235,if(eq(X," + (blocks - 1) + "),16," + bit
                + "))':cb=128:cr=128,scale=" + blocks * BLOCK + ":" + BLOCK + ":flags=neighbor[clock];"
                + "[main][clock]overlay=0:0,format=yuv420p" + out;
    }
}
