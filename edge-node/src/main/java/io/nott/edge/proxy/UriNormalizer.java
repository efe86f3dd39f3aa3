package io.nott.edge.proxy;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * nginx's {@code ngx_http_parse_complex_uri} on a Unix build, checked against nginx 1.22 (the
 * table in {@code UriNormalizationIT}): percent escapes are decoded once and the decoded bytes
 * take part in the rest ({@code %2e%2e} is {@code ..}, {@code %2F} a separator, {@code %252e}
 * stays {@code %2e}); empty segments are merged ({@code merge_slashes on}); {@code .} segments go,
 * {@code ..} removes the segment before it, and a trailing one leaves a trailing slash
 * ({@code /a/b/..} is {@code /a/}); a backslash is an ordinary byte, as on Linux. Refused with
 * 400, as nginx does: a path climbing above {@code /}, a bad escape, {@code %00}, a path not
 * starting with {@code /}.
 *
 * <p>Why the edge forwards the normalised path: its routes pass the prefix on (nginx's
 * {@code location /hls/ { proxy_pass http://hls/hls/; }}), and nginx forwards the normalised URI
 * then; forwarding the raw one would let the origin resolve {@code /hls/../secret} outside the
 * route (issue #15).
 */
final class UriNormalizer {

    private UriNormalizer() {
    }

    static RequestUri normalize(String rawPath, String query) {
        if (rawPath == null || rawPath.isEmpty() || rawPath.charAt(0) != '/') {
            throw ProxyException.badRequest("the request path must start with '/' (got '" + abbreviate(rawPath) + "')");
        }
        byte[] decoded = decode(rawPath);
        byte[] path = resolveSegments(decoded, rawPath);
        return new RequestUri(new String(path, StandardCharsets.UTF_8), escape(path), query);
    }

    /**
     * Percent-decodes once. The raw path holds one character per byte of the request line (Netty
     * reads it as ISO-8859-1), so raw UTF-8 from the client ({@code €} sent unescaped) is taken back
     * as the bytes it came as, not encoded a second time.
     */
    private static byte[] decode(String rawPath) {
        byte[] raw = rawPath.getBytes(StandardCharsets.ISO_8859_1);
        ByteArrayOutputStream out = new ByteArrayOutputStream(raw.length);
        for (int i = 0; i < raw.length; i++) {
            byte b = raw[i];
            if (b != '%') {
                out.write(b);
                continue;
            }
            int high = i + 1 < raw.length ? Character.digit(raw[i + 1], 16) : -1;
            int low = i + 2 < raw.length ? Character.digit(raw[i + 2], 16) : -1;
            if (high < 0 || low < 0) {
                throw ProxyException.badRequest("the request path has a bad percent escape: '" + abbreviate(rawPath) + "'");
            }
            int value = high * 16 + low;
            if (value == 0) {
                throw ProxyException.badRequest("the request path contains %00: '" + abbreviate(rawPath) + "'");
            }
            out.write(value);
            i += 2;
        }
        return out.toByteArray();
    }

    /** Merges slashes and resolves {@code .}/{@code ..} over the decoded bytes, which start with '/'. */
    private static byte[] resolveSegments(byte[] in, String rawPath) {
        byte[] out = new byte[in.length + 1];
        int length = 0;
        int i = 0;
        while (i < in.length) {
            while (i < in.length && in[i] == '/') {
                i++; // merge_slashes
            }
            int start = i;
            while (i < in.length && in[i] != '/') {
                i++;
            }
            int segment = i - start;
            boolean last = i >= in.length;
            if (segment == 0) {
                out[length++] = '/'; // the path ends with a slash (or is "/")
                break;
            }
            if (segment == 1 && in[start] == '.') {
                if (last) {
                    out[length++] = '/';
                }
                continue;
            }
            if (segment == 2 && in[start] == '.' && in[start + 1] == '.') {
                if (length == 0) {
                    throw ProxyException.badRequest("the request path climbs above '/': '" + abbreviate(rawPath) + "'");
                }
                while (out[length - 1] != '/') {
                    length--;
                }
                length--; // the slash before the removed segment
                if (last) {
                    out[length++] = '/';
                }
                continue;
            }
            out[length++] = '/';
            System.arraycopy(in, start, out, length, segment);
            length += segment;
        }
        if (length == 0) {
            out[length++] = '/';
        }
        return java.util.Arrays.copyOf(out, length);
    }

    /** Escapes what nginx's {@code ngx_escape_uri(NGX_ESCAPE_URI)} escapes (measured on 1.22: not '"'). */
    static String escape(byte[] path) {
        StringBuilder out = new StringBuilder(path.length + 8);
        for (byte b : path) {
            int c = b & 0xff;
            if (needsEscape(c)) {
                out.append('%').append(HEX[c >> 4]).append(HEX[c & 0xf]);
            } else {
                out.append((char) c);
            }
        }
        return out.toString();
    }

    private static final char[] HEX = "0123456789ABCDEF".toCharArray();

    private static boolean needsEscape(int c) {
        return c <= 0x20 || c >= 0x7f || c == '#' || c == '%' || c == '?' || c == '<' || c == '>' || c == '\\'
                || c == '^' || c == '`' || c == '{' || c == '|' || c == '}';
    }

    private static String abbreviate(String s) {
        if (s == null) {
            return "";
        }
        return s.length() <= 200 ? s : s.substring(0, 200) + "...";
    }
}
