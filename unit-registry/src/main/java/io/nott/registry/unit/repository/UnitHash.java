package io.nott.registry.unit.repository;

import io.nott.registry.unit.StoredUnit;
import io.nott.unit.codec.UnitHashCodec;
import java.util.Map;

/**
 * The fields of the {@code {cu}:unit:<id>} hash, to and from {@link StoredUnit}. The encoding is
 * unit-core's {@link UnitHashCodec}, the same one every edge decodes with.
 */
public final class UnitHash {

    private UnitHash() {
    }

    public static Map<String, String> toHash(StoredUnit unit) {
        return UnitHashCodec.encode(unit.toCore());
    }

    public static StoredUnit fromHash(Map<String, String> hash) {
        return StoredUnit.of(UnitHashCodec.decode(hash));
    }
}
