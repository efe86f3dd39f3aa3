package io.nott.edge.units.sync;

import io.nott.unit.model.SharedDictSpec;
import java.util.ArrayList;

import io.nott.unit.model.ComputingUnit;
import java.util.List;
import java.util.Map;

/**
 * Everything read from Redis (or disk) for one snapshot.
 *
 * @param version  {@code {cu}:version}
 * @param hashes   the registry's unit hashes by id
 * @param legacy   the seed's {@code coding_units} values by id
 * @param sharedDicts the node's shared dict declarations, {@code {cu}:shared-dicts}: name to size in bytes
 */
public record FetchedUnits(long version, Map<String, Map<String, String>> hashes, Map<String, String> legacy,
                           Map<String, String> sharedDicts) {

    /** Units without shared dicts (a snapshot file written before they existed). */
    public FetchedUnits(long version, Map<String, Map<String, String>> hashes, Map<String, String> legacy) {
        this(version, hashes, legacy, Map.of());
    }

    /**
     * This set moved to {@code version}: the {@code changed} hashes replace the ones held (a null
     * hash removes the unit), every other hash is shared with this set, not copied; the legacy
     * values and the dicts are the given ones.
     */
    public FetchedUnits with(long version, Map<String, Map<String, String>> changed, Map<String, String> legacy,
            Map<String, String> dicts) {
        Map<String, Map<String, String>> next = new java.util.TreeMap<>(hashes);
        changed.forEach((id, hash) -> {
            if (hash == null) {
                next.remove(id);
            } else {
                next.put(id, hash);
            }
        });
        return new FetchedUnits(version, next, legacy, dicts);
    }

    /** The declared dicts; a bad declaration (only redis-cli can write one) goes to {@code rejected}. */
    public List<SharedDictSpec> sharedDictSpecs(List<String> rejected) {
        List<SharedDictSpec> specs = new ArrayList<>();
        sharedDicts.forEach((name, bytes) -> {
            try {
                specs.add(new SharedDictSpec(name, Long.parseLong(bytes.trim())));
            } catch (IllegalArgumentException | NullPointerException e) {
                rejected.add("shared dict " + name + " (" + bytes + "): " + e.getMessage()
                        + "; fix it with PUT /api/v1/shared-dicts/" + name);
            }
        });
        return specs;
    }

    /** Version plus a digest of legacy values: legacy edits made with redis-cli bump no version. */
    public String fingerprint() {
        return UnitDecoding.fingerprint(version, legacy);
    }

    /** Decodes every unit; undecodable ones go to {@code rejected}. Registry units win over legacy ones with the same id. */
    public List<ComputingUnit> decode(List<String> rejected) {
        return UnitDecoding.decode(this, rejected, new java.util.HashMap<>());
    }
}
