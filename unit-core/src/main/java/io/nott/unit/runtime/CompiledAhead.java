package io.nott.unit.runtime;

import io.nott.unit.model.ComputingUnit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Units compiled before the snapshot that loads them is built. A full read after a bulk apply
 * (10,000 units) compiles each batch while the next one is still being read from Redis, rather
 * than all of them once the last batch is in (issue #17: reading, decoding and compiling ran one
 * after the other). {@link UnitSnapshot#build(long, Collection, UnitSnapshot, CompiledAhead)}
 * takes a unit's result from here when it is the very unit compiled (equal in every field) and
 * compiles any other unit itself, so what a snapshot holds does not depend on what was compiled
 * ahead. Units whose code the base snapshot already holds compiled are not compiled: the build
 * keeps their bytecode. Thread-safe; one per build.
 */
public final class CompiledAhead {

    private record Done(ComputingUnit unit, UnitSnapshot.Compiled compiled) {
    }

    private final UnitSnapshot base;
    private final Map<String, Done> byId = new ConcurrentHashMap<>();

    /** Compiles ahead for a snapshot to be built on {@code base} (null: on none). */
    public CompiledAhead(UnitSnapshot base) {
        this.base = base == null ? UnitSnapshot.EMPTY : base;
    }

    /**
     * Compiles the enabled units of {@code units} whose code the base does not hold compiled, on
     * every core for a large batch (the compiler is stateless and thread-safe). Never throws for a
     * bad unit: its error is what the build records.
     */
    public void compile(Collection<ComputingUnit> units) {
        List<ComputingUnit> todo = new ArrayList<>(units.size());
        for (ComputingUnit u : units) {
            if (u.enabled() && !sameCode(base.unit(u.id()), u)) {
                todo.add(u);
            }
        }
        (todo.size() >= UnitSnapshot.PARALLEL_COMPILE_FROM ? todo.parallelStream() : todo.stream())
                .forEach(u -> byId.put(u.id(), new Done(u, UnitSnapshot.compile(u, null))));
    }

    /** True when the build would keep {@code was}'s bytecode for {@code u}: same code, same canary code. */
    private static boolean sameCode(ComputingUnit was, ComputingUnit u) {
        return was != null && was.enabled() && was.code().equals(u.code())
                && java.util.Objects.equals(was.canary() == null ? null : was.canary().code(),
                        u.canary() == null ? null : u.canary().code());
    }

    /** How many units were compiled ahead. */
    public int size() {
        return byId.size();
    }

    /** What was compiled for {@code u}, when it was this very unit; null otherwise. */
    UnitSnapshot.Compiled find(ComputingUnit u) {
        Done done = byId.get(u.id());
        return done != null && (done.unit() == u || done.unit().equals(u)) ? done.compiled() : null;
    }
}
