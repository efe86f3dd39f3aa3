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

    @Test
    void aUnitWhoseCodeDidNotChangeKeepsItsBytecode() {
        UnitSnapshot first = UnitSnapshot.build(1, units(2));
        List<ComputingUnit> next = new ArrayList<>(units(2));
        next.set(0, next.get(0).withHosts(List.of("other.example")));
        next.set(1, next.get(1).withCode("local x = 'new code'"));
        UnitSnapshot second = UnitSnapshot.build(2, next, first);
        assertThat(second.entries(Phase.ACCESS).get(0).compiled.prototype())
                .isSameAs(first.entries(Phase.ACCESS).get(0).compiled.prototype());
        assertThat(second.entries(Phase.ACCESS).get(0).unit().hosts()).containsExactly("other.example");
        assertThat(second.entries(Phase.ACCESS).get(1).compiled.prototype())
                .isNotSameAs(first.entries(Phase.ACCESS).get(1).compiled.prototype());
    }

    @Test
    void aLargeBatchIsCompiledInParallelWithTheSameResultAsOneByOne() {
        List<ComputingUnit> many = new ArrayList<>(units(UnitSnapshot.PARALLEL_COMPILE_FROM * 4));
        many.set(17, many.get(17).withCode("local = ="));
        many.set(90, many.get(90).withCode("return )"));
        UnitSnapshot built = UnitSnapshot.build(1, many);
        assertThat(built.compiledUnits()).isEqualTo(many.size());
        assertThat(built.errors()).containsOnlyKeys("u17", "u90");
        assertThat(built.errors().get("u17").getMessage())
                .isEqualTo(UnitSnapshot.build(1, List.of(many.get(17))).errors().get("u17").getMessage());
        assertThat(built.unitIds(Phase.ACCESS)).hasSize(many.size() - 2).doesNotContain("u17", "u90");
        // slots and run order as a build of fewer units than the parallel threshold gives them
        List<String> oneByOne = new ArrayList<>();
        for (int from = 0; from < many.size(); from += UnitSnapshot.PARALLEL_COMPILE_FROM / 2) {
            oneByOne.addAll(UnitSnapshot.build(1, many.subList(from, from + UnitSnapshot.PARALLEL_COMPILE_FROM / 2))
                    .unitIds(Phase.ACCESS));
        }
        assertThat(built.unitIds(Phase.ACCESS)).containsExactlyInAnyOrderElementsOf(oneByOne);
        assertThat(built.has(Phase.ACCESS, "h200.example")).isTrue();
    }
}
