package io.nott.unit.sandbox;

import io.nott.unit.model.ComputingUnit;
import org.luaj.vm2.Prototype;

/**
 * A unit parsed once into LuaJ bytecode. The {@link Prototype} is immutable and shared by every
 * thread; each thread binds its own closure to it (see {@code io.nott.unit.runtime}).
 */
public record CompiledUnit(ComputingUnit unit, Prototype prototype) {

    public String id() {
        return unit.id();
    }
}
