package io.nott.registry.unit.service;

import io.nott.registry.error.RegistryException;
import io.nott.registry.unit.UnitMapping;
import io.nott.registry.unit.UnitSpec;
import io.nott.unit.codec.LegacyUnitFormat;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * The seed's string format ({@code phase||code} or {@code phase||code||sampling}), read with
 * unit-core's {@link LegacyUnitFormat} exactly as the edges read it.
 */
@ApplicationScoped
public class LegacyFormat {

    public UnitSpec parse(String id, String raw) {
        LegacyUnitFormat.Result result = LegacyUnitFormat.parse(id, raw);
        if (!result.ok()) {
            throw RegistryException.badRequest("legacy", "legacy unit " + id + ": " + result.rejection());
        }
        return UnitMapping.toSpec(result.unit());
    }
}
