package io.nott.unit.runtime;

import io.nott.unit.model.ComputingUnit;
import io.nott.unit.model.PathScope;
import io.nott.unit.model.Phase;
import io.nott.unit.model.SharedDictSpec;
import io.nott.unit.runtime.re.LocationRegex;
import io.nott.unit.sandbox.CompiledUnit;
import io.nott.unit.sandbox.UnitCompilationException;
import io.nott.unit.sandbox.UnitCompiler;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.PatternSyntaxException;

/**
 * An immutable set of units at one registry version, compiled once. A unit that does not compile
 * (or has a bad host pattern) is left out and its error kept in {@link #errors()}; the others load.
 * Enabled units are grouped by phase in run order ({@code order}, then id), and those naming
 * {@code paths} indexed by location ({@link Locations}); all of them by host ({@link HostIndex}), so
 * what a request asks costs the same whatever the number of units for other hosts or paths. Safe
 * to share between threads; swap a whole snapshot to change units.
 *
 * <p>The tables are persistent ({@link PersistentSortedMap}): {@link #update} makes the next
 * snapshot from this one plus the changed units in O(changed × log n), sharing every unchanged
 * unit's entry (its compiled code, host filter, recent cost) and every table node the change does
 * not touch, so one change among 10,000 units neither sorts nor re-indexes the other 9,999. The
 * one exception is the location index: a change to a unit with {@code paths} rebuilds it from the
 * units with paths (O(units with paths)); a change to any other unit shares it.
 */
public final class UnitSnapshot {

    /** Where a unit runs among the units of its phase: by {@code order}, then by id. */
    record RunKey(int order, String id) implements Comparable<RunKey> {

        static RunKey of(ComputingUnit u) {
            return new RunKey(u.order(), u.id());
        }

        @Override
        public int compareTo(RunKey o) {
            int c = Integer.compare(order, o.order);
            return c != 0 ? c : id.compareTo(o.id);
        }
    }

    /** One loaded unit: compiled code, host filter, and its slot for per-thread closures. */
    static final class Entry {
        /** Run order ({@code order}, then id): how a host merges its units of one phase. */
        static final Comparator<Entry> RUN_ORDER = Comparator.comparing(e -> e.key);

        final CompiledUnit compiled;
        final HostMatcher hosts;
        /**
         * Its index in a runtime's closures ({@link LuaEngine}); unique among the entries of a
         * snapshot, kept while the entry is shared with later snapshots, and given again once the
         * unit is gone. Not the run order ({@link #RUN_ORDER}).
         */
        final int slot;
        final RunKey key;
        /** Its parsed {@code paths}: what the location index is built from. */
        final List<PathScope> paths;
        /** What its source says about how it must run (Redis, sleep, request body), read once. */
        final UnitTraits traits;
        /**
         * Recent call cost. A changed unit gets a new entry and is measured again (off the loop); an
         * unchanged one keeps its entry, and its cost, in the next snapshot.
         */
        final UnitCost cost = new UnitCost();
        /** True when the unit names {@code paths}: it runs only where the request's location is one of them. */
        final boolean scoped;
        /** The unit's canary version, compiled, with a slot of its own; null when it has none (issue #18). */
        final Entry canary;
        /** True for a canary version's entry: its outcomes, breaker and meters are the canary's. */
        final boolean isCanary;
        /** Its series in the runner's {@link UnitHealth}, named once here rather than per call. */
        final UnitHealth.Key healthKey;
        /** Its calls may share one read-only environment per runtime ({@link SharedEnv}): none allocates its own. */
        final boolean sharesEnv;
        /** What the runner that ran it last keeps for it (breaker, meters, health series), found once per runner. */
        PhaseRunner.EntryState runnerState;

        Entry(CompiledUnit compiled, HostMatcher hosts, int slot, List<PathScope> paths, Entry canary, boolean isCanary) {
            this.canary = canary;
            this.isCanary = isCanary;
            this.compiled = compiled;
            this.hosts = hosts;
            this.slot = slot;
            this.key = RunKey.of(compiled.unit());
            this.paths = paths;
            this.scoped = !compiled.unit().paths().isEmpty();
            // both read once per unit version: an unchanged unit keeps its entry
            this.traits = UnitTraits.of(compiled.unit());
            this.sharesEnv = SharedEnv.allowed(compiled.prototype());
            this.healthKey = new UnitHealth.Key(compiled.unit().id(), isCanary ? "canary" : "stable",
                    compiled.unit().version());
        }

        ComputingUnit unit() {
            return compiled.unit();
        }
    }

    /** Slots of removed entries, to be given to new ones: a runtime's closure array stays as long as the most units ever loaded at once. */
    private record FreeSlot(int slot, FreeSlot next) {
    }

    private static final int PHASES = Phase.values().length;
    /** Per phase, how many entries use Redis, may block, read the body, sleep: {@code traitCounts[phase * TRAITS + trait]}. */
    private static final int USES_REDIS = 0;
    private static final int BLOCKS = 1;
    private static final int READS_BODY = 2;
    private static final int SLEEPS = 3;
    private static final int TRAITS = 4;

    public static final UnitSnapshot EMPTY = new Builder(null).build(0);

    /** Appended to a unit's id in {@link #errors()} when its canary version does not compile. */
    public static final String CANARY_SUFFIX = "@canary";

    private final long version;
    /** Every unit given, by id and in run order (disabled and failed ones too). */
    private final PersistentSortedMap<String, ComputingUnit> byId;
    private final PersistentSortedMap<RunKey, ComputingUnit> inRunOrder;
    private final Map<String, UnitCompilationException> errors;
    private final EnumMap<Phase, PersistentSortedMap<RunKey, Entry>> byPhase;
    /** The entries with {@code paths}, in run order: what {@link #locations} is built from. */
    private final PersistentSortedMap<RunKey, Entry> scopedEntries;
    /** Enabled module units by name (their id), compiled or not. */
    private final PersistentSortedMap<String, Entry> modules;
    private final Locations locations;
    private final HostIndex hostIndex;
    private final int[] traitCounts;
    // Derived once here because hosts ask them on every request.
    private final EnumSet<Phase> phasesWithUnits = EnumSet.noneOf(Phase.class);
    private final EnumSet<Phase> phasesUsingRedis = EnumSet.noneOf(Phase.class);
    private final EnumSet<Phase> phasesBlocking = EnumSet.noneOf(Phase.class);
    private final EnumSet<Phase> phasesSleeping = EnumSet.noneOf(Phase.class);
    private final EnumSet<Phase> phasesReadingBody = EnumSet.noneOf(Phase.class);
    private final int slots;
    private final FreeSlot freeSlots;
    /** How many units this snapshot's build compiled; the others were shared with the previous snapshot. */
    private final int compiledNow;
    private final List<SharedDictSpec> sharedDicts;
    /** What the init units left, once {@link PhaseRunner#prepare} ran them; null before. */
    private volatile InitState init;

    private UnitSnapshot(Builder b, long version, Locations locations, HostIndex hostIndex, List<SharedDictSpec> sharedDicts) {
        this.version = version;
        this.byId = b.byId;
        this.inRunOrder = b.inRunOrder;
        this.errors = b.errors;
        this.byPhase = b.byPhase;
        this.scopedEntries = b.scoped;
        this.modules = b.modules;
        this.locations = locations;
        this.hostIndex = hostIndex;
        this.traitCounts = b.traitCounts;
        this.slots = b.slots;
        this.freeSlots = b.freeSlots;
        this.compiledNow = b.compiled;
        this.sharedDicts = sharedDicts;
        for (Phase phase : Phase.values()) {
            int p = phase.ordinal() * TRAITS;
            if (!byPhase.get(phase).isEmpty()) {
                phasesWithUnits.add(phase);
            }
            if (traitCounts[p + USES_REDIS] > 0) {
                phasesUsingRedis.add(phase);
            }
            if (traitCounts[p + BLOCKS] > 0) {
                phasesBlocking.add(phase);
            }
            if (traitCounts[p + SLEEPS] > 0) {
                phasesSleeping.add(phase);
            }
            if (traitCounts[p + READS_BODY] > 0) {
                phasesReadingBody.add(phase);
            }
        }
    }

    /** Compiles every enabled unit once. Never throws for a bad unit. */
    public static UnitSnapshot build(long version, Collection<ComputingUnit> units) {
        return build(version, units, null);
    }

    /**
     * As {@link #build(long, Collection)}, sharing with {@code previous} what did not change: the
     * units that differ from {@code previous}'s (by id) are {@link #update}d, the others keep their
     * entries (compiled code, host matcher, recent cost) or their compile error, so a change of
     * one unit among 10,000 compiles one. Comparing the sets costs O(n); a caller that knows what
     * changed calls {@link #update} and pays for the change only.
     */
    public static UnitSnapshot build(long version, Collection<ComputingUnit> units, UnitSnapshot previous) {
        return build(version, units, previous, null);
    }

    /**
     * As {@link #build(long, Collection, UnitSnapshot)}, taking from {@code ahead} (null: none)
     * what was compiled for the units while they were still being read.
     */
    public static UnitSnapshot build(long version, Collection<ComputingUnit> units, UnitSnapshot previous,
            CompiledAhead ahead) {
        UnitSnapshot base = previous == null ? EMPTY : previous;
        Map<String, ComputingUnit> given = new java.util.HashMap<>(units.size() * 2);
        List<ComputingUnit> changed = new ArrayList<>();
        for (ComputingUnit u : units) {
            given.put(u.id(), u);
            ComputingUnit before = base.byId.get(u.id());
            if (before != u && !u.equals(before)) {
                changed.add(u);
            }
        }
        List<String> removed = new ArrayList<>();
        base.byId.forEach((id, u) -> {
            if (!given.containsKey(id)) {
                removed.add(id);
            }
        });
        return base.update(version, changed, removed, ahead);
    }

    /**
     * The snapshot of {@code version}: this one with the {@code changed} units put (added, or
     * replacing the unit of the same id) and the units {@code removed} (by id) taken out. Only the
     * changed units are compiled (a unit whose code did not change keeps its bytecode), in
     * parallel for a large batch; every other unit's entry and error are shared with this
     * snapshot, which stays as it was for whoever still reads it. A unit both changed and removed
     * is removed. Never throws for a bad unit.
     */
    public UnitSnapshot update(long version, Collection<ComputingUnit> changed, Collection<String> removed) {
        return update(version, changed, removed, null);
    }

    /** As {@link #update(long, Collection, Collection)}, taking from {@code ahead} (null: none) what was compiled already. */
    public UnitSnapshot update(long version, Collection<ComputingUnit> changed, Collection<String> removed,
            CompiledAhead ahead) {
        Builder b = new Builder(this);
        java.util.Set<String> gone = new java.util.HashSet<>(removed);
        List<ComputingUnit> put = new ArrayList<>(changed.size());
        Map<String, ComputingUnit> last = new LinkedHashMap<>();
        for (ComputingUnit u : changed) {
            if (!gone.contains(u.id())) {
                last.put(u.id(), u); // the last of one id wins, as in a map
            }
        }
        put.addAll(last.values());
        if (put.size() + gone.size() >= REBUILD_FROM && (put.size() + gone.size()) * 4L >= byId.size()) {
            return rebuilt(version, put, gone, ahead);
        }
        for (String id : removed) {
            b.remove(id);
        }
        Map<String, Compiled> compiled = compileChanged(put, b::entry, ahead);
        for (ComputingUnit u : put) {
            b.remove(u.id());
            b.put(u, compiled.get(u.id()));
        }
        return b.build(version);
    }

    /** From this many changes, when they are also a quarter of the units or more, {@link #update} builds every table anew. */
    static final int REBUILD_FROM = 64;

    /**
     * {@link #update} for a change of a large share of the units (a bulk apply): the tables are
     * built anew from the sorted units in O(n) rather than changed unit by unit (O(changed × log
     * n), with the larger constant of a path copy per change). Unchanged units still keep their
     * entries and errors; the tables are the ones the changes one by one would give.
     */
    private UnitSnapshot rebuilt(long version, List<ComputingUnit> put, java.util.Set<String> gone, CompiledAhead ahead) {
        Builder b = new Builder(this);
        Map<String, ComputingUnit> next = new java.util.HashMap<>(byId.size() * 2);
        byId.forEach(next::put);
        gone.forEach(next::remove);
        Map<String, ComputingUnit> changed = new java.util.HashMap<>(put.size() * 2);
        for (ComputingUnit u : put) {
            next.put(u.id(), u);
            changed.put(u.id(), u);
        }
        Map<String, Compiled> compiled = compileChanged(put, this::entry, ahead);
        // the slots and errors of the units that go or change are given up first, as remove() does
        byId.forEach((id, u) -> {
            if (gone.contains(id) || changed.containsKey(id)) {
                b.removeError(id);
                b.removeError(id + CANARY_SUFFIX);
                Entry e = entry(id);
                if (e != null) {
                    b.free(e.slot);
                    if (e.canary != null) {
                        b.free(e.canary.slot);
                    }
                }
            }
        });
        List<ComputingUnit> units = new ArrayList<>(next.values());
        units.sort(Comparator.comparing(RunKey::of));
        List<Entry> entries = new ArrayList<>(units.size());
        for (ComputingUnit u : units) {
            entries.add(changed.containsKey(u.id()) ? b.entry(u, compiled.get(u.id())) : entry(u.id()));
        }
        b.rebuild(units, entries);
        return b.build(version);
    }

    /** The entry of unit {@code id}; null when it is not loaded (absent, disabled, failed). */
    private Entry entry(String id) {
        ComputingUnit u = byId.get(id);
        return u == null ? null : byPhase.get(u.phase()).get(RunKey.of(u));
    }

    /**
     * The tables of a snapshot being made from another one: each field starts as the base's
     * (shared), and every change replaces a persistent table by a new one sharing all it does not
     * touch; the base is never modified.
     */
    private static final class Builder {
        private final UnitSnapshot base;
        private PersistentSortedMap<String, ComputingUnit> byId;
        private PersistentSortedMap<RunKey, ComputingUnit> inRunOrder;
        private Map<String, UnitCompilationException> errors;
        private boolean errorsCopied;
        private final EnumMap<Phase, PersistentSortedMap<RunKey, Entry>> byPhase = new EnumMap<>(Phase.class);
        private PersistentSortedMap<RunKey, Entry> scoped;
        private boolean scopedChanged;
        private PersistentSortedMap<String, Entry> modules;
        private HostIndex.Tables hosts;
        private boolean hostsChanged;
        private final int[] traitCounts;
        private int slots;
        private FreeSlot freeSlots;
        private int compiled;

        Builder(UnitSnapshot base) {
            this.base = base;
            if (base == null) {
                byId = PersistentSortedMap.empty();
                inRunOrder = PersistentSortedMap.empty();
                errors = Map.of();
                for (Phase p : Phase.values()) {
                    byPhase.put(p, PersistentSortedMap.empty());
                }
                scoped = PersistentSortedMap.empty();
                modules = PersistentSortedMap.empty();
                hosts = HostIndex.Tables.EMPTY;
                traitCounts = new int[PHASES * TRAITS];
                return;
            }
            byId = base.byId;
            inRunOrder = base.inRunOrder;
            errors = base.errors;
            byPhase.putAll(base.byPhase);
            scoped = base.scopedEntries;
            modules = base.modules;
            hosts = base.hostIndex.tables();
            traitCounts = base.traitCounts.clone();
            slots = base.slots;
            freeSlots = base.freeSlots;
        }

        /** The entry of unit {@code id} in the snapshot being made, or null (disabled, failed, absent). */
        Entry entry(String id) {
            ComputingUnit u = byId.get(id);
            return u == null ? null : byPhase.get(u.phase()).get(RunKey.of(u));
        }

        void remove(String id) {
            ComputingUnit u = byId.get(id);
            if (u == null) {
                return;
            }
            RunKey key = RunKey.of(u);
            byId = byId.without(id);
            inRunOrder = inRunOrder.without(key);
            removeError(id);
            removeError(id + CANARY_SUFFIX);
            Entry e = byPhase.get(u.phase()).get(key);
            if (e == null) {
                return;
            }
            byPhase.put(u.phase(), byPhase.get(u.phase()).without(key));
            hosts = hosts.without(e);
            hostsChanged = true;
            if (e.scoped) {
                scoped = scoped.without(key);
                scopedChanged = true;
            }
            if (u.phase() == Phase.MODULE) {
                modules = modules.without(id);
            }
            count(e, -1);
            free(e.slot);
            if (e.canary != null) {
                free(e.canary.slot);
            }
        }

        void put(ComputingUnit u, Compiled fresh) {
            byId = byId.with(u.id(), u);
            inRunOrder = inRunOrder.with(RunKey.of(u), u);
            Entry e = entry(u, fresh);
            if (e != null) {
                add(e);
            }
        }

        /** The entry of a changed unit, compiled as {@code fresh}; null when it is disabled or has an error (recorded). */
        Entry entry(ComputingUnit u, Compiled fresh) {
            if (!u.enabled()) {
                return null;
            }
            compiled++;
            try {
                List<PathScope> paths = paths(u);
                HostMatcher matcher = HostMatcher.of(u.hosts());
                CompiledUnit stable = fresh.stable();
                Entry canary = null;
                if (u.canary() != null && u.phase().perRequest()) {
                    try {
                        canary = new Entry(fresh.canary(), matcher, slot(), paths, null, true);
                    } catch (UnitCompilationException e) {
                        // the stable version still runs for everybody; the registry refuses such canaries
                        error(u.id() + CANARY_SUFFIX, e);
                    }
                }
                return new Entry(stable, matcher, slot(), paths, canary, false);
            } catch (UnitCompilationException e) {
                error(u.id(), e);
            } catch (PatternSyntaxException e) {
                error(u.id(), new UnitCompilationException(u.id(), 0, "bad host pattern: " + e.getDescription()));
            }
            return null;
        }

        /**
         * Sets every table at once from {@code units} (all of them, in run order) and their
         * entries (null for a unit without one): O(n), for a change of a large share of the units.
         */
        void rebuild(List<ComputingUnit> units, List<Entry> entries) {
            List<ComputingUnit> byIdOrder = new ArrayList<>(units);
            byIdOrder.sort(Comparator.comparing(ComputingUnit::id));
            byId = PersistentSortedMap.ofSorted(byIdOrder.stream().map(ComputingUnit::id).toList(), byIdOrder);
            inRunOrder = PersistentSortedMap.ofSorted(units.stream().map(RunKey::of).toList(), units);
            Map<Phase, List<Entry>> phases = new EnumMap<>(Phase.class);
            List<Entry> loaded = new ArrayList<>();
            List<Entry> withPaths = new ArrayList<>();
            List<Entry> moduleEntries = new ArrayList<>();
            java.util.Arrays.fill(traitCounts, 0);
            for (Entry e : entries) {
                if (e == null) {
                    continue;
                }
                loaded.add(e);
                phases.computeIfAbsent(e.unit().phase(), p -> new ArrayList<>()).add(e);
                if (e.scoped) {
                    withPaths.add(e);
                }
                if (e.unit().phase() == Phase.MODULE) {
                    moduleEntries.add(e);
                }
                count(e, 1);
            }
            for (Phase p : Phase.values()) {
                List<Entry> list = phases.getOrDefault(p, List.of());
                byPhase.put(p, PersistentSortedMap.ofSorted(list.stream().map(e -> e.key).toList(), list));
            }
            scoped = PersistentSortedMap.ofSorted(withPaths.stream().map(e -> e.key).toList(), withPaths);
            scopedChanged = true;
            moduleEntries.sort(Comparator.comparing(e -> e.unit().id()));
            modules = PersistentSortedMap.ofSorted(moduleEntries.stream().map(e -> e.unit().id()).toList(), moduleEntries);
            hosts = HostIndex.Tables.of(loaded);
            hostsChanged = true;
        }

        private void add(Entry e) {
            Phase phase = e.unit().phase();
            byPhase.put(phase, byPhase.get(phase).with(e.key, e));
            hosts = hosts.with(e);
            hostsChanged = true;
            if (e.scoped) {
                scoped = scoped.with(e.key, e);
                scopedChanged = true;
            }
            if (phase == Phase.MODULE) {
                modules = modules.with(e.unit().id(), e);
            }
            count(e, 1);
        }

        private void count(Entry e, int delta) {
            int p = e.unit().phase().ordinal() * TRAITS;
            traitCounts[p + USES_REDIS] += e.traits.usesRedis() ? delta : 0;
            traitCounts[p + BLOCKS] += e.traits.blocks() ? delta : 0;
            traitCounts[p + READS_BODY] += e.traits.readsBody() ? delta : 0;
            traitCounts[p + SLEEPS] += e.traits.sleeps() ? delta : 0;
        }

        private int slot() {
            if (freeSlots != null) {
                int slot = freeSlots.slot;
                freeSlots = freeSlots.next;
                return slot;
            }
            return slots++;
        }

        private void free(int slot) {
            freeSlots = new FreeSlot(slot, freeSlots);
        }

        private void error(String id, UnitCompilationException e) {
            copyErrors();
            errors.put(id, e);
        }

        private void removeError(String id) {
            if (errors.containsKey(id)) {
                copyErrors();
                errors.remove(id);
            }
        }

        /** Errors are few: copied when one changes rather than kept in a persistent map. */
        private void copyErrors() {
            if (!errorsCopied) {
                errors = new java.util.HashMap<>(errors);
                errorsCopied = true;
            }
        }

        UnitSnapshot build(long version) {
            if (errorsCopied) {
                errors = Map.copyOf(errors);
            }
            Locations locations;
            if (base != null && !scopedChanged) {
                locations = base.locations;
            } else if (scoped.isEmpty()) {
                locations = Locations.NONE;
            } else {
                List<Map.Entry<Entry, List<PathScope>>> declared = new ArrayList<>(scoped.size());
                scoped.values().forEach(e -> declared.add(Map.entry(e, e.paths)));
                locations = Locations.of(declared);
            }
            // A new index object even when no table changed: its cache of host views holds the
            // previous snapshot's entries and locations.
            HostIndex index = new HostIndex(hosts, locations);
            return new UnitSnapshot(this, version, locations, index, List.of());
        }
    }

    /** Above this many units to compile, a build compiles them on every core (a bulk apply compiles thousands). */
    static final int PARALLEL_COMPILE_FROM = 64;

    /**
     * What one build compiled for a changed unit: its code and its canary's, each a compiled unit
     * (possibly with the bytecode of the previous snapshot's entry: same id, same code) or the
     * error it gave (thrown when asked for).
     */
    record Compiled(Object stableResult, Object canaryResult) {

        CompiledUnit stable() {
            return unwrap(stableResult);
        }

        CompiledUnit canary() {
            return unwrap(canaryResult);
        }

        private static CompiledUnit unwrap(Object result) {
            if (result instanceof UnitCompilationException e) {
                throw e;
            }
            return (CompiledUnit) result;
        }
    }

    /**
     * Compiles the enabled units of {@code changed}. The compiler is stateless and thread-safe
     * (the registry's requests validate concurrently), so a large batch is compiled in parallel;
     * the result is the same whatever the order. A unit whose code did not change (only its hosts,
     * paths, order or sampling did) keeps its bytecode: a prototype is immutable and its chunk
     * name is the unit id, which did not change either. A unit {@code ahead} compiled already
     * (the same unit) is not compiled again.
     */
    private static Map<String, Compiled> compileChanged(List<ComputingUnit> changed,
            java.util.function.Function<String, Entry> previous, CompiledAhead ahead) {
        Map<String, Entry> old = new java.util.HashMap<>();
        List<ComputingUnit> enabled = new ArrayList<>();
        for (ComputingUnit u : changed) {
            if (u.enabled()) {
                enabled.add(u);
                Entry e = previous.apply(u.id());
                if (e != null) {
                    old.put(u.id(), e);
                }
            }
        }
        java.util.stream.Stream<ComputingUnit> stream = enabled.size() >= PARALLEL_COMPILE_FROM
                ? enabled.parallelStream() : enabled.stream();
        return stream.collect(java.util.stream.Collectors.toConcurrentMap(ComputingUnit::id, u -> {
            Compiled done = ahead == null ? null : ahead.find(u);
            return done != null ? done : compile(u, old.get(u.id()));
        }));
    }

    /** Compiles {@code u} (and its canary), reusing {@code old}'s bytecode (null: none) where the code is the same. */
    static Compiled compile(ComputingUnit u, Entry old) {
        Object stable = old != null && old.unit().code().equals(u.code())
                ? new CompiledUnit(u, old.compiled.prototype()) : compileOrError(u);
        Object canary = null;
        if (u.canary() != null && u.phase().perRequest()) {
            ComputingUnit canaryUnit = u.canaryUnit();
            canary = old != null && old.canary != null && old.canary.unit().code().equals(canaryUnit.code())
                    ? new CompiledUnit(canaryUnit, old.canary.compiled.prototype()) : compileOrError(canaryUnit);
        }
        return new Compiled(stable, canary);
    }

    private static Object compileOrError(ComputingUnit u) {
        try {
            return UnitCompiler.compile(u);
        } catch (UnitCompilationException e) {
            return e;
        }
    }

    /**
     * This snapshot with the node's shared dict declarations of the same registry version
     * ({@code lua_shared_dict}s): the runner makes the node's dicts match them when it first runs
     * the snapshot. The compiled units are shared, not compiled again.
     */
    public UnitSnapshot withSharedDicts(Collection<SharedDictSpec> specs) {
        List<SharedDictSpec> sorted = specs.stream().sorted(Comparator.comparing(SharedDictSpec::name)).toList();
        return new UnitSnapshot(this, sorted);
    }

    private UnitSnapshot(UnitSnapshot from, List<SharedDictSpec> sharedDicts) {
        this.version = from.version;
        this.byId = from.byId;
        this.inRunOrder = from.inRunOrder;
        this.errors = from.errors;
        this.byPhase = from.byPhase;
        this.scopedEntries = from.scopedEntries;
        this.modules = from.modules;
        this.locations = from.locations;
        this.hostIndex = from.hostIndex;
        this.traitCounts = from.traitCounts;
        this.slots = from.slots;
        this.freeSlots = from.freeSlots;
        this.compiledNow = from.compiledNow;
        this.sharedDicts = sharedDicts;
        phasesWithUnits.addAll(from.phasesWithUnits);
        phasesUsingRedis.addAll(from.phasesUsingRedis);
        phasesBlocking.addAll(from.phasesBlocking);
        phasesSleeping.addAll(from.phasesSleeping);
        phasesReadingBody.addAll(from.phasesReadingBody);
    }

    /** The shared dicts declared with this snapshot, by name; empty by default. */
    public List<SharedDictSpec> sharedDicts() {
        return sharedDicts;
    }

    /** The unit's path scopes; a bad one leaves the unit out (the registry refuses them before they get here). */
    private static List<PathScope> paths(ComputingUnit u) {
        List<PathScope> scopes = new ArrayList<>(u.paths().size());
        for (String p : u.paths()) {
            try {
                PathScope scope = PathScope.parse(p);
                if (scope.kind().regex()) {
                    LocationRegex.compile(scope.pattern(), scope.kind() == PathScope.Kind.REGEX_CASELESS);
                }
                scopes.add(scope);
            } catch (IllegalArgumentException e) {
                throw new UnitCompilationException(u.id(), 0, "bad path '" + p + "': " + e.getMessage());
            }
        }
        return scopes;
    }

    public long version() {
        return version;
    }

    /** All units given to {@link #build} (and {@link #update}), in run order, including disabled and failed ones: a view, O(1) to take. */
    public List<ComputingUnit> units() {
        return inRunOrder.values();
    }

    /** The unit of {@code id} given to this snapshot (enabled or not, compiled or not); null when there is none. */
    public ComputingUnit unit(String id) {
        return byId.get(id);
    }

    /**
     * How many units this snapshot's build compiled because they differ from the previous
     * snapshot's (a unit whose code did not change, only its hosts, paths, order or sampling,
     * keeps its bytecode); the other enabled units' entries were shared with the previous snapshot
     * ({@link #build(long, Collection, UnitSnapshot)}).
     */
    public int compiledUnits() {
        return compiledNow;
    }

    /** Units left out because they do not compile, by id. */
    public Map<String, UnitCompilationException> errors() {
        return errors;
    }

    /** Ids of the units that run in {@code phase}, in run order (before host and sampling filters). */
    public List<String> unitIds(Phase phase) {
        return byPhase.get(phase).values().stream().map(e -> e.unit().id()).toList();
    }

    /** True when at least one unit runs in {@code phase}: the host can skip the phase otherwise. */
    public boolean has(Phase phase) {
        return phasesWithUnits.contains(phase);
    }

    /**
     * True when at least one unit of {@code phase} is for {@code host} (its {@code hosts} filter)
     * and for the request's {@code location} ({@link #locate}; a unit without {@code paths} is for
     * every location; sampling is decided later). A phase whose units are all for other hosts does not exist for
     * this request, as in nginx, where each server has only its own phase handlers: e.g. no
     * body_filter means the upstream's {@code Content-Length} is kept.
     */
    public boolean has(Phase phase, String host, Location location) {
        if (!phasesWithUnits.contains(phase)) {
            return false;
        }
        HostIndex.HostView view = hostIndex.view(host);
        return !view.unscoped(phase).isEmpty() || !view.located(location, phase).isEmpty();
    }

    /** True when a unit of {@code phase} is for {@code host}, whatever the request's path. */
    public boolean has(Phase phase, String host) {
        return phasesWithUnits.contains(phase) && !hostIndex.view(host).all(phase).isEmpty();
    }

    /** The units for {@code host} ({@link HostIndex}): what a request of that host runs, found once per host. */
    HostIndex.HostView forHost(String host) {
        return hostIndex.view(host);
    }

    /**
     * The location nginx would choose for {@code uri} among the paths that units for {@code host}
     * declare (see {@link Locations}), or null when none matches or no unit names paths: then only
     * units without {@code paths} run. {@code uri} is the normalised {@code $uri}.
     */
    public Location locate(String uri, String host) {
        return locations.isEmpty() ? null : locations.choose(uri, hostIndex.view(host));
    }

    /** True when some unit has {@code paths}: only then does {@link #locate} depend on the request. */
    boolean scopesPaths() {
        return !locations.isEmpty();
    }

    /** True when no unit runs in any request phase (module and init units alone run none): the host can skip units altogether. */
    public boolean isEmpty() {
        // Asked on every request: a loop, not a stream (JFR showed the stream's objects as most of a cache hit's allocation).
        for (Phase phase : phasesWithUnits) {
            if (phase.perRequest()) {
                return false;
            }
        }
        return true;
    }

    /**
     * True when a unit of {@code phase} mentions {@code redis_client}: such a phase makes blocking
     * Redis calls and must run off the event loop.
     */
    public boolean usesRedis(Phase phase) {
        return phasesUsingRedis.contains(phase);
    }

    /**
     * True when a unit of {@code phase} may wait: it calls {@code redis_client} or
     * {@code ngx.sleep}. Such a phase must run off the event loop.
     */
    public boolean blocks(Phase phase) {
        return phasesBlocking.contains(phase);
    }

    /**
     * True when a unit of {@code phase} mentions {@code sleep}: its step waits on a thread (a
     * virtual one), whereas a step that waits only for Redis may suspend on its event loop
     * ({@link LoopStep}).
     */
    public boolean sleeps(Phase phase) {
        return phasesSleeping.contains(phase);
    }

    /**
     * As {@link #blocks(Phase)}, for the units of {@code phase} that are for {@code host}: another
     * host's waiting unit must not move this request's step (a body_filter would then see the
     * whole body as one chunk).
     */
    public boolean blocks(Phase phase, String host) {
        return phasesBlocking.contains(phase) && hostIndex.view(host).blocks(phase);
    }

    /** As {@link #readsBody(Phase)}, for the units of {@code phase} that are for {@code host}. */
    public boolean readsBody(Phase phase, String host) {
        return phasesReadingBody.contains(phase) && hostIndex.view(host).readsBody(phase);
    }

    /**
     * True when a unit of {@code phase} reads the request body ({@code ngx.req.read_body} or
     * {@code discard_body}): the host reads it, without blocking, before the request phases.
     */
    public boolean readsBody(Phase phase) {
        return phasesReadingBody.contains(phase);
    }

    /** As {@link #slow(Phase, String, Location, long)} for any unit of the host, whatever the request's path. */
    public boolean slow(Phase phase, String host, long thresholdNanos) {
        return phasesWithUnits.contains(phase) && slow(phase, hostIndex.view(host).all(phase), thresholdNanos);
    }

    /**
     * True when an eligible unit of {@code phase} for {@code host} and {@code location} is slow for
     * {@code thresholdNanos} ({@link UnitCost#slow}): the host runs such a step off its event loop.
     */
    public boolean slow(Phase phase, String host, Location location, long thresholdNanos) {
        if (!phasesWithUnits.contains(phase)) {
            return false;
        }
        HostIndex.HostView view = hostIndex.view(host);
        return slow(phase, view.unscoped(phase), thresholdNanos) || slow(phase, view.located(location, phase), thresholdNanos);
    }

    /**
     * Request phases whose units, before their first call, count as slow: nothing says a new unit
     * is cheap, and a hostile or cold one run inline holds the event loop for its whole budget
     * (twelve new hostile units held both loops of a loaded edge for 12-14 s). Not header_filter:
     * off the loop, the response body would arrive while it runs, which nginx's header_filter never
     * sees ({@code ngx.var.upstream_response_time} must read "-" there).
     */
    private static final EnumSet<Phase> UNMEASURED_LEAVE_LOOP = EnumSet.of(Phase.REWRITE, Phase.ACCESS, Phase.CONTENT);

    private static boolean slow(Phase phase, List<Entry> entries, long thresholdNanos) {
        boolean unmeasuredLeave = UNMEASURED_LEAVE_LOOP.contains(phase);
        for (int i = 0; i < entries.size(); i++) {
            UnitCost cost = entries.get(i).cost;
            if (cost.slow(thresholdNanos) || unmeasuredLeave && !cost.measured()) {
                return true;
            }
        }
        return false;
    }

    /**
     * Ids of the units whose recorded cost makes them slow for {@code thresholdNanos} now, in run
     * order (for gauges and tests; units not called yet are not listed).
     */
    public List<String> slowUnits(long thresholdNanos) {
        List<String> slow = new ArrayList<>();
        byPhase.forEach((phase, entries) -> entries.values().stream().filter(e -> e.cost.slow(thresholdNanos))
                .forEach(e -> slow.add(e.unit().id())));
        return slow;
    }

    /** The recent cost of unit {@code id} in this snapshot; null when it is not loaded. */
    public UnitCost cost(String id) {
        ComputingUnit u = byId.get(id);
        Entry e = u == null ? null : byPhase.get(u.phase()).get(RunKey.of(u));
        return e == null ? null : e.cost;
    }

    /**
     * {@code require}'s view of the module units: a module's name is its unit id, so
     * {@code require "my.lib"} loads the unit {@code my.lib} of phase {@code module}.
     */
    Modules.ModuleUnits moduleUnits() {
        return new Modules.ModuleUnits() {
            @Override
            public org.luaj.vm2.Prototype find(String name) {
                Entry e = modules.get(name);
                return e == null ? null : e.compiled.prototype();
            }

            @Override
            public String describe(String name) {
                UnitCompilationException error = errors.get(name);
                if (error != null) {
                    return "module unit '" + name + "' does not compile: " + error.getMessage();
                }
                return "no module unit '" + name + "' in snapshot " + version;
            }
        };
    }

    InitState init() {
        return init;
    }

    void init(InitState state) {
        this.init = state;
    }

    /** The entries of {@code phase} in run order: a view, O(log n) per {@code get(i)}, cheap to iterate. */
    List<Entry> entries(Phase phase) {
        return byPhase.get(phase).values();
    }

    int slots() {
        return slots;
    }
}
