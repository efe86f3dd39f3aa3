package io.nott.unit.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.nott.unit.model.Budget;
import io.nott.unit.model.Phase;
import io.nott.unit.runtime.UnitOutcome.Kind;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The fast tier of the differential suite for the string and regex APIs: every content-only case
 * of {@code openresty-conformance}'s {@code re-*.t}, {@code strings.t} and {@code args.t} runs
 * in-process, and its body must equal the answer recorded from real nginx 1.22 + lua-nginx-module
 * ({@code --- expect_body}). The conformance module re-checks the same cases against nginx and the
 * real edge; this test makes a regression visible in seconds, without either.
 */
class RecordedCasesTest {

    private static final Path CASES = Path.of("..", "openresty-conformance", "src", "test", "resources", "cases");
    private static final List<String> FILES = List.of(
            "re-match.t", "re-find.t", "re-gmatch.t", "re-sub.t", "re-gsub.t", "re-errors.t", "re-limits.t", "strings.t", "args.t",
            "coroutine.t", "thread.t", "timer.t");

    private static final Path ACCEPTED = Path.of("..", "openresty-conformance", "accepted-differences.txt");

    private static final java.util.regex.Pattern SECTION = java.util.regex.Pattern.compile("^--- [a-z_0-9]+([ \t]+.*)?$");
    /** Only these start a section (as in the harness), so a Lua "--- comment" stays code. */
    private static final java.util.Set<String> KNOWN = java.util.Set.of("rewrite", "access", "content", "header_filter",
            "body_filter", "log", "request", "request_headers", "response_headers", "origin", "expect_status",
            "expect_headers", "expect_body", "expect_body_base64");

    private final Fixture f = new Fixture();

    record Case(String id, Map<String, String> sections) {
        @Override
        public String toString() {
            return id;
        }
    }

    static Stream<Arguments> cases() throws IOException {
        List<Arguments> out = new ArrayList<>();
        for (String file : FILES) {
            for (Case c : parse(file)) {
                out.add(Arguments.of(c));
            }
        }
        return out.stream();
    }

    private static List<Case> parse(String file) throws IOException {
        List<Case> cases = new ArrayList<>();
        String area = file.replaceFirst("\\.t$", "");
        Map<String, List<String>> sections = null;
        String title = null;
        List<String> current = null;
        for (String line : Files.readAllLines(CASES.resolve(file), StandardCharsets.UTF_8)) {
            if (line.startsWith("=== ")) {
                if (title != null) {
                    cases.add(toCase(area, title, sections));
                }
                title = line.substring(4).strip();
                sections = new LinkedHashMap<>();
                current = null;
            } else if (sections != null && SECTION.matcher(line).matches()
                    && KNOWN.contains(line.substring(4).split("[ \t]+")[0])) {
                // "--- expect_body chomp" (no final newline) is kept as the section name
                current = new ArrayList<>();
                sections.put(line.substring(4).strip().replaceAll("[ \t]+", " "), current);
            } else if (current != null) {
                current.add(line);
            }
        }
        if (title != null) {
            cases.add(toCase(area, title, sections));
        }
        return cases;
    }

    private static Case toCase(String area, String title, Map<String, List<String>> sections) {
        Map<String, String> text = new LinkedHashMap<>();
        sections.forEach((k, lines) -> {
            List<String> l = new ArrayList<>(lines);
            while (!l.isEmpty() && l.get(l.size() - 1).isEmpty()) {
                l.remove(l.size() - 1);
            }
            text.put(k, String.join("\n", l));
        });
        return new Case(area + "/" + title, text);
    }

    /** The recorded body: {@code expect_body} ends with a newline, {@code expect_body chomp} does not. */
    private static String expectedBody(Map<String, String> sections) {
        if (sections.containsKey("expect_body")) {
            return sections.get("expect_body") + "\n";
        }
        if (sections.containsKey("expect_body chomp")) {
            return sections.get("expect_body chomp");
        }
        if (sections.containsKey("expect_body_base64")) {
            return new String(java.util.Base64.getMimeDecoder().decode(sections.get("expect_body_base64")), StandardCharsets.UTF_8);
        }
        return "";
    }

    /** Case ids listed in accepted-differences.txt: the edge must still differ there (no stale listing). */
    private static boolean accepted(String id) throws IOException {
        return Files.readAllLines(ACCEPTED, StandardCharsets.UTF_8).stream()
                .filter(l -> !l.startsWith("#") && l.contains("|"))
                .anyMatch(l -> l.substring(0, l.indexOf('|')).strip().equals(id));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void edgeAnswersAsNginxRecorded(Case c) throws IOException {
        assertThat(c.sections()).as("%s has an nginx answer", c.id()).containsKeys("content", "expect_status");
        String[] request = c.sections().getOrDefault("request", "GET /t").split("\n")[0].split(" ", 2);
        SimulatedExchange ex = SimulatedExchange.builder().host("example.com").method(request[0]).target(request[1]).build();
        RequestState state = new RequestState();
        // A generous budget: these cases check answers; the budget itself is HostileUnitTest's
        // subject. The slowest case takes ~1.2 s on a cold JVM (first regex use), 40 ms warm.
        UnitOutcome o = f.run(Phase.CONTENT, ex, state,
                Fixture.unit("u", Phase.CONTENT, c.sections().get("content")).withBudget(new Budget(50_000_000, 10_000)))
                .outcomes().get(0);
        int status = o.kind() == Kind.OK || o.kind() == Kind.EXIT ? 200 : 500;
        String body = new String(state.body(), StandardCharsets.UTF_8);
        String expected = expectedBody(c.sections());
        if (accepted(c.id())) {
            assertThat(status + body).as("%s is listed as an accepted difference but now matches nginx", c.id())
                    .isNotEqualTo(c.sections().get("expect_status").strip() + expected);
            return;
        }
        assertThat(status).as("status of %s (%s)", c.id(), o.message()).isEqualTo(Integer.parseInt(c.sections().get("expect_status").strip()));
        if (status == 200) {
            assertThat(body).as(c.id()).isEqualTo(expected);
        }
    }
}
