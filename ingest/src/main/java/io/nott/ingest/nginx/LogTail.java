package io.nott.ingest.nginx;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Reads the end of a log file without loading all of it. */
public final class LogTail {

    private static final int MAX_BYTES = 256 * 1024;

    private LogTail() {
    }

    /** The last {@code lines} lines of the file, or an empty string when it does not exist. */
    public static String read(Path file, int lines) {
        if (!Files.isRegularFile(file)) {
            return "";
        }
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "r")) {
            long length = raf.length();
            int size = (int) Math.min(length, MAX_BYTES);
            byte[] buf = new byte[size];
            raf.seek(length - size);
            raf.readFully(buf);
            String text = new String(buf, StandardCharsets.UTF_8);
            String[] all = text.split("\n", -1);
            int end = all.length > 0 && all[all.length - 1].isEmpty() ? all.length - 1 : all.length;
            int from = Math.max(size < length ? 1 : 0, end - lines);
            return String.join("\n", java.util.Arrays.copyOfRange(all, Math.min(from, end), end));
        } catch (IOException e) {
            return "";
        }
    }
}
