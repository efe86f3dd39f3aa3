package io.nott.conformance;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/** The suite's figures: the headline, one line per area (case file), then every case that did not match. */
final class Report {

    private Report() {
    }

    static String render(List<Verdict> verdicts, List<String> unknownListings) {
        StringBuilder out = new StringBuilder();
        out.append(line("openresty conformance:", verdicts)).append('\n');
        Map<String, List<Verdict>> byArea = verdicts.stream()
                .collect(Collectors.groupingBy(Verdict::area, TreeMap::new, Collectors.toList()));
        byArea.forEach((area, list) -> out.append(line("  " + area + ":", list)).append('\n'));
        for (Verdict v : verdicts) {
            if (v.kind() != Verdict.Kind.MATCH) {
                out.append(v.kind()).append(' ').append(v.id()).append(": ").append(v.detail()).append('\n');
            }
        }
        for (String id : unknownListings) {
            out.append("STALE_LISTING ").append(id).append(": listed in accepted-differences.txt but no such case\n");
        }
        return out.toString();
    }

    private static String line(String label, List<Verdict> verdicts) {
        long n = verdicts.size();
        long matches = verdicts.stream().filter(v -> v.kind() == Verdict.Kind.MATCH).count();
        long accepted = verdicts.stream().filter(v -> v.kind() == Verdict.Kind.ACCEPTED).count();
        long failing = verdicts.stream().filter(v -> !v.kind().passes).count();
        String percent = n == 0 ? "-" : String.format(Locale.ROOT, "%.1f", 100.0 * matches / n);
        return String.format(Locale.ROOT, "%s %d cases, %d match nginx (%s %%), %d accepted differences%s", label, n,
                matches, percent, accepted, failing == 0 ? "" : ", " + failing + " failing");
    }

    static void write(Path file, String report) {
        try {
            Files.createDirectories(file.getParent());
            Files.writeString(file, report, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException("cannot write the report " + file, e);
        }
    }
}
