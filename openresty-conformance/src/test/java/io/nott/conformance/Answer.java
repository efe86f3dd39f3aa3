package io.nott.conformance;

import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What a server answered, as far as the suite compares it.
 *
 * @param status  {@code 200}, {@code 200 truncated} (the body ended before its announced end),
 *                {@code closed} (the connection closed without a response, as {@code ngx.exit(444)}
 *                does) or {@code timeout}
 * @param headers lower-case name → values in order, all headers received
 * @param body    the body, de-chunked
 */
record Answer(String status, Map<String, List<String>> headers, byte[] body) {

    static Answer closed() {
        return new Answer("closed", Map.of(), new byte[0]);
    }

    static Answer timeout() {
        return new Answer("timeout", Map.of(), new byte[0]);
    }

    /** The same answer with only the named headers (lower case), the form expectations store. */
    Answer restrictedTo(List<String> names) {
        Map<String, List<String>> kept = new LinkedHashMap<>();
        for (String name : names) {
            List<String> values = headers.get(name);
            if (values != null && !values.isEmpty()) {
                kept.put(name, List.copyOf(values));
            }
        }
        return new Answer(status, kept, body);
    }

    /** Each value of a shaped header replaced by {@code ~ <regex>} when it matches, else {@code !~ <regex>: <value>}. */
    Answer shaped(Map<String, java.util.regex.Pattern> shapes) {
        if (shapes.isEmpty()) {
            return this;
        }
        Map<String, List<String>> out = new LinkedHashMap<>();
        headers.forEach((name, values) -> {
            java.util.regex.Pattern shape = shapes.get(name);
            out.put(name, shape == null ? values : values.stream()
                    .map(v -> shape.matcher(v).find() ? "~ " + shape.pattern() : "!~ " + shape.pattern() + ": " + v).toList());
        });
        return new Answer(status, out, body);
    }

    boolean sameAs(Answer other) {
        return status.equals(other.status) && headers.equals(other.headers) && Arrays.equals(body, other.body);
    }

    /** What differs from {@code other}, in a line or a few, for reports. */
    String differenceFrom(Answer other, String mine, String theirs) {
        List<String> lines = new ArrayList<>();
        if (!status.equals(other.status)) {
            lines.add("status: " + mine + " " + status + ", " + theirs + " " + other.status);
        }
        if (!headers.equals(other.headers)) {
            lines.add("headers: " + mine + " " + headers + ", " + theirs + " " + other.headers);
        }
        if (!Arrays.equals(body, other.body)) {
            lines.add("body: " + mine + " " + quote(body) + ", " + theirs + " " + quote(other.body));
        }
        return String.join("; ", lines);
    }

    private static String quote(byte[] body) {
        String text = new String(body, StandardCharsets.UTF_8);
        if (text.length() > 300) {
            text = text.substring(0, 300) + "...(" + body.length + " bytes)";
        }
        return "\"" + text.replace("\\", "\\\\").replace("\n", "\\n").replace("\r", "\\r") + "\"";
    }

    static Answer fromSections(String status, String headerText, byte[] body, List<String> compared) {
        Map<String, List<String>> headers = new LinkedHashMap<>();
        for (String line : headerText.split("\n")) {
            if (line.isBlank()) {
                continue;
            }
            int colon = line.indexOf(':');
            if (colon <= 0) {
                throw new IllegalArgumentException("expect_headers line without 'Name: value': " + line);
            }
            String name = line.substring(0, colon).strip().toLowerCase(Locale.ROOT);
            String value = line.substring(colon + 1);
            headers.computeIfAbsent(name, n -> new ArrayList<>()).add(value.startsWith(" ") ? value.substring(1) : value);
        }
        return new Answer(status.strip(), headers, body).restrictedTo(compared);
    }

    /** The {@code expect_*} sections that {@link #fromSections} reads back to an equal answer. */
    String toSections(List<String> compared) {
        StringBuilder out = new StringBuilder("--- expect_status\n").append(status).append('\n');
        Answer kept = restrictedTo(compared);
        if (!kept.headers.isEmpty()) {
            out.append("--- expect_headers\n");
            kept.headers.forEach((name, values) -> values.forEach(v -> out.append(name).append(": ").append(v).append('\n')));
        }
        if (body.length == 0) {
            return out.toString();
        }
        String text = plainText(body);
        if (text == null) {
            out.append("--- expect_body_base64\n").append(Base64.getMimeEncoder(76, new byte[] {'\n'}).encodeToString(body)).append('\n');
        } else if (text.endsWith("\n")) {
            out.append("--- expect_body\n").append(text);
        } else {
            out.append("--- expect_body chomp\n").append(text).append('\n');
        }
        return out.toString();
    }

    /**
     * The body as text if it reads back unchanged from an {@code expect_body} section: UTF-8, no
     * CR or other control characters but LF and TAB, no line that would start a section or a case,
     * no trailing blank lines (sections drop them); else null and the body is stored as base64.
     */
    private static String plainText(byte[] body) {
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(body)).toString();
        } catch (CharacterCodingException e) {
            return null;
        }
        for (char c : text.toCharArray()) {
            if (c < 0x20 && c != '\n' && c != '\t' || c == 0x7f) {
                return null;
            }
        }
        String stripped = text.endsWith("\n") ? text.substring(0, text.length() - 1) : text;
        if (stripped.isEmpty() || stripped.endsWith("\n")) {
            return null;
        }
        for (String line : stripped.split("\n", -1)) {
            if (line.startsWith("=== ") || line.startsWith("--- ")) {
                return null;
            }
        }
        List<String> lines = List.of(stripped.split("\n", -1));
        if (lines.get(lines.size() - 1).isBlank()) {
            return null;
        }
        return text;
    }
}
