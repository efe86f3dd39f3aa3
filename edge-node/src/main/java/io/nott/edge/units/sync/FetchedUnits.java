package io.nott.edge.units.sync;

import io.nott.unit.model.ComputingUnit;
import io.nott.unit.model.SharedDictSpec;
import io.nott.unit.runtime.PersistentSortedMap;
import java.util.ArrayList;
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
     * values and the dicts are the given ones. The hashes are held in a persistent map, so this
     * costs O(changed × log n): copying the map of 10,000 hashes for each change of one unit
     * made a 10,000-entry TreeMap, 400 KB of garbage, per change and node (issue #17). The first
     * change after a full read sorts the read hashes once.
     */
    public FetchedUnits with(long version, Map<String, Map<String, String>> changed, Map<String, String> legacy,
            Map<String, String> dicts) {
        PersistentSortedMap<String, Map<String, String>> next = PersistentSortedMap.from(hashes);
        for (Map.Entry<String, Map<String, String>> change : changed.entrySet()) {
            next = change.getValue() == null ? next.without(change.getKey()) : next.with(change.getKey(), change.getValue());
        }
        return new FetchedUnits(version, next.asMap(), legacy, dicts);
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
