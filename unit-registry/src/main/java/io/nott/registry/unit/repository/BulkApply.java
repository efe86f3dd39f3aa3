package io.nott.registry.unit.repository;

import io.nott.registry.unit.StoredUnit;
import io.nott.registry.unit.UnitSpec;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * What applying a whole set of units changes against the registry's current units: units
 * created, replaced (their spec differs) and deleted (absent from the set). Unchanged units are
 * not written, so their history and version stay and the edges compile nothing for them.
 */
public record BulkApply(List<UnitSpec> created, List<UnitSpec> updated, List<String> deleted, int unchanged) {

    public static BulkApply diff(Collection<UnitSpec> desired, Map<String, StoredUnit> current) {
        List<UnitSpec> created = new ArrayList<>();
        List<UnitSpec> updated = new ArrayList<>();
        int unchanged = 0;
        for (UnitSpec spec : desired) {
            StoredUnit existing = current.get(spec.id());
            if (existing == null) {
                created.add(spec);
            } else if (existing.spec().equals(spec)) {
                unchanged++;
            } else {
                updated.add(spec);
            }
        }
        java.util.Set<String> wanted = new java.util.HashSet<>();
        desired.forEach(s -> wanted.add(s.id()));
        List<String> deleted = current.keySet().stream().filter(id -> !wanted.contains(id)).sorted().toList();
        return new BulkApply(List.copyOf(created), List.copyOf(updated), deleted, unchanged);
    }

    public boolean empty() {
        return created.isEmpty() && updated.isEmpty() && deleted.isEmpty();
    }

    /** Every id the apply writes or deletes. */
    public List<String> ids() {
        List<String> ids = new ArrayList<>(created.size() + updated.size() + deleted.size());
        created.forEach(s -> ids.add(s.id()));
        updated.forEach(s -> ids.add(s.id()));
        ids.addAll(deleted);
        return ids;
    }
}
