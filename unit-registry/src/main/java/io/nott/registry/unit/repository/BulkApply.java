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
            } else if (sameAs(existing.spec(), spec)) {
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

    /**
     * True when {@code wanted} asks for what is stored. A canary as written carries no version (the
     * registry stamps it when it stores it), so an exported set applied again keeps its canaries
     * unchanged instead of rewriting them under a new version.
     */
    private static boolean sameAs(UnitSpec stored, UnitSpec wanted) {
        if (stored.equals(wanted)) {
            return true;
        }
        return stored.canary() != null && wanted.canary() != null && wanted.canary().version() == 0
                && stored.equals(wanted.withCanary(wanted.canary().withVersion(stored.canary().version())));
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
