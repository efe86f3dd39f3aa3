package io.nott.edge.units.sync;

import io.nott.unit.model.ComputingUnit;
import java.util.List;
import java.util.Map;

/**
 * Everything read from Redis (or disk) for one snapshot.
 *
 * @param version  {@code {cu}:version}
 * @param hashes   the registry's unit hashes by id
 * @param legacy   the seed's {@code coding_units} values by id
 */
public record FetchedUnits(long version, Map<String, Map<String, String>> hashes, Map<String, String> legacy) {

    /** Version plus a digest of legacy values: legacy edits made with redis-cli bump no version. */
    public String fingerprint() {
        return UnitDecoding.fingerprint(version, legacy);
    }

    /** Decodes every unit; undecodable ones go to {@code rejected}. Registry units win over legacy ones with the same id. */
    public List<ComputingUnit> decode(List<String> rejected) {
        return UnitDecoding.decode(this, rejected);
    }
}
