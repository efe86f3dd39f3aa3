package io.nott.edge.units.sync;

import io.nott.unit.codec.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The last good snapshot on disk, as fetched from Redis (raw hashes and legacy strings, so a
 * newer edge re-decodes them with its own rules). Written to a temporary file and moved into
 * place, so a crash never leaves half a file.
 */
public final class SnapshotFile {

    private static final int FORMAT = 1;

    private final Path path;

    public SnapshotFile(Path path) {
        this.path = path;
    }

    public Path path() {
        return path;
    }

    public void save(FetchedUnits units) throws IOException {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("format", (long) FORMAT);
        doc.put("version", units.version());
        doc.put("units", new LinkedHashMap<>(units.hashes()));
        doc.put("legacy", new LinkedHashMap<>(units.legacy()));
        doc.put("shared_dicts", new LinkedHashMap<>(units.sharedDicts()));
        Files.createDirectories(path.toAbsolutePath().getParent());
        Path temp = path.resolveSibling(path.getFileName() + ".tmp");
        Files.writeString(temp, Json.write(doc), StandardCharsets.UTF_8);
        try {
            Files.move(temp, path, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(temp, path, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /** The saved units, or empty when there is no file. */
    @SuppressWarnings("unchecked")
    public Optional<FetchedUnits> load() throws IOException {
        if (!Files.exists(path)) {
            return Optional.empty();
        }
        Object parsed;
        try {
            parsed = Json.parse(Files.readString(path, StandardCharsets.UTF_8));
        } catch (IllegalArgumentException e) {
            throw new IOException("snapshot file " + path + " is not valid JSON: " + e.getMessage(), e);
        }
        if (!(parsed instanceof Map<?, ?> doc) || !(doc.get("version") instanceof Number version)
                || !(doc.get("units") instanceof Map<?, ?> units) || !(doc.get("legacy") instanceof Map<?, ?> legacy)) {
            throw new IOException("snapshot file " + path + " lacks version/units/legacy; delete it to start clean");
        }
        Map<String, Map<String, String>> hashes = new LinkedHashMap<>();
        units.forEach((id, hash) -> hashes.put((String) id, stringMap((Map<String, Object>) hash)));
        Map<String, String> legacyValues = new LinkedHashMap<>();
        legacy.forEach((id, value) -> legacyValues.put((String) id, (String) value));
        Map<String, String> dicts = doc.get("shared_dicts") instanceof Map<?, ?> d
                ? stringMap((Map<String, Object>) d) : Map.of();
        return Optional.of(new FetchedUnits(version.longValue(), hashes, legacyValues, dicts));
    }

    private static Map<String, String> stringMap(Map<String, Object> raw) {
        Map<String, String> out = new LinkedHashMap<>();
        raw.forEach((k, v) -> out.put(k, v == null ? null : String.valueOf(v)));
        return out;
    }
}
