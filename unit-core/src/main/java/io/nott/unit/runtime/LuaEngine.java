package io.nott.unit.runtime;

import io.nott.unit.model.Budget;
import io.nott.unit.model.Phase;
import io.nott.unit.runtime.shared.SharedDicts;
import io.nott.unit.sandbox.BudgetHook;
import io.nott.unit.sandbox.LuaSandbox;
import io.nott.unit.sandbox.NgxThreadLib;
import io.nott.unit.sandbox.MemoryLease;
import io.nott.unit.sandbox.ReadOnlyTable;
import io.nott.unit.sandbox.UnitAbort;
import java.time.Clock;
import org.luaj.vm2.Globals;
import org.luaj.vm2.LuaClosure;
import org.luaj.vm2.LuaError;
import org.luaj.vm2.LuaString;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.UpValue;
import org.luaj.vm2.Varargs;

/**
 * One Lua runtime, used by one thread at a time: its own {@link Globals} (LuaJ globals are not
 * thread-safe) with the budget hook, a read-only base environment with {@code ngx} and
 * {@code edge_computing}, and the closures of the current snapshot's units, created on first use
 * from the shared prototypes. Each call gets a fresh environment table over the base, so globals a
 * unit sets live only for that call (as in OpenResty, where globals are per request).
 */
final class LuaEngine {

    private static final LuaString G = LuaString.valueOf("_G");
    /** Installed between calls; never captured, since closures are only created during calls. */
    private static final UpValue NO_ENV = new UpValue(new LuaValue[] {LuaValue.NIL}, 0);

    /**
     * Result of one call, before the runner turns it into an outcome.
     *
     * @param allocated bytes an init call allocated in all ({@link BudgetHook#finalAllocated}), garbage
     *                  included; 0 for other calls (not measured)
     */
    record Call(UnitOutcome.Kind kind, int status, long instructions, long nanos, String message, long coroutines,
                long allocated) {
    }

    private final BudgetHook hook = new BudgetHook();
    private final Globals globals;
    private final CallContext ctx;
    private final LuaTable envMeta;
    private final ReadOnlyTable base;
    /** The metatable of call environments for the bound snapshot: over its init globals, if any. */
    private LuaTable unitMeta;
    private final LuaValue edgeComputing;
    private final RunnerSettings settings;
    private final Modules modules;
    private UnitSnapshot bound;
    private LuaClosure[] closures = new LuaClosure[0];
    /** The environment every call of a {@link SharedEnv} unit of the bound snapshot runs in. */
    private LuaTable sharedEnv;

    private final java.util.function.Supplier<UnitTimers> timers;

    LuaEngine(RunnerSettings settings, Clock clock, UnitRedisClient redis, SharedDicts dicts) {
        this(settings, clock, redis, dicts, () -> {
            throw new LuaError("ngx.timer is not available here");
        });
    }

    LuaEngine(RunnerSettings settings, Clock clock, UnitRedisClient redis, SharedDicts dicts,
            java.util.function.Supplier<UnitTimers> timers) {
        this.timers = timers;
        this.settings = settings;
        this.globals = LuaSandbox.newGlobals(hook);
        this.ctx = new CallContext(clock, settings, redis);
        NgxLib ngxLib = new NgxLib(ctx);
        LuaTable base = LuaSandbox.baseLibrary(globals, () -> {
            CallContext c = CallContext.current();
            return (c != null ? c : ctx).env;
        }, ngxLib.print());
        LuaTable ngx = ngxLib.build();
        ngx.set("shared", new NgxShared(dicts, ctx).table());
        ngx.set("thread", ReadOnlyTable.copyOf(NgxThreadLib.build(globals, LuaEngine::logThreadError), null));
        ngx.set("timer", ReadOnlyTable.copyOf(TimerLib.build(timers), null));
        base.set("ngx", ReadOnlyTable.copyOf(ngx, ngxLib.meta()));
        this.edgeComputing = ReadOnlyTable.copyOf(new EdgeComputingLib(ctx).build(), null);
        base.set("edge_computing", edgeComputing);
        this.modules = new Modules(globals);
        BundledModules.JAVA.forEach(modules::register);
        // lua-resty-core's module form of an ngx table: require "ngx.balancer" is ngx.balancer itself.
        LuaValue balancer = ngx.get("balancer");
        modules.register("ngx.balancer", () -> balancer);
        base.set("require", modules.requireFunction());
        base.set("package", modules.packageTable());
        this.base = ReadOnlyTable.copyOf(base, null);
        this.envMeta = ReadOnlyTable.of("__index", this.base);
        this.unitMeta = envMeta;
        modules.environment(envMeta);
    }

    Call call(UnitSnapshot snapshot, UnitSnapshot.Entry entry, Phase phase, HttpExchange exchange,
              RequestState state, MemoryLease lease) {
        LuaClosure closure = closure(snapshot, entry);
        if (entry.sharesEnv) {
            // bound to the shared environment when the closure was made: nothing to build or swap
            ctx.begin(phase, exchange, state, entry.unit().id(), sharedEnv);
            return run(entry, lease, closure);
        }
        // Sized for _G: growing an empty table's hash part costs a rehash (and its count array) per call.
        LuaTable env = new LuaTable(0, 1);
        env.setmetatable(unitMeta);
        env.rawset(G, env);
        return run(closure, env, entry, phase, exchange, state, lease);
    }

    /**
     * Runs one init unit with {@code globals} as its environment (shared by the snapshot's init
     * units, as one init_by_lua block's globals are). Only for a runtime that serves no request.
     */
    Call callInit(UnitSnapshot snapshot, UnitSnapshot.Entry entry, LuaTable globals, HttpExchange exchange,
                  RequestState state) {
        bind(snapshot);
        LuaClosure closure = LuaSandbox.bind(entry.compiled.prototype(), this.globals, LuaValue.NIL);
        // not admitted: runs once per snapshot, off requests; what it allocated is the init state's size
        return run(closure, globals, entry, Phase.INIT, exchange, state, null);
    }

    /** A fresh table for init units' globals: over the base, {@code _G} itself. */
    LuaTable newInitGlobals() {
        LuaTable env = new LuaTable();
        env.setmetatable(envMeta);
        env.rawset(G, env);
        return env;
    }

    private Call run(LuaClosure closure, LuaTable env, UnitSnapshot.Entry entry, Phase phase, HttpExchange exchange,
                     RequestState state, MemoryLease lease) {
        closure.upValues[0] = new UpValue(new LuaValue[] {env}, 0);
        ctx.begin(phase, exchange, state, entry.unit().id(), env);
        try {
            return run(entry, lease, closure);
        } finally {
            // Let the call's env be collected. Not setValue(NIL): closures the unit created share
            // that upvalue and may still run later (e.g. stored in ngx.ctx for the log phase).
            closure.upValues[0] = NO_ENV;
        }
    }

    /** Runs a unit's chunk under its budget, the call context already begun. */
    private Call run(UnitSnapshot.Entry entry, MemoryLease lease, LuaClosure closure) {
        Budget budget = entry.unit().budget();
        ctx.budget = budget;
        ctx.unitVersion = entry.unit().version();
        return run(budget, lease, closure, edgeComputing, ctx.phase == Phase.INIT);
    }

    /**
     * Runs a timer callback ({@code fn(premature, args...)}) with the unit's budget; no request:
     * request APIs fail as nginx's do in a timer. Its log lines go to {@code logs}.
     */
    Call callTimer(String unitId, long unitVersion, Budget budget, LuaValue fn, Varargs args, boolean premature,
            RequestState logs) {
        ctx.beginTimer(unitId, LuaValue.NIL);
        ctx.state = logs;
        ctx.budget = budget;
        ctx.unitVersion = unitVersion;
        // Not admitted by the node's MemoryAdmission (no lease): bounded by the per-call limit and the timer limits.
        return run(budget, null, fn, LuaValue.varargsOf(LuaValue.valueOf(premature), args), false);
    }

    /**
     * Calls {@code fn(args)} under the budget (no lambda per call: this is every unit call's path).
     *
     * @param measureAllocated read the thread's allocation counter from the start and once more at
     *                         the end for {@link Call#allocated} (init units: the size of what they
     *                         leave); other calls skip both (JNI calls, some 2 % of a token check each;
     *                         a call that reaches the hook's first periodic check starts the counter
     *                         there) and report 0
     */
    private Call run(Budget budget, MemoryLease lease, LuaValue fn, Varargs args, boolean measureAllocated) {
        // one clock reading for both (a clock read is a visible share of a short call on a VM)
        long start = hook.arm(budget, settings.limits(), lease);
        if (measureAllocated) {
            hook.countAllocationFromStart();
        }
        UnitOutcome.Kind kind = UnitOutcome.Kind.OK;
        int status = 0;
        String message = null;
        long allocated = 0;
        try {
            fn.invoke(args);
            finishLightThreads();
        } catch (UnitAbort.Exit e) {
            status = e.status();
            kind = status == 0 ? UnitOutcome.Kind.OK : UnitOutcome.Kind.EXIT;
        } catch (UnitAbort.BudgetExceeded e) {
            kind = UnitOutcome.Kind.TIMEOUT;
            message = e.getMessage();
        } catch (UnitAbort.ResourceLimitExceeded e) {
            kind = UnitOutcome.Kind.ERROR;
            message = e.getMessage();
        } catch (UnitAbort.Overloaded e) {
            kind = UnitOutcome.Kind.OVERLOADED;
            message = e.getMessage();
        } catch (LuaError e) {
            kind = UnitOutcome.Kind.ERROR;
            message = describe(e);
        } catch (StackOverflowError e) {
            kind = UnitOutcome.Kind.ERROR;
            message = "stack overflow (the thread's Java stack is exhausted)";
        } catch (RuntimeException e) {
            kind = UnitOutcome.Kind.ERROR;
            message = "internal error: " + e;
        } finally {
            allocated = measureAllocated ? hook.finalAllocated() : 0;
            hook.disarm();
            ctx.end();
        }
        return new Call(kind, status, hook.instructions(), System.nanoTime() - start, message, hook.coroutinesCreated(),
                allocated);
    }

    /** nginx's handler runs the light threads the unit left suspended to their end before it is done. */
    private void finishLightThreads() {
        if (hook.hasLiveLightThreads()) {
            hook.finishLightThreads();
        }
    }

    private static void logThreadError(String message) {
        CallContext c = CallContext.current();
        if (c != null && c.state != null) {
            c.state.log(c.unitId, 4, message);
        }
    }

    /** Runs one body_filter call with the chunk as {@code ngx.arg[1]}; the (changed) chunk is read back after. */
    Call callBodyFilter(UnitSnapshot snapshot, UnitSnapshot.Entry entry, HttpExchange exchange, RequestState state,
                        LuaValue[] chunk, boolean[] eof, MemoryLease lease) {
        ctx.chunk = chunk[0];
        ctx.eof = eof[0];
        try {
            return call(snapshot, entry, Phase.BODY_FILTER, exchange, state, lease);
        } finally {
            chunk[0] = ctx.chunk;
            eof[0] = ctx.eof;
            ctx.chunk = LuaValue.NIL;
        }
    }

    private LuaClosure closure(UnitSnapshot snapshot, UnitSnapshot.Entry entry) {
        bind(snapshot);
        LuaClosure c = closures[entry.slot];
        if (c == null) {
            c = LuaSandbox.bind(entry.compiled.prototype(), globals, entry.sharesEnv ? sharedEnv : LuaValue.NIL);
            closures[entry.slot] = c;
        }
        return c;
    }

    Globals globals() {
        return globals;
    }

    LuaTable envMeta() {
        return envMeta;
    }

    ReadOnlyTable base() {
        return base;
    }

    Modules modules() {
        return modules;
    }

    /**
     * Makes {@code snapshot} the one this runtime runs: its closures, its modules and, when its
     * init units ran ({@link PhaseRunner#prepare} comes first), this runtime's copy of their globals.
     */
    private void bind(UnitSnapshot snapshot) {
        if (bound == snapshot) {
            return;
        }
        bound = snapshot;
        closures = new LuaClosure[snapshot.slots()];
        modules.bind(snapshot, snapshot.moduleUnits());
        unitMeta = envMeta;
        InitState init = snapshot.init();
        if (init != null && init.source() != null && init.source() != this) {
            // This runtime's own copy of what init built, as a forked nginx worker has.
            Forker fork = new Forker(init.source(), this);
            init.copies().incrementAndGet();
            unitMeta = ReadOnlyTable.of("__index", fork.globals(init.globals()));
            fork.loaded(init.source().modules().loaded(), modules.loaded());
        }
        modules.environment(unitMeta);
        sharedEnv = SharedEnv.over(unitMeta, G);
    }

    /** The message of a Lua error; non-string error values are described, never converted by metamethods. */
    static String describe(LuaError e) {
        LuaValue obj = e.getMessageObject();
        if (obj == null || obj.isnil()) {
            return e.getMessage() != null ? strip(e.getMessage()) : "error(nil)";
        }
        if (obj.isstring()) {
            return strip(e.getMessage());
        }
        return "error object is a " + obj.typename() + " value";
    }

    /** Drops the (empty) traceback LuaJ appends after a newline. */
    private static String strip(String m) {
        return m.endsWith("\n") ? m.substring(0, m.length() - 1) : m;
    }
}
