package io.nott.conformance;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * One differential case of a {@code cases/<area>.t} file: the Lua of each phase, the request, the
 * response headers to compare and, once recorded, nginx's answer.
 *
 * @param area     the file name without {@code .t}
 * @param title    the text after {@code ===}, unique in its file
 * @param sections section name → text, in file order (trailing blank lines dropped)
 * @param modifiers section name → what followed the name on its {@code ---} line (e.g. {@code chomp})
 * @param rawLines the case's lines as written, without its {@code expect_*} sections (record mode keeps them)
 */
record ConformanceCase(String area, String title, Map<String, String> sections, Map<String, String> modifiers,
        List<String> rawLines) {

    /** The phase sections, in the order nginx runs them. */
    static final List<String> PHASES = List.of("rewrite", "access", "content", "header_filter", "body_filter", "log");

    /**
     * A {@code --- module <name>} section's name: a unit id (the edge's module units are required by
     * id) whose dots nginx maps to directories on {@code lua_package_path}. Module names are shared
     * by all cases on both sides (one lua dir, one snapshot), so a case prefixes its own.
     */
    static final Pattern MODULE_NAME = Pattern.compile("[a-z][a-z0-9_]*(\\.[a-z][a-z0-9_]*)*");
    /** The key of a module section in {@link #sections}: this prefix and the module's name. */
    static final String MODULE_PREFIX = "module ";

    ConformanceCase {
        sections = Map.copyOf(sections);
        modifiers = Map.copyOf(modifiers);
        rawLines = List.copyOf(rawLines);
    }

    /** The id used in reports and in accepted-differences.txt. */
    String id() {
        return area + "/" + title;
    }

    /**
     * The host this case is served under on nginx and on the edge: a digest of its id, so that it
     * stays the same when cases are added or moved (code that reads {@code ngx.var.host} keeps its
     * recorded answer).
     */
    String host() {
        return key() + ".conformance.test";
    }

    /** A short stable key of the id: the host's first label, the unit ids' stem and nginx's file name. */
    String key() {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(id().getBytes(StandardCharsets.UTF_8));
            return "c" + HexFormat.of().formatHex(digest, 0, 6);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * The case's {@code --- init} code (init_by_lua), or null. nginx has one init_by_lua_block per
     * http block, so every case's init code goes into it (each in its own {@code do ... end});
     * the edge gets one init unit per case. Cases keep to globals of their own (prefix them with
     * something unique to the case).
     */
    String init() {
        return sections.get("init");
    }

    /**
     * The case's {@code --- module <name>} sections, name → Lua: on nginx a file
     * {@code <name with dots as slashes>.lua} on {@code lua_package_path}, on the edge a unit of
     * phase {@code module} whose id is the name, so {@code require "<name>"} finds it on both.
     */
    Map<String, String> modules() {
        Map<String, String> modules = new LinkedHashMap<>();
        sections.forEach((key, code) -> {
            if (key.startsWith(MODULE_PREFIX)) {
                modules.put(key.substring(MODULE_PREFIX.length()), code);
            }
        });
        return modules;
    }

    /** Phase → Lua code, in nginx's phase order. */
    Map<String, String> phases() {
        Map<String, String> phases = new LinkedHashMap<>();
        for (String phase : PHASES) {
            if (sections.containsKey(phase)) {
                phases.put(phase, sections.get(phase));
            }
        }
        return phases;
    }

    boolean hasContent() {
        return sections.containsKey("content");
    }

    String origin() {
        String origin = sections.getOrDefault("origin", "").strip();
        return origin.isEmpty() ? "default" : origin;
    }

    CaseRequest request() {
        String text = sections.getOrDefault("request", "GET /t");
        String[] lines = text.split("\n", 2);
        String[] words = lines[0].strip().split("\\s+");
        String method = words[0];
        String target = words.length > 1 ? words[1] : "/t";
        String protocol = words.length > 2 ? words[2] : "HTTP/1.1";
        String body = lines.length > 1 ? lines[1] : "";
        List<Map.Entry<String, String>> headers = new ArrayList<>();
        for (String line : sections.getOrDefault("request_headers", "").split("\n")) {
            if (line.isBlank()) {
                continue;
            }
            int colon = line.indexOf(':');
            if (colon <= 0) {
                throw new IllegalArgumentException(id() + ": request header line without 'Name: value': " + line);
            }
            headers.add(Map.entry(line.substring(0, colon).strip(), line.substring(colon + 1).strip()));
        }
        return new CaseRequest(method, target, protocol, headers, body.getBytes(StandardCharsets.UTF_8));
    }

    /** Lower-case names of the response headers compared, in the order listed. */
    List<String> comparedHeaders() {
        List<String> names = new ArrayList<>();
        for (String line : sections.getOrDefault("response_headers", "").split("\n")) {
            String[] words = line.contains(" ~ ") ? new String[] {line.substring(0, line.indexOf(" ~ "))} : line.split("\\s+");
            for (String name : words) {
                String lower = name.strip().toLowerCase(Locale.ROOT);
                if (!lower.isEmpty() && !names.contains(lower)) {
                    names.add(lower);
                }
            }
        }
        return names;
    }

    /**
     * Headers compared by shape rather than value ({@code Name ~ regex} lines of
     * {@code response_headers}): for values that are timings or ids, each value is replaced by
     * whether it matches.
     */
    Map<String, Pattern> headerShapes() {
        Map<String, Pattern> shapes = new LinkedHashMap<>();
        for (String line : sections.getOrDefault("response_headers", "").split("\n")) {
            int at = line.indexOf(" ~ ");
            if (at > 0) {
                shapes.put(line.substring(0, at).strip().toLowerCase(Locale.ROOT), Pattern.compile(line.substring(at + 3).strip()));
            }
        }
        return shapes;
    }

    /** A server's answer in the form compared: only the listed headers, shaped ones by shape. */
    Answer compared(Answer answer) {
        return answer.restrictedTo(comparedHeaders()).shaped(headerShapes());
    }

    /** nginx's recorded answer, if the case has one. */
    Optional<Answer> expectation() {
        if (!sections.containsKey("expect_status")) {
            return Optional.empty();
        }
        return Optional.of(Answer.fromSections(sections.get("expect_status"),
                sections.getOrDefault("expect_headers", ""), expectedBody(), comparedHeaders()));
    }

    private byte[] expectedBody() {
        if (sections.containsKey("expect_body_base64")) {
            return java.util.Base64.getMimeDecoder().decode(sections.get("expect_body_base64").strip());
        }
        String text = sections.getOrDefault("expect_body", "");
        if (text.isEmpty()) {
            return new byte[0];
        }
        boolean chomp = modifiers.getOrDefault("expect_body", "").contains("chomp");
        return (chomp ? text : text + "\n").getBytes(StandardCharsets.UTF_8);
    }

    /** A request as the case states it. */
    record CaseRequest(String method, String target, String protocol, List<Map.Entry<String, String>> headers,
            byte[] body) {
    }
}
