package io.nott.conformance;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code accepted-differences.txt}: {@code <case id> | <reason>} per line, {@code #} comments.
 * A listed case must differ (a listing that now matches is stale and fails the suite).
 */
record AcceptedDifferences(Map<String, String> reasons) {

    static AcceptedDifferences read(Path file) {
        Map<String, String> reasons = new LinkedHashMap<>();
        if (!Files.exists(file)) {
            return new AcceptedDifferences(reasons);
        }
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + file, e);
        }
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            int bar = line.lastIndexOf(" | ");
            if (bar <= 0 || line.substring(bar + 3).isBlank()) {
                throw new IllegalArgumentException(file + ":" + (i + 1) + ": expected '<case id> | <reason>', found: " + line);
            }
            String id = line.substring(0, bar).strip();
            if (reasons.put(id, line.substring(bar + 3).strip()) != null) {
                throw new IllegalArgumentException(file + ":" + (i + 1) + ": " + id + " is listed twice");
            }
        }
        return new AcceptedDifferences(reasons);
    }

    boolean lists(String id) {
        return reasons.containsKey(id);
    }
}
