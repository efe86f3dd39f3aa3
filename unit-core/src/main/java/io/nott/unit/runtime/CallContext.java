package io.nott.unit.runtime;

import io.nott.unit.model.Phase;
import java.time.Clock;
import org.luaj.vm2.LuaError;
import org.luaj.vm2.LuaValue;

/**
 * The request and unit the Lua functions of one runtime act on right now. One per runtime
 * (thread); set before each unit call and cleared after, so the library tables can be built once.
 */
final class CallContext {

    final Clock clock;
    final RunnerSettings settings;
    final UnitRedisClient redis;
    Phase phase;
    HttpExchange exchange;
    RequestState state;
    String unitId;
    LuaValue env = LuaValue.NIL;
    /** body_filter: the current chunk and eof flag as {@code ngx.arg[1]}/{@code ngx.arg[2]}. */
    LuaValue chunk = LuaValue.NIL;
    boolean eof;
    /** A timer callback runs (ngx.timer): no request. */
    boolean timer;
    /** The running unit's budget and version: what a timer it creates inherits. */
    io.nott.unit.model.Budget budget;
    long unitVersion;
    /**
     * What this call assigned into {@code ngx.shared} ({@code ngx.shared.x = 1}), or null. nginx's
     * {@code ngx.shared} is a plain table of the worker, so such a write works there and lasts for
     * every later request of the worker; here it lasts for the unit call only, so that one unit
     * cannot hide a dict from the others (unit-core README, "ngx.shared").
     */
    org.luaj.vm2.LuaTable sharedAssigned;
    /**
     * The commands {@code redis_client} queues between {@code init_pipeline} and
     * {@code commit_pipeline}, or null: per call, and dropped unsent when the call ends.
     */
    EdgeComputingLib.RedisPipeline redisPipeline;

    private static final ThreadLocal<CallContext> ACTIVE = new ThreadLocal<>();

    /** The context of the unit call running on this thread, or null. */
    static CallContext current() {
        return ACTIVE.get();
    }

    /** The call running on this thread, or {@code fallback} when none is. */
    static CallContext currentOr(CallContext fallback) {
        CallContext c = ACTIVE.get();
        return c != null ? c : fallback;
    }

    /** A call suspends ({@link LoopStep}): its thread runs other calls meanwhile; returns the call's context. */
    static CallContext suspendActive() {
        CallContext c = ACTIVE.get();
        ACTIVE.set(null);
        return c;
    }

    /** The suspended call whose context {@link #suspendActive} returned goes on. */
    static void resumeActive(CallContext c) {
        ACTIVE.set(c);
    }

    CallContext(Clock clock, RunnerSettings settings, UnitRedisClient redis) {
        this.clock = clock;
        this.settings = settings;
        this.redis = redis;
    }

    void begin(Phase phase, HttpExchange exchange, RequestState state, String unitId, LuaValue env) {
        this.phase = phase;
        this.exchange = exchange;
        this.state = state;
        this.unitId = unitId;
        this.env = env;
        this.timer = false;
        this.sharedAssigned = null;
        this.redisPipeline = null;
        ACTIVE.set(this);
    }

    /** A timer callback of {@code unitId} starts: no request, request APIs fail as nginx's do. */
    void beginTimer(String unitId, LuaValue env) {
        this.phase = null;
        this.exchange = null;
        this.state = null;
        this.unitId = unitId;
        this.env = env;
        this.timer = true;
        this.sharedAssigned = null;
        this.redisPipeline = null;
        ACTIVE.set(this);
    }

    void end() {
        // set(null), not remove(): remove drops the thread's map entry, so the next begin() would
        // allocate a new one (a WeakReference) on every unit call.
        ACTIVE.set(null);
        timer = false;
        exchange = null;
        state = null;
        unitId = null;
        env = LuaValue.NIL;
        sharedAssigned = null;
        redisPipeline = null;
    }

    boolean active() {
        return state != null;
    }

    /** Kong-style phase check: the error names the phases that would have worked. */
    void require(ApiScope scope, String api) {
        if (timer) {
            if (scope.timers()) {
                return; // nginx lets timers use cosockets (Redis here), ngx.sleep and phase-free APIs, not request APIs
            }
            throw new LuaError("API disabled in the context of ngx.timer");
        }
        if (!active()) {
            throw new LuaError(api + " can only be called while a unit runs for a request");
        }
        if (!scope.allows(phase)) {
            throw new LuaError(api + " cannot be called in the " + phase.luaName() + " phase; allowed in: "
                    + scope.describe());
        }
    }

    /** Every phase a request runs through; not init (there is no request then). */
    static final ApiScope ALL = ApiScope.allBut(Phase.INIT, Phase.MODULE);
    /** Every request phase and ngx.timer callbacks: ngx.ctx. */
    static final ApiScope ALL_AND_TIMERS = ALL.andTimers();
    /** What init_by_lua may call too, and timers: logging (OpenResty allows ngx.log and ngx.shared there). */
    static final ApiScope ALL_AND_INIT = ApiScope.allBut(Phase.MODULE).andTimers();
    static final ApiScope REQUEST = ApiScope.of(Phase.REWRITE, Phase.ACCESS, Phase.CONTENT);
    /**
     * {@code ngx.sleep}: the request phases that may yield, and timer callbacks (lua-nginx-module
     * yields a timer's coroutine as it yields a request's; a timer runs on its own virtual thread here).
     */
    static final ApiScope SLEEP = REQUEST.andTimers();
    static final ApiScope BEFORE_UPSTREAM = ApiScope.of(Phase.REWRITE, Phase.ACCESS);
    static final ApiScope HEADERS_WRITABLE = ApiScope.of(Phase.REWRITE, Phase.ACCESS, Phase.CONTENT, Phase.HEADER_FILTER);
    static final ApiScope BODY_FILTER = ApiScope.of(Phase.BODY_FILTER);
    static final ApiScope BALANCER = ApiScope.of(Phase.BALANCER);
    /** {@code ngx.exit}: lua-nginx-module allows it in balancer_by_lua too (ending the request with an error status). */
    static final ApiScope EXIT = ApiScope.of(Phase.REWRITE, Phase.ACCESS, Phase.CONTENT, Phase.HEADER_FILTER,
            Phase.BALANCER);
    /** What units may call Redis in: everywhere but balancer (lua-nginx-module disables cosockets there), init included, and timers. */
    static final ApiScope REDIS = ApiScope.allBut(Phase.BALANCER, Phase.MODULE).andTimers();
    /** lua-nginx-module allows {@code ngx.req.set_header}/{@code clear_header} everywhere but log (after upstream it only changes what later reads see). */
    static final ApiScope REQUEST_HEADERS_WRITABLE = ApiScope.of(Phase.REWRITE, Phase.ACCESS, Phase.CONTENT,
            Phase.HEADER_FILTER, Phase.BODY_FILTER);
}
