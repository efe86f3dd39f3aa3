package io.nott.conformance;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads and (in record mode) rewrites one {@code cases/<area>.t} file in the Test::Nginx-like
 * format of the README. Only known section names start a section, so a Lua comment such as
 * {@code --- note} inside code stays code.
 */
final class CaseFile {

    static final Set<String> SECTIONS = Set.of("init", "module", "rewrite", "access", "content", "header_filter", "body_filter", "log",
            "request", "request_headers", "response_headers", "origin", "expect_status", "expect_headers",
            "expect_body", "expect_body_base64");
    private static final Pattern SECTION = Pattern.compile("^--- ([a-z_0-9]+)(?:[ \\t]+(.*))?$");
    private static final Pattern CASE = Pattern.compile("^=== (.+)$");

    private final Path path;
    private final List<String> preamble;
    private final List<ConformanceCase> cases;

    private CaseFile(Path path, List<String> preamble, List<ConformanceCase> cases) {
        this.path = path;
        this.preamble = preamble;
        this.cases = cases;
    }

    List<ConformanceCase> cases() {
        return cases;
    }

    Path path() {
        return path;
    }

    static CaseFile read(Path path) {
        String area = path.getFileName().toString().replaceFirst("\\.t$", "");
        List<String> lines;
        try {
            lines = Files.readAllLines(path, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read case file " + path, e);
        }
        List<String> preamble = new ArrayList<>();
        List<ConformanceCase> cases = new ArrayList<>();
        Set<String> titles = new HashSet<>();
        int i = 0;
        while (i < lines.size() && !CASE.matcher(lines.get(i)).matches()) {
            String line = lines.get(i);
            if (!line.isBlank() && !line.startsWith("#")) {
                throw new IllegalArgumentException(path + ":" + (i + 1) + ": before the first '=== title' only '#' comments may stand, found: " + line);
            }
            preamble.add(line);
            i++;
        }
        while (i < lines.size()) {
            int start = i;
            String title = CASE.matcher(lines.get(i)).replaceFirst("$1").strip();
            if (!titles.add(title)) {
                throw new IllegalArgumentException(path + ":" + (i + 1) + ": title used twice in this file: " + title);
            }
            i++;
            while (i < lines.size() && !CASE.matcher(lines.get(i)).matches()) {
                i++;
            }
            cases.add(parseCase(path, area, title, lines.subList(start, i), start + 1));
        }
        return new CaseFile(path, preamble, cases);
    }

    private static ConformanceCase parseCase(Path path, String area, String title, List<String> lines, int firstLine) {
        Map<String, List<String>> sections = new LinkedHashMap<>();
        Map<String, String> modifiers = new LinkedHashMap<>();
        List<String> raw = new ArrayList<>();
        List<String> current = null;
        boolean inExpectation = false;
        for (int k = 1; k < lines.size(); k++) {
            String line = lines.get(k);
            Matcher m = SECTION.matcher(line);
            if (m.matches() && SECTIONS.contains(m.group(1))) {
                String name = m.group(1);
                String modifier = m.group(2) == null ? "" : m.group(2).strip();
                if (name.equals("module")) {
                    // one section per module, keyed by its name: a case may publish several
                    if (!ConformanceCase.MODULE_NAME.matcher(modifier).matches()) {
                        throw new IllegalArgumentException(path + ":" + (firstLine + k) + ": '--- module <name>' needs a module name"
                                + " that is also a unit id and a file name (" + ConformanceCase.MODULE_NAME + "), got '" + modifier + "'");
                    }
                    name = ConformanceCase.MODULE_PREFIX + modifier;
                }
                if (sections.containsKey(name)) {
                    throw new IllegalArgumentException(path + ":" + (firstLine + k) + ": section '" + name + "' twice in case '" + title + "'");
                }
                current = new ArrayList<>();
                sections.put(name, current);
                modifiers.put(name, modifier);
                inExpectation = name.startsWith("expect_");
            } else if (m.matches() && current == null) {
                throw new IllegalArgumentException(path + ":" + (firstLine + k) + ": unknown section '" + m.group(1)
                        + "'; known: " + SECTIONS);
            } else if (current != null) {
                current.add(line);
            } else if (!line.isBlank()) {
                throw new IllegalArgumentException(path + ":" + (firstLine + k) + ": text before the first section of case '" + title + "': " + line);
            }
            if (!inExpectation) {
                raw.add(line);
            }
        }
        raw.add(0, lines.get(0));
        trimTrailingBlank(raw);
        Map<String, String> texts = new LinkedHashMap<>();
        sections.forEach((name, body) -> {
            List<String> copy = new ArrayList<>(body);
            trimTrailingBlank(copy);
            texts.put(name, String.join("\n", copy));
        });
        if (ConformanceCase.PHASES.stream().noneMatch(texts::containsKey)) {
            throw new IllegalArgumentException(path + ":" + firstLine + ": case '" + title + "' has no phase section; give it at least one of " + ConformanceCase.PHASES);
        }
        return new ConformanceCase(area, title, texts, modifiers, raw);
    }

    private static void trimTrailingBlank(List<String> lines) {
        while (!lines.isEmpty() && lines.get(lines.size() - 1).isBlank()) {
            lines.remove(lines.size() - 1);
        }
    }

    /** Rewrites the file with each case's answer as its {@code expect_*} sections, keeping everything else as written. */
    void writeWithExpectations(Map<String, Answer> answers) {
        StringBuilder out = new StringBuilder();
        for (String line : preamble) {
            out.append(line).append('\n');
        }
        for (ConformanceCase c : cases) {
            for (String line : c.rawLines()) {
                out.append(line).append('\n');
            }
            Answer answer = answers.get(c.id());
            if (answer != null) {
                out.append(answer.toSections(c.comparedHeaders()));
            }
            out.append('\n');
        }
        try {
            Files.writeString(path, out.toString(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException("cannot write expectations into " + path, e);
        }
    }
}
