package io.nott.unit.runtime.shared;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.nott.unit.model.SharedDictSpec;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.ToDoubleFunction;

/**
 * A node's shared dicts ({@code ngx.shared}), made to match the declarations of the snapshot in
 * force: {@link #apply} creates new dicts, resizes changed ones (contents kept, as nginx keeps a
 * zone across reloads) and drops removed ones. The sum of the declared sizes is bounded by
 * {@code maxTotalBytes}: declarations that do not fit (in name order) are refused with an error
 * in the log and {@link #refused()}, and Lua sees no such dict.
 *
 * <p>Meters per dict (tag {@code dict}): {@code cu.shared_dict.capacity} and
 * {@code cu.shared_dict.used} (bytes), {@code cu.shared_dict.keys}, and the counter
 * {@code cu.shared_dict.evictions} (unexpired entries removed by a forcible store).
 */
public final class SharedDicts {

    // unit-core has no logging dependency; the JDK's System.Logger reaches the host's logging (JUL in Quarkus).
    private static final System.Logger LOG = System.getLogger(SharedDicts.class.getName());

    private final Clock clock;
    private final MeterRegistry registry;
    private final long maxTotalBytes;
    private final ConcurrentHashMap<String, SharedDict> dicts = new ConcurrentHashMap<>();
    /** The declarations last applied (identity), so hosts may call {@link #apply} on every request. */
    private volatile Object applied;
    private long appliedVersion = Long.MIN_VALUE;
    private volatile List<String> refused = List.of();

    /**
     * @param registry      where the per-dict meters go; null for none
     * @param maxTotalBytes bound on the sum of declared sizes on this node
     */
    public SharedDicts(Clock clock, MeterRegistry registry, long maxTotalBytes) {
        this.clock = clock;
        this.registry = registry;
        this.maxTotalBytes = maxTotalBytes;
    }

    /** The dict named {@code name}, or null when none is declared (or it was refused). */
    public SharedDict get(String name) {
        return dicts.get(name);
    }

    /** Names of the dicts in force, sorted. */
    public List<String> names() {
        return new ArrayList<>(new TreeMap<>(dicts).keySet());
    }

    /** Declarations of the last {@link #apply} refused because the node's total bound was reached. */
    public List<String> refused() {
        return refused;
    }

    public long maxTotalBytes() {
        return maxTotalBytes;
    }

    /**
     * Makes the dicts match {@code specs}, the declarations of snapshot {@code version}. Cheap when
     * called again with the same collection instance (an identity check), so the runner calls it on
     * every phase; declarations of an older version than the last applied are ignored (requests
     * still running on the previous snapshot must not bring back a dict the new one removed).
     */
    public void apply(long version, Collection<SharedDictSpec> specs) {
        if (applied == specs) {
            return;
        }
        synchronized (this) {
            if (applied == specs || version < appliedVersion) {
                return;
            }
            appliedVersion = version;
            Map<String, SharedDictSpec> wanted = new TreeMap<>();
            specs.forEach(s -> wanted.put(s.name(), s));
            List<String> refusedNow = new ArrayList<>();
            long total = 0;
            for (SharedDictSpec s : wanted.values()) {
                if (total + s.sizeBytes() > maxTotalBytes) {
                    refusedNow.add(s.name());
                    LOG.log(System.Logger.Level.ERROR, "shared dict ''{0}'' ({1}) refused: the node''s shared dicts"
                            + " would take {2} bytes, above edge.shared-dicts.max-total ({3} bytes); raise that"
                            + " bound or shrink the dicts in the registry (ngx.shared.{0} is nil until then)",
                            s.name(), s.sizeText(), Long.toString(total + s.sizeBytes()), Long.toString(maxTotalBytes));
                    continue;
                }
                total += s.sizeBytes();
                SharedDict d = dicts.get(s.name());
                if (d == null) {
                    d = new SharedDict(s.name(), s.sizeBytes(), clock);
                    dicts.put(s.name(), d);
                    meters(d);
                } else if (d.capacity() != s.sizeBytes()) {
                    d.resize(s.sizeBytes());
                }
            }
            for (String name : List.copyOf(dicts.keySet())) {
                if (!wanted.containsKey(name) || refusedNow.contains(name)) {
                    dicts.remove(name);
                    removeMeters(name);
                }
            }
            refused = List.copyOf(refusedNow);
            applied = specs;
        }
    }

    private void meters(SharedDict d) {
        if (registry == null) {
            return;
        }
        gauge("cu.shared_dict.capacity", "declared size", "bytes", d, SharedDict::capacity);
        gauge("cu.shared_dict.used", "memory its entries take (nginx slab model)", "bytes", d, SharedDict::used);
        gauge("cu.shared_dict.keys", "entries, expired ones not yet freed included", null, d, SharedDict::size);
        FunctionCounter.builder("cu.shared_dict.evictions", d, SharedDict::evictions)
                .description("unexpired entries removed by a forcible store (the dict was full)")
                .tag("dict", d.name()).register(registry);
    }

    private void gauge(String name, String description, String unit, SharedDict d, ToDoubleFunction<SharedDict> f) {
        Gauge.builder(name, d, f).description(description).baseUnit(unit).tag("dict", d.name())
                .strongReference(true).register(registry);
    }

    private void removeMeters(String dict) {
        if (registry == null) {
            return;
        }
        registry.getMeters().stream()
                .filter(m -> m.getId().getName().startsWith("cu.shared_dict.") && dict.equals(m.getId().getTag("dict")))
                .forEach(registry::remove);
    }
}
