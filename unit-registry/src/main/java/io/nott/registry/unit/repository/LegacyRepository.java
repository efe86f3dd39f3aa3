package io.nott.registry.unit.repository;

import io.nott.registry.unit.LegacyUnit;
import io.nott.registry.unit.UnitSpec;
import io.nott.unit.codec.LegacyUnitFormat;
import io.nott.unit.codec.RedisSchema;
import io.quarkus.redis.datasource.RedisDataSource;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * The seed's hand-written units: ids in the set {@code coding_units}, each a string key
 * {@code <id>}. These keys live in arbitrary slots, so they are read one by one and are never
 * part of a registry transaction. They are read with unit-core's {@link LegacyUnitFormat}, exactly
 * as the edges read them.
 */
@ApplicationScoped
public class LegacyRepository {

    private final RedisDataSource redis;
    private final RedisGuard guard;

    public LegacyRepository(RedisDataSource redis, RedisGuard guard) {
        this.redis = redis;
        this.guard = guard;
    }

    public List<LegacyUnit> list() {
        return guard.call("listing legacy units", () -> {
            List<LegacyUnit> units = new ArrayList<>();
            for (String id : redis.set(String.class).smembers(RedisSchema.LEGACY_SET)) {
                units.add(read(id));
            }
            units.sort(Comparator.comparing(LegacyUnit::id));
            return units;
        });
    }

    public Optional<LegacyUnit> find(String id) {
        return guard.call("reading legacy unit " + id, () -> redis.set(String.class)
                .sismember(RedisSchema.LEGACY_SET, id) ? Optional.of(read(id)) : Optional.empty());
    }

    /** Removes the legacy string and its index entry (after an import). Two slots: not one transaction. */
    public void remove(String id) {
        guard.call("removing legacy unit " + id, () -> {
            redis.set(String.class).srem(RedisSchema.LEGACY_SET, id);
            redis.key().del(RedisSchema.legacyKey(id));
            return null;
        });
    }

    private LegacyUnit read(String id) {
        String raw;
        try {
            raw = redis.value(String.class).get(RedisSchema.legacyKey(id));
        } catch (RuntimeException e) {
            if (e.getMessage() != null && e.getMessage().contains("WRONGTYPE")) {
                return new LegacyUnit(id, null, "key " + id + " is not a string");
            }
            throw e;
        }
        if (raw == null) {
            return new LegacyUnit(id, null, "listed in coding_units but key " + id + " does not exist");
        }
        // unit-core's parser, exactly as the edges read the seed's phase||code[||sampling] strings
        LegacyUnitFormat.Result parsed = LegacyUnitFormat.parse(id, raw);
        return parsed.ok() ? new LegacyUnit(id, UnitSpec.of(parsed.unit()), null)
                : new LegacyUnit(id, null, "legacy unit " + id + ": " + parsed.rejection());
    }
}
