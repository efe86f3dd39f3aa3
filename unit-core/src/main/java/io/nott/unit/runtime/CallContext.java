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
    }

    void end() {
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
    /** What init_by_lua may call too: logging and our Redis client (OpenResty allows ngx.log and ngx.shared there). */
    static final Set<Phase> ALL_AND_INIT = EnumSet.complementOf(EnumSet.of(Phase.MODULE));
    static final Set<Phase> REQUEST = EnumSet.of(Phase.REWRITE, Phase.ACCESS, Phase.CONTENT);
    static final Set<Phase> BEFORE_UPSTREAM = EnumSet.of(Phase.REWRITE, Phase.ACCESS);
    static final Set<Phase> HEADERS_WRITABLE = EnumSet.of(Phase.REWRITE, Phase.ACCESS, Phase.CONTENT, Phase.HEADER_FILTER);
    static final Set<Phase> BODY_FILTER = EnumSet.of(Phase.BODY_FILTER);
    /** lua-nginx-module allows {@code ngx.req.set_header}/{@code clear_header} everywhere but log (after upstream it only changes what later reads see). */
    static final Set<Phase> REQUEST_HEADERS_WRITABLE = EnumSet.of(Phase.REWRITE, Phase.ACCESS, Phase.CONTENT,
            Phase.HEADER_FILTER, Phase.BODY_FILTER);
}
