package io.nott.unit.runtime;

import io.nott.unit.model.Phase;
import java.time.Clock;
import java.util.EnumSet;
import java.util.Set;
import java.util.stream.Collectors;
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
    }

    boolean active() {
        return state != null;
    }

    /** Kong-style phase check: the error names the phases that would have worked. */
    void require(Set<Phase> allowed, String api) {
        if (timer) {
            if (allowed == ALL_AND_TIMERS || allowed == ALL_AND_INIT || allowed == REDIS) {
                return; // nginx lets timers use cosockets (Redis here) and phase-free APIs, not request APIs
            }
            throw new LuaError("API disabled in the context of ngx.timer");
        }
        if (!active()) {
            throw new LuaError(api + " can only be called while a unit runs for a request");
        }
        if (!allowed.contains(phase)) {
            throw new LuaError(api + " cannot be called in the " + phase.luaName() + " phase; allowed in: "
                    + allowed.stream().map(Phase::luaName).collect(Collectors.joining(", ")));
        }
    }

    /** Every phase a request runs through; not init (there is no request then). */
    static final Set<Phase> ALL = EnumSet.complementOf(EnumSet.of(Phase.INIT, Phase.MODULE));
    /** Every request phase and ngx.timer callbacks (compared by identity): ngx.ctx. */
    static final Set<Phase> ALL_AND_TIMERS = EnumSet.copyOf(ALL);
    /** What init_by_lua may call too, and timers: logging (OpenResty allows ngx.log and ngx.shared there). */
    static final Set<Phase> ALL_AND_INIT = EnumSet.complementOf(EnumSet.of(Phase.MODULE));
    static final Set<Phase> REQUEST = EnumSet.of(Phase.REWRITE, Phase.ACCESS, Phase.CONTENT);
    static final Set<Phase> BEFORE_UPSTREAM = EnumSet.of(Phase.REWRITE, Phase.ACCESS);
    static final Set<Phase> HEADERS_WRITABLE = EnumSet.of(Phase.REWRITE, Phase.ACCESS, Phase.CONTENT, Phase.HEADER_FILTER);
    static final Set<Phase> BODY_FILTER = EnumSet.of(Phase.BODY_FILTER);
    static final Set<Phase> BALANCER = EnumSet.of(Phase.BALANCER);
    /** {@code ngx.exit}: lua-nginx-module allows it in balancer_by_lua too (ending the request with an error status). */
    static final Set<Phase> EXIT = EnumSet.of(Phase.REWRITE, Phase.ACCESS, Phase.CONTENT, Phase.HEADER_FILTER,
            Phase.BALANCER);
    /** What units may call Redis in: everywhere but balancer (lua-nginx-module disables cosockets there), init included, and timers. */
    static final Set<Phase> REDIS = EnumSet.complementOf(EnumSet.of(Phase.BALANCER, Phase.MODULE));
    /** lua-nginx-module allows {@code ngx.req.set_header}/{@code clear_header} everywhere but log (after upstream it only changes what later reads see). */
    static final Set<Phase> REQUEST_HEADERS_WRITABLE = EnumSet.of(Phase.REWRITE, Phase.ACCESS, Phase.CONTENT,
            Phase.HEADER_FILTER, Phase.BODY_FILTER);
}
