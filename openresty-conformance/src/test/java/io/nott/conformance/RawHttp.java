package io.nott.conformance;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A minimal HTTP/1.1 client on a plain socket: it sends exactly the case's request (a JDK client
 * would refuse to set {@code Host} or odd header values, and reads a closed connection as an
 * error rather than as nginx's 444), always with {@code Connection: close}, and reads until the
 * server closes.
 */
final class RawHttp {

    /** Loose: a case answers in milliseconds; this only bounds a server that hangs. */
    private static final int READ_TIMEOUT_MILLIS = 15_000;

    private RawHttp() {
    }

    static Answer send(int port, String host, ConformanceCase.CaseRequest request) {
        StringBuilder head = new StringBuilder();
        head.append(request.method()).append(' ').append(request.target()).append(' ').append(request.protocol()).append("\r\n");
        head.append("Host: ").append(host).append("\r\n");
        boolean hasLength = false;
        for (Map.Entry<String, String> h : request.headers()) {
            if (h.getKey().equalsIgnoreCase("Host")) {
                continue;
            }
            hasLength |= h.getKey().equalsIgnoreCase("Content-Length") || h.getKey().equalsIgnoreCase("Transfer-Encoding");
            head.append(h.getKey()).append(": ").append(h.getValue()).append("\r\n");
        }
        if (!hasLength && (request.body().length > 0 || List.of("POST", "PUT", "PATCH").contains(request.method()))) {
            head.append("Content-Length: ").append(request.body().length).append("\r\n");
        }
        head.append("Connection: close\r\n\r\n");
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
            socket.setSoTimeout(READ_TIMEOUT_MILLIS);
            OutputStream out = socket.getOutputStream();
            out.write(head.toString().getBytes(StandardCharsets.UTF_8));
            out.write(request.body());
            out.flush();
            byte[] all = readAll(socket.getInputStream());
            return parse(all, request.method().equals("HEAD"));
        } catch (SocketTimeoutException e) {
            return Answer.timeout();
        } catch (IOException e) {
            throw new IllegalStateException("cannot talk to 127.0.0.1:" + port + ": " + e.getMessage(), e);
        }
    }

    private static byte[] readAll(InputStream in) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buffer = new byte[16384];
        try {
            for (int n; (n = in.read(buffer)) > 0; ) {
                out.write(buffer, 0, n);
            }
        } catch (java.net.SocketException e) {
            // A reset after (part of) an answer: keep what arrived, as a browser would show it.
        }
        return out.toByteArray();
    }

    static Answer parse(byte[] all, boolean head) {
        int end = indexOf(all, "\r\n\r\n".getBytes(StandardCharsets.US_ASCII), 0);
        if (all.length == 0) {
            return Answer.closed();
        }
        if (end < 0) {
            return new Answer("garbled: " + new String(all, StandardCharsets.ISO_8859_1), Map.of(), new byte[0]);
        }
        String[] lines = new String(all, 0, end, StandardCharsets.ISO_8859_1).split("\r\n");
        String[] statusWords = lines[0].split(" ", 3);
        int code = Integer.parseInt(statusWords[1]);
        Map<String, List<String>> headers = new LinkedHashMap<>();
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            String name = lines[i].substring(0, colon).strip().toLowerCase(Locale.ROOT);
            String value = new String(lines[i].substring(colon + 1).strip().getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8);
            headers.computeIfAbsent(name, n -> new ArrayList<>()).add(value);
        }
        byte[] rest = Arrays.copyOfRange(all, end + 4, all.length);
        if (head || code == 204 || code == 304 || code / 100 == 1) {
            return new Answer(String.valueOf(code), headers, new byte[0]);
        }
        List<String> encoding = headers.getOrDefault("transfer-encoding", List.of());
        if (encoding.stream().anyMatch(e -> e.toLowerCase(Locale.ROOT).contains("chunked"))) {
            return dechunk(code, headers, rest);
        }
        List<String> length = headers.get("content-length");
        if (length != null && length.size() == 1 && length.get(0).matches("\\d+")) {
            int n = Integer.parseInt(length.get(0));
            if (rest.length < n) {
                return new Answer(code + " truncated", headers, rest);
            }
            return new Answer(String.valueOf(code), headers, Arrays.copyOf(rest, n));
        }
        return new Answer(String.valueOf(code), headers, rest);
    }

    private static Answer dechunk(int code, Map<String, List<String>> headers, byte[] rest) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        int pos = 0;
        while (true) {
            int lineEnd = indexOf(rest, new byte[] {'\r', '\n'}, pos);
            if (lineEnd < 0) {
                return new Answer(code + " truncated", headers, body.toByteArray());
            }
            String sizeText = new String(rest, pos, lineEnd - pos, StandardCharsets.US_ASCII).split(";")[0].strip();
            int size;
            try {
                size = Integer.parseInt(sizeText, 16);
            } catch (NumberFormatException e) {
                return new Answer(code + " truncated", headers, body.toByteArray());
            }
            pos = lineEnd + 2;
            if (size == 0) {
                return new Answer(String.valueOf(code), headers, body.toByteArray());
            }
            if (pos + size > rest.length) {
                body.write(rest, pos, Math.max(0, rest.length - pos));
                return new Answer(code + " truncated", headers, body.toByteArray());
            }
            body.write(rest, pos, size);
            pos += size + 2;
        }
    }

    private static int indexOf(byte[] haystack, byte[] needle, int from) {
        outer:
        for (int i = from; i <= haystack.length - needle.length; i++) {
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
