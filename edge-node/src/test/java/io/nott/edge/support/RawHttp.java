package io.nott.edge.support;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * One HTTP/1.1 request with the target sent byte for byte ({@code ..}, {@code //}, backslashes
 * and bad escapes included), which {@code java.net.http} would refuse or rewrite.
 */
public final class RawHttp {

    /** A response: status, body bytes (the body is not de-chunked; tests look for markers in it) and the head as sent. */
    public record Answer(int status, byte[] body, String head) {
        public Answer(int status, byte[] body) {
            this(status, body, "");
        }

        public String text() {
            return new String(body, StandardCharsets.UTF_8);
        }

        /** The first value of a response header (case-insensitive name), or null. */
        public String header(String name) {
            for (String line : head.split("\r\n")) {
                int colon = line.indexOf(':');
                if (colon > 0 && line.substring(0, colon).trim().equalsIgnoreCase(name)) {
                    return line.substring(colon + 1).trim();
                }
            }
            return null;
        }
    }

    private RawHttp() {
    }

    public static Answer get(int port, String target, String... headerLines) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(20_000);
            StringBuilder request = new StringBuilder("GET ").append(target).append(" HTTP/1.1\r\nHost: localhost\r\n");
            for (String line : headerLines) {
                request.append(line).append("\r\n");
            }
            request.append("Connection: close\r\n\r\n");
            socket.getOutputStream().write(request.toString().getBytes(StandardCharsets.UTF_8));
            InputStream in = socket.getInputStream();
            ByteArrayOutputStream all = new ByteArrayOutputStream();
            in.transferTo(all);
            byte[] bytes = all.toByteArray();
            int headEnd = indexOf(bytes, "\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            if (headEnd < 0) {
                throw new IOException("no complete response head for " + target + ": " + new String(bytes, StandardCharsets.ISO_8859_1));
            }
            String statusLine = new String(bytes, 0, Math.min(12, bytes.length), StandardCharsets.US_ASCII);
            int status = Integer.parseInt(statusLine.substring(9, 12));
            return new Answer(status, Arrays.copyOfRange(bytes, headEnd + 4, bytes.length),
                    new String(bytes, 0, headEnd, StandardCharsets.ISO_8859_1));
        }
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
