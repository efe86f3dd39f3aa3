package io.nott.registry.unit.rest;

import io.nott.registry.unit.LegacyUnit;
import io.nott.registry.unit.StoredUnit;
import io.nott.registry.unit.UnitBudget;
import io.nott.registry.unit.UnitSpec;
import java.time.Instant;
import java.util.List;

/** A unit as the API shows it. Legacy units have no version and say why they cannot be read, if so. */
public record UnitView(String id, String phase, String code, List<String> hosts, Integer sampling, String samplingKey,
        Integer order, Boolean enabled, UnitBudget budget, String failure, Long version, Instant updatedAt,
        String updatedBy, boolean legacy, String problem) {

    public static UnitView of(StoredUnit unit) {
        UnitSpec s = unit.spec();
        return new UnitView(s.id(), s.phase(), s.code(), s.hosts(), s.sampling(), s.samplingKey(), s.order(),
                s.enabled(), s.budget(), s.failure(), unit.version(), unit.updatedAt(), unit.updatedBy(), false, null);
    }

    public static UnitView of(LegacyUnit unit) {
        UnitSpec s = unit.spec();
        if (s == null) {
            return new UnitView(unit.id(), null, null, List.of(), null, null, null, null, null, null, null, null, null,
                    true, unit.problem());
        }
        return new UnitView(s.id(), s.phase(), s.code(), s.hosts(), s.sampling(), s.samplingKey(), s.order(),
                s.enabled(), s.budget(), s.failure(), null, null, null, true, null);
    }
}
