package io.nott.edge.units.sync;

import io.nott.unit.runtime.UnitSnapshot;
import java.util.List;

/**
 * The snapshot requests run with, and where it came from.
 *
 * @param snapshot       compiled units
 * @param fingerprint    what the sync compares to decide whether Redis moved: the registry
 *                       version plus a digest of the legacy {@code coding_units} values
 * @param appliedAtMillis when this node swapped it in
 * @param source         {@code redis} or {@code disk}
 * @param rejected       legacy values and unit hashes that could not even be decoded, as messages
 */
public record AppliedSnapshot(UnitSnapshot snapshot, String fingerprint, long appliedAtMillis, String source,
        List<String> rejected) {

    /** Compile errors and decode rejections, as the heartbeat reports them ("id: line n: message"). */
    public List<String> errors() {
        List<String> errors = new java.util.ArrayList<>(rejected);
        snapshot.errors().forEach((id, e) -> errors.add(id + ": " + e.getMessage()));
        return errors;
    }
}
