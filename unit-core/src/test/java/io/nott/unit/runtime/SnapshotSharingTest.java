package io.nott.unit.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.nott.unit.model.ComputingUnit;
import io.nott.unit.model.Phase;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** A new snapshot built on the previous one compiles only what changed (issue #17, incremental sync). */
class SnapshotSharingTest {

    private static List<ComputingUnit> units(int n) {
        return IntStream.range(0, n).mapToObj(i -> ComputingUnit.of("u" + i, Phase.ACCESS, "local x = " + i)
                .withHosts(List.of("h" + i + ".example"))).toList();
    }

    @Test
    void oneChangedUnitIsTheOnlyOneCompiled() {
        UnitSnapshot first = UnitSnapshot.build(1, units(50));
        assertThat(first.compiledUnits()).isEqualTo(50);
        List<ComputingUnit> next = new ArrayList<>(units(50));
        next.set(7, next.get(7).withCode("local x = 'changed'"));
        next.add(ComputingUnit.of("new", Phase.ACCESS, "local y = 1").withHosts(List.of("new.example")));
        next.remove(3);
        UnitSnapshot second = UnitSnapshot.build(2, next, first);
        assertThat(second.compiledUnits()).isEqualTo(2);
        assertThat(second.unitIds(Phase.ACCESS)).hasSize(50).contains("new").doesNotContain("u3");
        assertThat(second.has(Phase.ACCESS, "h7.example")).isTrue();
        assertThat(second.has(Phase.ACCESS, "h3.example")).isFalse();
        // what the same units give when built from nothing
        assertThat(second.unitIds(Phase.ACCESS)).isEqualTo(UnitSnapshot.build(2, next).unitIds(Phase.ACCESS));
    }

    @Test
    void aUnitThatStillDoesNotCompileKeepsItsErrorWithoutCompilingAgain() {
        List<ComputingUnit> withBroken = new ArrayList<>(units(3));
        withBroken.add(ComputingUnit.of("broken", Phase.ACCESS, "local = ="));
        UnitSnapshot first = UnitSnapshot.build(1, withBroken);
        assertThat(first.errors()).containsKey("broken");
        UnitSnapshot second = UnitSnapshot.build(2, withBroken, first);
        assertThat(second.compiledUnits()).isZero();
        assertThat(second.errors().get("broken")).isSameAs(first.errors().get("broken"));
        withBroken.set(3, withBroken.get(3).withCode("local fixed = 1"));
        UnitSnapshot third = UnitSnapshot.build(3, withBroken, second);
        assertThat(third.errors()).isEmpty();
        assertThat(third.compiledUnits()).isEqualTo(1);
    }

    @Test
    void aHostChangeIsAChange() {
        UnitSnapshot first = UnitSnapshot.build(1, units(2));
        List<ComputingUnit> next = new ArrayList<>(units(2));
        next.set(0, next.get(0).withHosts(List.of("other.example")));
        UnitSnapshot second = UnitSnapshot.build(2, next, first);
        assertThat(second.compiledUnits()).isEqualTo(1);
        assertThat(second.has(Phase.ACCESS, "other.example")).isTrue();
        assertThat(second.has(Phase.ACCESS, "h0.example")).isFalse();
    }
}
