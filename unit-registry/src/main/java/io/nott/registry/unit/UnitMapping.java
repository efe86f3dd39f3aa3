package io.nott.registry.unit;

import io.nott.unit.model.Budget;
import io.nott.unit.model.ComputingUnit;
import io.nott.unit.model.FailurePolicy;
import io.nott.unit.model.Phase;

/** Between the registry's API/history shape ({@link UnitSpec}) and unit-core's {@link ComputingUnit}. */
public final class UnitMapping {

    private UnitMapping() {
    }

    public static ComputingUnit toCore(UnitSpec s, long version, java.time.Instant at, String by, boolean legacy) {
        return new ComputingUnit(s.id(), Phase.parse(s.phase()), s.code(), s.hosts(), s.sampling(), s.samplingKey(),
                s.order(), s.enabled(), new Budget(s.budget().instructions(), s.budget().wallMillis()),
                FailurePolicy.parse(s.failure()), version, at, by, legacy);
    }

    public static ComputingUnit toCore(StoredUnit u) {
        return toCore(u.spec(), u.version(), u.updatedAt(), u.updatedBy(), false);
    }

    public static UnitSpec toSpec(ComputingUnit u) {
        return new UnitSpec(u.id(), u.phase().luaName(), u.code(), u.hosts(), u.sampling(), u.samplingKey(), u.order(),
                u.enabled(), new UnitBudget(u.budget().instructions(), u.budget().wallMillis()), u.failure().wireName());
    }

    public static StoredUnit toStored(ComputingUnit u) {
        return new StoredUnit(toSpec(u), u.version(), u.updatedAt(), u.updatedBy());
    }
}
