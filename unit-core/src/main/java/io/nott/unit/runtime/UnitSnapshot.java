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
 */
public final class UnitSnapshot {

    /** One loaded unit: compiled code, host filter, and its slot for per-thread closures. */
    static final class Entry {
        final CompiledUnit compiled;
        final HostMatcher hosts;
        final int slot;
        /** What its source says about how it must run (Redis, sleep, request body), read once. */
        final UnitTraits traits;
        /** Recent call cost; per snapshot, like its breaker: a changed unit is measured again (off the loop). */
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

        Entry(CompiledUnit compiled, HostMatcher hosts, int slot) {
            this(compiled, hosts, slot, null, false);
        }

        Entry(CompiledUnit compiled, HostMatcher hosts, int slot, Entry canary, boolean isCanary) {
            this(compiled, hosts, slot, canary, isCanary, UnitTraits.of(compiled.unit()),
                    SharedEnv.allowed(compiled.prototype()));
        }

        /**
         * @param traits    what {@link UnitTraits#of} says of the unit
         * @param sharesEnv what {@link SharedEnv#allowed} says of its bytecode (both read once per
         *                  unit version: an unchanged unit's next entry takes them from its last one)
         */
        Entry(CompiledUnit compiled, HostMatcher hosts, int slot, Entry canary, boolean isCanary, UnitTraits traits,
              boolean sharesEnv) {
            this.canary = canary;
            this.isCanary = isCanary;
            this.compiled = compiled;
            this.hosts = hosts;
            this.slot = slot;
            this.scoped = !compiled.unit().paths().isEmpty();
            this.traits = traits;
            this.healthKey = new UnitHealth.Key(compiled.unit().id(), isCanary ? "canary" : "stable",
                    compiled.unit().version());
            this.sharesEnv = sharesEnv;
        }

        ComputingUnit unit() {
            return compiled.unit();
        }
    }

    public static final UnitSnapshot EMPTY = build(0, List.of());

    /** Appended to a unit's id in {@link #errors()} when its canary version does not compile. */
    public static final String CANARY_SUFFIX = "@canary";

    private final long version;
    private final List<ComputingUnit> units;
    private final Map<String, UnitCompilationException> errors;
    private final EnumMap<Phase, List<Entry>> byPhase;
    private final Locations locations;
    private final HostIndex hostIndex;
    // Derived once here because hosts ask them on every request.
    private final EnumSet<Phase> phasesWithUnits = EnumSet.noneOf(Phase.class);
    private final EnumSet<Phase> phasesUsingRedis = EnumSet.noneOf(Phase.class);
    private final EnumSet<Phase> phasesBlocking = EnumSet.noneOf(Phase.class);
    private final EnumSet<Phase> phasesSleeping = EnumSet.noneOf(Phase.class);
    private final EnumSet<Phase> phasesReadingBody = EnumSet.noneOf(Phase.class);
    private final int slots;
    /** How many units this snapshot's build compiled; the others were shared with the previous snapshot. */
    private final int compiledNow;
    private final List<SharedDictSpec> sharedDicts;
    /** Enabled module units by name (their id), compiled or not. */
    private final Map<String, Entry> modules = new java.util.HashMap<>();
    /** What the init units left, once {@link PhaseRunner#prepare} ran them; null before. */
    private volatile InitState init;

    private UnitSnapshot(long version, List<ComputingUnit> units, Map<String, UnitCompilationException> errors,
                         EnumMap<Phase, List<Entry>> byPhase, Locations locations, HostIndex hostIndex, int slots,
                         List<SharedDictSpec> sharedDicts, int compiledNow) {
        this.version = version;
        this.compiledNow = compiledNow;
        this.sharedDicts = sharedDicts;
        this.units = units;
        this.errors = errors;
        this.byPhase = byPhase;
        this.locations = locations;
        this.hostIndex = hostIndex != null ? hostIndex : new HostIndex(inRunOrder(byPhase), locations);
        this.slots = slots;
        for (Entry e : byPhase.get(Phase.MODULE)) {
            modules.put(e.unit().id(), e);
        }
        byPhase.forEach((phase, entries) -> {
            if (!entries.isEmpty()) {
                phasesWithUnits.add(phase);
            }
            if (entries.stream().anyMatch(e -> e.traits.usesRedis())) {
                phasesUsingRedis.add(phase);
            }
            if (entries.stream().anyMatch(e -> e.traits.blocks())) {
                phasesBlocking.add(phase);
            }
            if (entries.stream().anyMatch(e -> e.traits.sleeps())) {
                phasesSleeping.add(phase);
            }
            if (entries.stream().anyMatch(e -> e.traits.readsBody())) {
                phasesReadingBody.add(phase);
            }
        });
    }

    /** Every entry of every phase in run order (slots are given in run order). */
    private static List<Entry> inRunOrder(EnumMap<Phase, List<Entry>> byPhase) {
        List<Entry> all = new ArrayList<>();
        byPhase.values().forEach(all::addAll);
        all.sort(Comparator.comparingInt(e -> e.slot));
        return all;
    }

    /** Compiles every enabled unit once. Never throws for a bad unit. */
    public static UnitSnapshot build(long version, Collection<ComputingUnit> units) {
        return build(version, units, null);
    }

    /**
     * As {@link #build(long, Collection)}, sharing with {@code previous} what did not change: a
     * unit equal to the one {@code previous} holds under its id keeps its compiled code and host
     * matcher (or its compile error) instead of being compiled again, so a change of one unit
     * among 10,000 compiles one. Per-snapshot state (breaker, recent cost, init globals) starts
     * anew as with a fresh build; the shared parts are immutable.
     */
    public static UnitSnapshot build(long version, Collection<ComputingUnit> units, UnitSnapshot previous) {
        Map<String, Entry> reusable = new java.util.HashMap<>();
        if (previous != null) {
            previous.byPhase.values().forEach(entries -> entries.forEach(e -> reusable.put(e.unit().id(), e)));
        }
        Map<String, ComputingUnit> previousUnits = new java.util.HashMap<>();
        if (previous != null && !previous.errors.isEmpty()) {
            previous.units.forEach(u -> previousUnits.put(u.id(), u));
        }
        List<ComputingUnit> sorted = new ArrayList<>(units);
        sorted.sort(Comparator.comparingInt(ComputingUnit::order).thenComparing(ComputingUnit::id));
        Map<String, UnitCompilationException> errors = new LinkedHashMap<>();
        EnumMap<Phase, List<Entry>> byPhase = new EnumMap<>(Phase.class);
        for (Phase p : Phase.values()) {
            byPhase.put(p, new ArrayList<>());
        }
        List<Map.Entry<Entry, List<PathScope>>> scoped = new ArrayList<>();
        Map<String, Compiled> compiledNow = compileChanged(sorted, reusable, previous, previousUnits);
        int slot = 0;
        for (ComputingUnit u : sorted) {
            if (!u.enabled()) {
                continue;
            }
            UnitCompilationException knownError = previous == null ? null : previous.errors.get(u.id());
            if (knownError != null && u.equals(previousUnits.get(u.id()))) {
                errors.put(u.id(), knownError);
                continue;
            }
            try {
                List<PathScope> paths = paths(u);
                Entry old = reusable.get(u.id());
                boolean unchanged = old != null && old.unit().equals(u);
                HostMatcher hosts = unchanged ? old.hosts : HostMatcher.of(u.hosts());
                Compiled fresh = compiledNow.get(u.id());
                CompiledUnit stable = unchanged ? old.compiled : fresh.stable();
                Entry canary = null;
                if (u.canary() != null && u.phase().perRequest()) {
                    try {
                        // an unchanged unit whose canary did not compile tries it again, as every build did
                        CompiledUnit canaryCode = unchanged && old.canary != null ? old.canary.compiled
                                : fresh != null ? fresh.canary() : UnitCompiler.compile(u.canaryUnit());
                        canary = new Entry(canaryCode, hosts, slot++, null, true);
                    } catch (UnitCompilationException e) {
                        // the stable version still runs for everybody; the registry refuses such canaries
                        errors.put(u.id() + CANARY_SUFFIX, e);
                    }
                }
                Entry entry = unchanged ? new Entry(stable, hosts, slot++, canary, false, old.traits, old.sharesEnv)
                        : new Entry(stable, hosts, slot++, canary, false);
                byPhase.get(u.phase()).add(entry);
                if (!paths.isEmpty()) {
                    scoped.add(Map.entry(entry, paths));
                }
            } catch (UnitCompilationException e) {
                errors.put(u.id(), e);
            } catch (PatternSyntaxException e) {
                errors.put(u.id(), new UnitCompilationException(u.id(), 0, "bad host pattern: " + e.getDescription()));
            }
        }
        byPhase.replaceAll((p, list) -> List.copyOf(list));
        Locations locations = scoped.isEmpty() ? Locations.NONE : Locations.of(scoped);
        return new UnitSnapshot(version, List.copyOf(sorted), Map.copyOf(errors), byPhase, locations, null, slot,
                List.of(), compiledNow.size());
    }

    /** Above this many units to compile, a build compiles them on every core (a bulk apply compiles thousands). */
    static final int PARALLEL_COMPILE_FROM = 64;

    /**
     * What one build compiled for a changed unit: its code and its canary's, each a compiled unit
     * (possibly with the bytecode of the previous snapshot's entry: same id, same code) or the
     * error it gave (thrown when asked for).
     */
    private record Compiled(Object stableResult, Object canaryResult) {

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
     * Compiles the enabled units that differ from {@code previous}'s, by id. The compiler is
     * stateless and thread-safe (the registry's requests validate concurrently), so a large batch
     * is compiled in parallel; the result is the same whatever the order. A unit whose code did not
     * change (only its hosts, paths, order or sampling did) keeps its bytecode: a prototype is
     * immutable and its chunk name is the unit id, which did not change either.
     */
    private static Map<String, Compiled> compileChanged(List<ComputingUnit> sorted, Map<String, Entry> reusable,
            UnitSnapshot previous, Map<String, ComputingUnit> previousUnits) {
        List<ComputingUnit> changed = new ArrayList<>();
        for (ComputingUnit u : sorted) {
            Entry old = reusable.get(u.id());
            if (u.enabled() && (old == null || !old.unit().equals(u))
                    && (previous == null || !previous.errors.containsKey(u.id()) || !u.equals(previousUnits.get(u.id())))) {
                changed.add(u);
            }
        }
        java.util.stream.Stream<ComputingUnit> stream = changed.size() >= PARALLEL_COMPILE_FROM
                ? changed.parallelStream() : changed.stream();
        return stream.collect(java.util.stream.Collectors.toConcurrentMap(ComputingUnit::id, u -> compile(u, reusable.get(u.id()))));
    }

    private static Compiled compile(ComputingUnit u, Entry old) {
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
        return new UnitSnapshot(version, units, errors, byPhase, locations, hostIndex, slots, sorted, compiledNow);
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

    /** All units given to {@link #build}, in run order, including disabled and failed ones. */
    public List<ComputingUnit> units() {
        return units;
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
        return byPhase.get(phase).stream().map(e -> e.unit().id()).toList();
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
        byPhase.forEach((phase, entries) -> entries.stream().filter(e -> e.cost.slow(thresholdNanos))
                .forEach(e -> slow.add(e.unit().id())));
        return slow;
    }

    /** The recent cost of unit {@code id} in this snapshot; null when it is not loaded. */
    public UnitCost cost(String id) {
        for (List<Entry> entries : byPhase.values()) {
            for (Entry e : entries) {
                if (e.unit().id().equals(id)) {
                    return e.cost;
                }
            }
        }
        return null;
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

    List<Entry> entries(Phase phase) {
        return byPhase.get(phase);
    }

    int slots() {
        return slots;
    }
}
