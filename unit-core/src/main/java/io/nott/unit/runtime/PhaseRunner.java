package io.nott.unit.runtime;

import io.micrometer.core.instrument.MeterRegistry;
import io.nott.unit.model.ComputingUnit;
import io.nott.unit.model.FailurePolicy;
import io.nott.unit.model.Phase;
import io.nott.unit.runtime.shared.SharedDicts;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadLocalRandom;
import org.luaj.vm2.LuaString;
import org.luaj.vm2.LuaValue;

/**
 * Runs one phase of one request: the snapshot's units for the phase, filtered by host and
 * sampling, in order, each under its budget, with its failure policy and circuit breaker, and
 * an {@link UnitOutcome} per unit recorded in Micrometer.
 *
 * <p>Thread-safe. Each platform thread gets its own Lua runtime on first use (LuaJ globals are not
 * thread-safe); virtual threads and {@link LoopStep}s borrow one from a pool. Phases of one request may run on
 * different threads, one after the other.
 */
public final class PhaseRunner {

    private final RunnerSettings settings;
    private final Clock clock;
    private final UnitRedisClient redis;
    private final UnitMeters meters;
    /** Per unit and version figures over a sliding window, for the rollout's health (issue #18). */
    private final UnitHealth health;
    private final ThreadLocal<LuaEngine> engines;
    private final ConcurrentLinkedQueue<LuaEngine> pool = new ConcurrentLinkedQueue<>();
    private final ConcurrentHashMap<String, CircuitBreaker> breakers = new ConcurrentHashMap<>();
    /** Canary versions' breakers, by unit id: a canary's failures must not open the stable version's. */
    private final ConcurrentHashMap<String, CircuitBreaker> canaryBreakers = new ConcurrentHashMap<>();
    private final MemoryAdmission admission;
    private final SharedDicts dicts;
    private final MeterRegistry registry;
    private final TimerSettings timerSettings;
    /** Created on the first ngx.timer call (a dry run's runner never starts a timer thread otherwise). */
    private volatile UnitTimers timers;
    /** The last snapshot a request ran with: a newer one makes replaced units' pending timers premature. */
    private volatile UnitSnapshot lastSnapshot;
    /**
     * The init state of the snapshot last prepared without failure or last served, whichever came
     * later: what the init gauges show (the previous one is dropped with its snapshot).
     */
    private volatile InitState currentInit = InitState.none();
    /** The init gauges, taken out of the registry again by {@link #removeGauges()}. */
    private List<io.micrometer.core.instrument.Meter> initGauges = List.of();
    private static final System.Logger TIMER_LOG = System.getLogger("io.nott.unit.timers");

    /**
     * @param registry where outcome meters go; null for none
     * @param redis    what {@code edge_computing.redis_client} reaches (e.g. {@link InMemoryUnitRedisClient})
     */
    public PhaseRunner(RunnerSettings settings, MeterRegistry registry, Clock clock, UnitRedisClient redis) {
        this(settings, registry, clock, redis, MemoryAdmission.unbounded());
    }

    /**
     * With the node's own dicts of unbounded total (each still bounded by its declared size): for
     * hosts without a node-wide bound, such as the dry run (in-memory, per run) and tests.
     */
    public PhaseRunner(RunnerSettings settings, MeterRegistry registry, Clock clock, UnitRedisClient redis,
            MemoryAdmission admission) {
        this(settings, registry, clock, redis, admission, new SharedDicts(clock, registry, Long.MAX_VALUE),
                TimerSettings.DEFAULT);
    }

    /**
     * @param admission     the node's bound on memory reserved by calls in flight: each call reserves
     *                      the sandbox's per-call allocation limit before it runs
     * @param dicts         the node's {@code ngx.shared} dicts, made to match each snapshot's declarations
     *                      ({@link UnitSnapshot#sharedDicts()}) when the runner first sees the snapshot
     * @param timerSettings the node's {@code ngx.timer} limits
     */
    public PhaseRunner(RunnerSettings settings, MeterRegistry registry, Clock clock, UnitRedisClient redis,
            MemoryAdmission admission, SharedDicts dicts, TimerSettings timerSettings) {
        this.registry = registry;
        this.timerSettings = timerSettings;
        this.admission = admission;
        this.dicts = dicts;
        this.settings = settings;
        this.clock = clock;
        this.redis = redis;
        this.meters = new UnitMeters(registry);
        this.health = new UnitHealth(clock);
        this.engines = ThreadLocal.withInitial(this::newEngine);
        if (registry != null) {
            registerInitGauges(registry);
        }
        JdkWarmUp.once(); // not inside the first unit call that reaches them
    }

    /**
     * {@code cu.units.init_state} (bytes): what the current snapshot's init units allocated in all,
     * measured by the sandbox as they ran (the thread's allocation counter plus explicit charges,
     * the figure the per-call memory limit is enforced on). Chosen over walking the globals table:
     * it needs no size model of LuaJ's objects, it is taken once (init runs once) and it is an upper
     * bound of what the globals retain, so the bound below holds for it. {@code cu.units.init_runtimes}:
     * how many runtimes hold their own copy of that state ({@link Forker}, one per thread as per nginx
     * worker); a copy is at most about the size of the state (strings are shared), so the node holds
     * at most about {@code init_state × (init_runtimes + 1)} for init, each init call being bounded
     * by {@link io.nott.unit.sandbox.SandboxLimits#maxAllocatedBytes()}. Both replace, never add up:
     * they follow the snapshot last prepared ({@link #prepare}) or served.
     */
    private void registerInitGauges(MeterRegistry registry) {
        initGauges = List.of(
                io.micrometer.core.instrument.Gauge.builder("cu.units.init_state", this, r -> r.currentInit.bytes())
                        .description("Memory the current snapshot's init units allocated (upper bound of their globals)")
                        .baseUnit("bytes").strongReference(true).register(registry),
                io.micrometer.core.instrument.Gauge.builder("cu.units.init_runtimes", this,
                                r -> r.currentInit.copies().get())
                        .description("Runtimes holding their own copy of the current snapshot's init state")
                        .strongReference(true).register(registry));
    }

    /**
     * Takes this runner's gauges out of the registry when its host stops. A registry that outlives
     * the host (Micrometer's global registry across application restarts in one JVM) would
     * otherwise keep answering the next runner's registration with the old gauges, bound to this
     * runner: the init gauges then read 0 whatever the new runner holds.
     */
    public void removeGauges() {
        if (registry != null) {
            initGauges.forEach(registry::remove);
        }
    }

    /** Calls, errors, exits and durations per unit and version over a sliding window (the heartbeat reports them). */
    public UnitHealth health() {
        return health;
    }

    /** The node's shared dicts ({@code ngx.shared}), e.g. for a host that applies a snapshot's declarations early. */
    public SharedDicts sharedDicts() {
        return dicts;
    }

    private LuaEngine newEngine() {
        return new LuaEngine(settings, clock, redis, dicts, this::timers);
    }

    /** The node's {@code ngx.timer}s (created on first use). */
    public UnitTimers timers() {
        UnitTimers t = timers;
        if (t == null) {
            synchronized (this) {
                t = timers;
                if (t == null) {
                    t = new UnitTimers(timerSettings, registry, this::runTimer,
                            m -> TIMER_LOG.log(System.Logger.Level.ERROR, m));
                    timers = t;
                }
            }
        }
        return t;
    }

    /** The node stops: pending timers run now with {@code premature = true}; waits up to {@code grace} for them. */
    public void shutdownTimers(java.time.Duration grace) {
        UnitTimers t = timers;
        if (t != null) {
            t.shutdown(grace);
        }
    }

    /** Runs one timer callback on this (virtual) thread with a borrowed runtime. */
    private void runTimer(UnitTimers.Job job, boolean premature) {
        LuaEngine engine = borrow();
        RequestState logs = new RequestState();
        try {
            LuaEngine.Call call = engine.callTimer(job.unitId, job.unitVersion, job.budget, job.fn, job.args, premature, logs);
            meters.coroutines(job.unitId, call.coroutines());
            if (call.kind().isFailure()) {
                timers.failed(job.unitId);
                TIMER_LOG.log(System.Logger.Level.WARNING, "timer of unit ''{0}'' ended with {1}: {2}", job.unitId,
                        call.kind().wireName(), call.message());
            }
        } finally {
            pool.offer(engine);
        }
        for (RequestState.LogLine line : logs.logs()) {
            TIMER_LOG.log(line.level() <= 4 ? System.Logger.Level.ERROR : System.Logger.Level.INFO,
                    "timer of unit ''{0}'': {1}", job.unitId, line.message());
        }
    }

    /**
     * Runs the units of {@code phase} for one request. For {@link Phase#BODY_FILTER} use
     * {@link #runBodyFilter}.
     */
    public PhaseResult run(UnitSnapshot snapshot, Phase phase, HttpExchange exchange, RequestState state) {
        return run(snapshot, phase, exchange, state, 0);
    }

    /**
     * As {@link #run(UnitSnapshot, Phase, HttpExchange, RequestState)}, but units whose recorded cost is slow for
     * {@code refuseSlowAboveNanos} ({@link UnitCost#slow}) are not run: outcome {@code overloaded},
     * their failure policy decides 500 or continue. The host asks this when it cannot move a slow
     * step off its event loop (its bound of off-loop steps is reached); 0 refuses nothing.
     */
    public PhaseResult run(UnitSnapshot snapshot, Phase phase, HttpExchange exchange, RequestState state,
                           long refuseSlowAboveNanos) {
        return run(snapshot, phase, exchange, state, refuseSlowAboveNanos, locate(snapshot, exchange, state));
    }

    /**
     * As {@link #run(UnitSnapshot, Phase, HttpExchange, RequestState, long)} for a request whose
     * location the host already chose ({@link UnitSnapshot#locate}, once per request and again
     * after a {@code set_uri(uri, true)} jump): units with {@code paths} run only when it is one of
     * theirs; null runs only units without {@code paths}.
     */
    public PhaseResult run(UnitSnapshot snapshot, Phase phase, HttpExchange exchange, RequestState state,
                           long refuseSlowAboveNanos, Location location) {
        if (phase == Phase.BODY_FILTER) {
            throw new IllegalArgumentException("body_filter runs per chunk: use runBodyFilter");
        }
        if (!snapshot.has(phase)) {
            return PhaseResult.EMPTY;
        }
        return loop(snapshot, phase, exchange, state, null, refuseSlowAboveNanos, location);
    }

    /** The request's location by its {@code $uri} as units left it (nginx re-matches only on a jump: see the overload taking one). */
    private static Location locate(UnitSnapshot snapshot, HttpExchange exchange, RequestState state) {
        if (!snapshot.scopesPaths()) {
            return null; // no unit has paths: not even the request's $uri is needed (a substring on most hosts)
        }
        return snapshot.locate(state.uri() != null ? state.uri() : exchange.uri(), exchange.host());
    }

    /**
     * Runs body_filter units on one chunk of the response body. {@code ngx.arg[1]} is the chunk,
     * {@code ngx.arg[2]} the eof flag; units may replace either. Call once per chunk, the last
     * call with {@code eof = true} (an empty chunk is fine).
     */
    public BodyChunk runBodyFilter(UnitSnapshot snapshot, HttpExchange exchange, RequestState state, byte[] chunk,
                                   boolean eof) {
        if (!snapshot.has(Phase.BODY_FILTER)) {
            return new BodyChunk(chunk, eof, List.of());
        }
        return runBodyFilter(snapshot, exchange, state, chunk, eof, locate(snapshot, exchange, state));
    }

    /** As {@link #runBodyFilter(UnitSnapshot, HttpExchange, RequestState, byte[], boolean)} for a chosen location. */
    public BodyChunk runBodyFilter(UnitSnapshot snapshot, HttpExchange exchange, RequestState state, byte[] chunk,
                                   boolean eof, Location location) {
        if (!snapshot.has(Phase.BODY_FILTER)) {
            return new BodyChunk(chunk, eof, List.of());
        }
        Chunk data = new Chunk(new LuaValue[] {LuaString.valueUsing(chunk)}, new boolean[] {eof});
        PhaseResult result = loop(snapshot, Phase.BODY_FILTER, exchange, state, data, 0, location);
        LuaString out = data.value[0].strvalue();
        byte[] bytes = out.m_offset == 0 && out.m_length == out.m_bytes.length ? out.m_bytes : copy(out);
        return new BodyChunk(bytes, data.eof[0], result.outcomes());
    }

    /** body_filter's {@code ngx.arg[1]} and {@code ngx.arg[2]} while its units run. */
    private record Chunk(LuaValue[] value, boolean[] eof) {
    }

    /**
     * The one loop over a phase's eligible units, for every phase: the host's units without
     * {@code paths} merged in run order with its units of the request's location (the snapshot's
     * host index gives both, so units scoped to other hosts or paths are never looked at), sampling, circuit
     * breaker, an engine for this thread, one meter record per unit. body_filter passes its chunk;
     * a failing filter leaves the chunk as it was and, since the status is already sent, never
     * ends the phase.
     */
    private PhaseResult loop(UnitSnapshot snapshot, Phase phase, HttpExchange exchange, RequestState state,
                             Chunk chunk, long refuseSlowAbove, Location location) {
        if (snapshot.init() == null) {
            prepare(snapshot); // hosts call it when they load a snapshot; this covers those that do not
        }
        HostIndex.HostView units = snapshot.forHost(exchange.host());
        List<UnitSnapshot.Entry> plain = units.unscoped(phase);
        List<UnitSnapshot.Entry> located = units.located(location, phase);
        if (plain.isEmpty() && located.isEmpty()) {
            return endOfPhase(phase, state, List.of());
        }
        boolean virtual = Thread.currentThread().isVirtual();
        // A step that may suspend on its loop (LoopStep) must not hold the thread's runtime: the
        // loop runs other requests' units on it while the step waits.
        boolean borrowed = virtual || LoopStep.current() != null;
        LuaEngine engine = borrowed ? borrow() : engines.get();
        try {
            List<UnitOutcome> outcomes = new ArrayList<>(plain.size() + located.size());
            int i = 0;
            int j = 0;
            while (i < plain.size() || j < located.size()) {
                // both lists are in run order
                UnitSnapshot.Entry e = j >= located.size() || i < plain.size()
                        && UnitSnapshot.Entry.RUN_ORDER.compare(plain.get(i), located.get(j)) < 0 ? plain.get(i++) : located.get(j++);
                e = CanarySplit.choose(e, exchange, state, clock);
                ComputingUnit u = e.unit();
                if (!sampled(u, exchange, state)) {
                    outcomes.add(record(e, new UnitOutcome(u.id(), phase, UnitOutcome.Kind.SKIPPED, 0, 0, 0, null)));
                    continue;
                }
                if (refuseSlowAbove > 0 && e.cost.slow(refuseSlowAbove)) {
                    outcomes.add(record(e, new UnitOutcome(u.id(), phase, UnitOutcome.Kind.OVERLOADED, 0, 0, 0,
                            "not run: the unit is slow (recent cost " + e.cost.estimateNanos() / 1000
                                    + " us) and the node already runs as many slow steps off its event loop as it"
                                    + " allows; retry later, make the unit cheaper or raise the bound")));
                    if (u.failure() == FailurePolicy.CLOSED && chunk == null) {
                        return new PhaseResult(PhaseResult.Action.EXIT, 500, outcomes);
                    }
                    continue;
                }
                // Node admission first (a refused call must not take a half-open breaker's one trial):
                // the call reserves a first slice and grows it as it uses memory; on an event loop
                // it never waits.
                MemoryAdmission.Lease lease = admission.open(MemoryAdmission.FIRST_SLICE_BYTES, virtual);
                if (lease == null) {
                    outcomes.add(record(e, new UnitOutcome(u.id(), phase, UnitOutcome.Kind.OVERLOADED, 0, 0, 0,
                            "not run: the node's unit memory (" + admission.capacity()
                                    + " bytes) is reserved by calls in flight; retry later or raise the share")));
                    if (u.failure() == FailurePolicy.CLOSED && chunk == null) {
                        return new PhaseResult(PhaseResult.Action.EXIT, 500, outcomes);
                    }
                    continue;
                }
                EntryState kept = state(e);
                CircuitBreaker breaker = kept.breaker;
                if (!breaker.tryAcquire(clock)) {
                    lease.close();
                    outcomes.add(record(e, new UnitOutcome(u.id(), phase, UnitOutcome.Kind.BREAKER_OPEN, 0, 0, 0,
                            "circuit breaker open after repeated failures")));
                    if (u.failure() == FailurePolicy.CLOSED && chunk == null) {
                        return new PhaseResult(PhaseResult.Action.EXIT, 500, outcomes);
                    }
                    continue;
                }
                LuaEngine.Call call;
                try {
                    call = invoke(engine, snapshot, e, phase, exchange, state, chunk, lease);
                } finally {
                    lease.close();
                }
                breaker.record(call.kind().isFailure(), clock);
                e.cost.record(call.nanos(), call.instructions());
                if (virtual) {
                    meters.offloaded(u.id(), phase);
                }
                meters.coroutines(u.id(), call.coroutines());
                outcomes.add(record(e, new UnitOutcome(u.id(), phase, call.kind(), call.nanos(),
                        call.instructions(), call.status(), call.message())));
                if (call.kind() == UnitOutcome.Kind.OVERLOADED && u.failure() == FailurePolicy.CLOSED && chunk == null) {
                    // Stopped because the node could not grant the memory it went on to use.
                    return new PhaseResult(PhaseResult.Action.EXIT, 500, outcomes);
                }
                PhaseResult end = chunk == null ? decide(phase, u, call, state, outcomes) : null;
                if (end != null) {
                    return end;
                }
            }
            return endOfPhase(phase, state, outcomes);
        } finally {
            if (borrowed) {
                pool.offer(engine);
            }
        }
    }

    private void snapshotSeen(UnitSnapshot snapshot) {
        UnitSnapshot last = lastSnapshot;
        if (last != null && snapshot.version() < last.version()) {
            return; // an older snapshot (a request still running with it), never the one to report
        }
        lastSnapshot = snapshot;
        InitState init = snapshot.init(); // prepared by now when it has init units
        currentInit = init != null ? init : InitState.none();
        UnitTimers t = timers;
        if (last != null && t != null) {
            t.snapshotReplaced(snapshot);
        }
    }

    /**
     * Runs the snapshot's init units, once per snapshot on this node (later calls return the first
     * result), in order, sharing one globals table: what they define becomes read-only globals of
     * every unit of the snapshot, each runtime with its own copy ({@link Forker}). Call it when a
     * snapshot is loaded, before requests use it: OpenResty refuses to start when init_by_lua fails,
     * and a host should likewise keep its previous snapshot when this returns failures.
     *
     * @return the init units that failed (error or timeout), with their messages; empty when fine
     */
    public List<UnitOutcome> prepare(UnitSnapshot snapshot) {
        // Before init units (they may fill ngx.shared), and here rather than per request: a
        // snapshot's dicts change only with the snapshot.
        dicts.apply(snapshot.version(), snapshot.sharedDicts());
        InitState done = snapshot.init();
        if (done == null) {
            synchronized (snapshot) {
                done = snapshot.init();
                if (done == null) {
                    done = runInit(snapshot);
                    snapshot.init(done);
                }
            }
        }
        List<UnitOutcome> failures = done.failures();
        if (failures.isEmpty()) {
            // A host keeps its previous snapshot when init fails: only a snapshot that may serve
            // replaces the init gauges and makes replaced units' pending timers premature; and only
            // a newer one (snapshotSeen), so preparing an older or empty snapshot never points the
            // gauges at state no runtime serves.
            snapshotSeen(snapshot);
        }
        return failures;
    }

    private InitState runInit(UnitSnapshot snapshot) {
        List<UnitSnapshot.Entry> entries = snapshot.entries(Phase.INIT);
        if (entries.isEmpty()) {
            return InitState.none();
        }
        // A runtime of its own that never serves a request: the source every runtime copies from.
        LuaEngine engine = newEngine();
        org.luaj.vm2.LuaTable globals = engine.newInitGlobals();
        List<UnitOutcome> outcomes = new ArrayList<>();
        long bytes = 0;
        for (UnitSnapshot.Entry e : entries) {
            // There is no request in init; APIs that need one say so (ngx.log and redis_client work).
            LuaEngine.Call call = engine.callInit(snapshot, e, globals, SimulatedExchange.get("init", "/"),
                    new RequestState());
            outcomes.add(record(e, new UnitOutcome(e.unit().id(), Phase.INIT, call.kind(), call.nanos(),
                    call.instructions(), call.status(), call.message())));
            bytes += call.allocated();
        }
        return new InitState(engine, globals, List.copyOf(outcomes), bytes, new java.util.concurrent.atomic.AtomicInteger());
    }

    private static LuaEngine.Call invoke(LuaEngine engine, UnitSnapshot snapshot, UnitSnapshot.Entry e, Phase phase,
                                         HttpExchange exchange, RequestState state, Chunk chunk,
                                         MemoryAdmission.Lease lease) {
        if (chunk == null) {
            return engine.call(snapshot, e, phase, exchange, state, lease);
        }
        LuaValue before = chunk.value[0];
        boolean eofBefore = chunk.eof[0];
        LuaEngine.Call call = engine.callBodyFilter(snapshot, e, exchange, state, chunk.value, chunk.eof, lease);
        if (call.kind().isFailure()) {
            chunk.value[0] = before; // a failing filter leaves the chunk as it was
            chunk.eof[0] = eofBefore;
        }
        return call;
    }

    /**
     * What a finished call means for the rest of the phase; null to go on with the next unit.
     * <ul>
     *   <li>error/timeout: 500 under a {@code closed} policy, else go on;</li>
     *   <li>a body written in rewrite/access: that is the response, now;</li>
     *   <li>{@code ngx.exit(status >= 200)} or {@code ngx.exit(ngx.ERROR)}: the response if a body
     *       was written, else an exit with that status; in header_filter it also sets the status;</li>
     *   <li>{@code ngx.exit(ngx.OK)} and other negative codes end only the unit.</li>
     * </ul>
     * Content units all run (each may add to the body) unless one exits; see {@link #endOfPhase}.
     */
    /** The status that means "close the connection without an answer" (nginx's 444). */
    public static final int CLOSE = 444;

    private static PhaseResult decide(Phase phase, ComputingUnit u, LuaEngine.Call call, RequestState state,
                                      List<UnitOutcome> outcomes) {
        boolean requestPhase = phase == Phase.REWRITE || phase == Phase.ACCESS || phase == Phase.CONTENT;
        if (call.kind().isFailure()) {
            if (u.failure() != FailurePolicy.CLOSED) {
                return null;
            }
            // nginx answers a Lua error with its 500 page, unless the headers are out (output in a
            // request phase) or it happens in header_filter: then it closes the connection.
            boolean headersOut = phase == Phase.HEADER_FILTER || requestPhase && state.bodyWritten();
            return new PhaseResult(PhaseResult.Action.EXIT, headersOut ? CLOSE : 500, outcomes);
        }
        // ngx.exit(ngx.ERROR): nginx closes the connection without an answer.
        int exit = call.status() == -1 ? CLOSE : call.status();
        boolean ends = call.kind() == UnitOutcome.Kind.EXIT && exit >= 100;
        if (phase == Phase.HEADER_FILTER) {
            if (ends) {
                state.setStatus(exit);
                return new PhaseResult(PhaseResult.Action.EXIT, exit, outcomes);
            }
            return null;
        }
        if (requestPhase && state.bodyWritten() && (ends || phase != Phase.CONTENT)) {
            if (exit == CLOSE) {
                return new PhaseResult(PhaseResult.Action.EXIT, CLOSE, outcomes);
            }
            // nginx sent the status with the first output: a later exit's status changes nothing.
            int status = state.status() > 0 ? state.status() : 200;
            return new PhaseResult(PhaseResult.Action.RESPONSE, status, outcomes);
        }
        if (ends && phase != Phase.LOG) {
            return new PhaseResult(PhaseResult.Action.EXIT, exit, outcomes);
        }
        return null;
    }

    /**
     * After the last unit: in content, a unit that ran is the handler, as {@code content_by_lua}
     * replaces {@code proxy_pass}: its body (possibly empty) is the response, with
     * {@code ngx.status} or 200. Content units that were all skipped (host, sampling, breaker) or
     * failed under {@code open} let the request go on upstream.
     */
    private static PhaseResult endOfPhase(Phase phase, RequestState state, List<UnitOutcome> outcomes) {
        if (phase == Phase.CONTENT && (state.bodyWritten() || ranAny(outcomes))) {
            return new PhaseResult(PhaseResult.Action.RESPONSE, state.status() > 0 ? state.status() : 200, outcomes);
        }
        return new PhaseResult(PhaseResult.Action.CONTINUE, 0, outcomes);
    }

    private static boolean ranAny(List<UnitOutcome> outcomes) {
        for (int i = 0; i < outcomes.size(); i++) {
            UnitOutcome.Kind kind = outcomes.get(i).kind();
            if (kind == UnitOutcome.Kind.OK || kind == UnitOutcome.Kind.EXIT) {
                return true;
            }
        }
        return false;
    }

    private static byte[] copy(LuaString s) {
        byte[] b = new byte[s.m_length];
        System.arraycopy(s.m_bytes, s.m_offset, b, 0, s.m_length);
        return b;
    }

    private LuaEngine borrow() {
        LuaEngine e = pool.poll();
        return e != null ? e : newEngine();
    }

    private UnitOutcome record(UnitSnapshot.Entry e, UnitOutcome o) {
        UnitOutcome said = e.isCanary ? o.asCanary() : o;
        EntryState kept = state(e);
        meters.record(kept.meters, said);
        if (o.phase().perRequest()) {
            UnitHealth.Series series = kept.health;
            if (series == null || series.dropped()) {
                series = health.series(e.healthKey);
                kept.health = series;
            }
            health.record(said, series);
        }
        return said;
    }

    /**
     * What a runner keeps per snapshot entry, found once instead of on every call (a map lookup by
     * unit id each for the breaker and the meters, and one by the health key's hash): an entry
     * lives as long as its unit version, shared by the snapshots that keep the unit unchanged.
     * Kept in the entry for the runner that made it; another runner running the same snapshot
     * (tests, a dry run beside the edge) finds its own again, correct but without the saving.
     */
    static final class EntryState {
        final PhaseRunner runner;
        final CircuitBreaker breaker;
        /** Null without a registry. */
        final UnitMeters.Set meters;
        /** Looked up again once the health window dropped it for being quiet. */
        UnitHealth.Series health;

        EntryState(PhaseRunner runner, CircuitBreaker breaker, UnitMeters.Set meters) {
            this.runner = runner;
            this.breaker = breaker;
            this.meters = meters;
        }
    }

    private EntryState state(UnitSnapshot.Entry e) {
        EntryState s = e.runnerState;
        if (s != null && s.runner == this) {
            return s;
        }
        s = new EntryState(this, breaker(e), meters.meters(e.unit().id(), e.isCanary));
        e.runnerState = s; // a race makes two equal states (the breaker is the map's): either is right
        return s;
    }

    private boolean sampled(ComputingUnit u, HttpExchange exchange, RequestState state) {
        int pct = u.sampling();
        if (pct >= 100) {
            return true;
        }
        if (pct <= 0) {
            return false;
        }
        if (u.samplingKey() == null) {
            return ThreadLocalRandom.current().nextInt(100) < pct;
        }
        String v = NgxVariables.resolve(u.samplingKey(), exchange, state, clock);
        return bucket(u.id(), v == null ? "" : v) < pct;
    }

    /** Deterministic bucket 0-99 for a unit and a key value (one client always in or always out). */
    static int bucket(String unitId, String value) {
        return bucket("", unitId, value);
    }

    /**
     * FNV-1a over {@code salt + unitId + '\0' + value}, 0-99, folded part by part so a request
     * builds no string for it (it runs for every sampled or split unit of every request).
     */
    static int bucket(String salt, String unitId, String value) {
        long h = fnv(0xcbf29ce484222325L, salt);
        h = fnv(h, unitId);
        h = (h ^ '\u0000') * 0x100000001b3L;
        h = fnv(h, value);
        h ^= h >>> 33;
        return (int) Math.floorMod(h, 100L);
    }

    private static long fnv(long h, String s) {
        for (int i = 0; i < s.length(); i++) {
            h ^= s.charAt(i);
            h *= 0x100000001b3L;
        }
        return h;
    }

    /**
     * The unit's breaker; a changed unit (new version or code) starts with a fresh, closed one. A
     * canary has its own ({@link #canaryBreakers}).
     */
    private CircuitBreaker breaker(UnitSnapshot.Entry e) {
        ComputingUnit u = e.unit();
        ConcurrentHashMap<String, CircuitBreaker> side = e.isCanary ? canaryBreakers : breakers;
        int codeHash = u.code().hashCode();
        CircuitBreaker b = side.get(u.id());
        if (b != null && b.unitVersion == u.version() && b.codeHash == codeHash) {
            return b;
        }
        CircuitBreaker fresh = new CircuitBreaker(settings.breakerFailureThreshold(),
                settings.breakerCoolDown().toMillis(), u.version(), codeHash);
        // A request still running an older snapshot keeps a breaker of its own (in its entry's
        // state) rather than replacing the newer version's, which breakerState reports.
        CircuitBreaker kept = side.compute(u.id(), (id, old) -> old != null && (old.unitVersion == u.version()
                && old.codeHash == codeHash || old.unitVersion > u.version()) ? old : fresh);
        return kept.unitVersion == u.version() && kept.codeHash == codeHash ? kept : fresh;
    }

    /** {@code closed}, {@code open} or {@code half_open}: the breaker of a unit (closed when it never failed). */
    public String breakerState(String unitId) {
        CircuitBreaker b = breakers.get(unitId);
        return b == null ? "closed" : b.state().name().toLowerCase(java.util.Locale.ROOT);
    }
}
