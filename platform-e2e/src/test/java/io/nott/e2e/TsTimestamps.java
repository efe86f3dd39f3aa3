package io.nott.e2e;

/**
 * The timestamps of an MPEG-TS segment (ISO/IEC 13818-1): reads the first video PTS, and
 * shifts every PTS, DTS and PCR by one amount, the rest of the bytes untouched. Enough for the
 * segments FFmpeg writes (188-byte packets, PES headers in the packet that starts them).
 */
final class TsTimestamps {

    /** 90 kHz ticks per second: the clock of PTS, DTS and the PCR base. */
    static final long CLOCK = 90_000;
    private static final int PACKET = 188;
    private static final long WRAP = 1L << 33;

    private TsTimestamps() {
    }

    /** The PTS (90 kHz ticks) of the first video PES of {@code ts}. */
    static long firstVideoPts(byte[] ts) {
        for (int p = 0; p + PACKET <= ts.length; p += PACKET) {
            int pes = pesStart(ts, p);
            if (pes >= 0 && (ts[pes + 3] & 0xF0) == 0xE0 && (ts[pes + 7] & 0x80) != 0) {
                return readTimestamp(ts, pes + 9);
            }
        }
        throw new IllegalArgumentException("no video PES with a PTS in these " + ts.length + " bytes");
    }

    /** A copy of {@code ts} with every PTS, DTS and PCR moved by {@code ticks} (90 kHz, modulo 2^33). */
    static byte[] shifted(byte[] ts, long ticks) {
        if (ts.length % PACKET != 0) {
            throw new IllegalArgumentException("not whole 188-byte TS packets: " + ts.length + " bytes");
        }
        byte[] out = ts.clone();
        for (int p = 0; p < out.length; p += PACKET) {
            if (out[p] != 0x47) {
                throw new IllegalArgumentException("no TS sync byte at " + p);
            }
            boolean adaptation = (out[p + 3] & 0x20) != 0;
            if (adaptation && (out[p + 4] & 0xFF) > 0 && (out[p + 5] & 0x10) != 0) {
                shiftPcr(out, p + 6, ticks);
            }
            int pes = pesStart(out, p);
            if (pes >= 0) {
                int flags = (out[pes + 7] & 0xC0) >> 6;
                if (flags >= 2) {
                    writeTimestamp(out, pes + 9, readTimestamp(out, pes + 9) + ticks);
                }
                if (flags == 3) {
                    writeTimestamp(out, pes + 14, readTimestamp(out, pes + 14) + ticks);
                }
            }
        }
        return out;
    }

    /** The offset of the PES header that starts in packet {@code p}, or -1. */
    private static int pesStart(byte[] ts, int p) {
        boolean unitStart = (ts[p + 1] & 0x40) != 0;
        int control = (ts[p + 3] & 0x30) >> 4;
        if (!unitStart || (control & 1) == 0) {
            return -1;
        }
        int payload = p + 4 + ((control & 2) != 0 ? 1 + (ts[p + 4] & 0xFF) : 0);
        boolean pes = payload + 19 <= p + PACKET && ts[payload] == 0 && ts[payload + 1] == 0 && ts[payload + 2] == 1
                && (ts[payload + 3] & 0xFF) >= 0xC0 && (ts[payload + 3] & 0xFF) <= 0xEF;
        return pes ? payload : -1;
    }

    private static long readTimestamp(byte[] b, int i) {
        return ((long) (b[i] & 0x0E) << 29) | ((b[i + 1] & 0xFFL) << 22) | ((b[i + 2] & 0xFEL) << 14)
                | ((b[i + 3] & 0xFFL) << 7) | ((b[i + 4] & 0xFEL) >> 1);
    }

    /** Writes the 33 bits, keeping the 4-bit prefix and the marker bits already there. */
    private static void writeTimestamp(byte[] b, int i, long value) {
        long v = Math.floorMod(value, WRAP);
        b[i] = (byte) ((b[i] & 0xF1) | ((v >> 29) & 0x0E));
        b[i + 1] = (byte) (v >> 22);
        b[i + 2] = (byte) ((b[i + 2] & 0x01) | ((v >> 14) & 0xFE));
        b[i + 3] = (byte) (v >> 7);
        b[i + 4] = (byte) ((b[i + 4] & 0x01) | ((v << 1) & 0xFE));
    }

    /** The PCR's 33-bit base (90 kHz) moves; its 6 reserved bits and 9-bit extension stay. */
    private static void shiftPcr(byte[] b, int i, long ticks) {
        long base = ((b[i] & 0xFFL) << 25) | ((b[i + 1] & 0xFFL) << 17) | ((b[i + 2] & 0xFFL) << 9)
                | ((b[i + 3] & 0xFFL) << 1) | ((b[i + 4] & 0x80L) >> 7);
        long v = Math.floorMod(base + ticks, WRAP);
        b[i] = (byte) (v >> 25);
        b[i + 1] = (byte) (v >> 17);
        b[i + 2] = (byte) (v >> 9);
        b[i + 3] = (byte) (v >> 1);
        b[i + 4] = (byte) ((b[i + 4] & 0x7F) | ((v & 1) << 7));
    }
}
