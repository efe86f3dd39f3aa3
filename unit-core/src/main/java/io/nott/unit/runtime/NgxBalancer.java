package io.nott.unit.runtime;

import java.time.Duration;
import org.luaj.vm2.LuaError;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Varargs;

/**
 * {@code ngx.balancer} (lua-resty-core's {@code require "ngx.balancer"}), for the balancer phase:
 * {@code set_current_peer}, {@code set_more_tries}, {@code get_last_failure}, {@code set_timeouts}.
 * A peer the host does not allow-list is refused with {@code nil, err} and never recorded, so the
 * host is never asked to connect to it (a unit cannot turn the edge into an open proxy).
 */
final class NgxBalancer {

    private final CallContext bound;

    NgxBalancer(CallContext ctx) {
        this.bound = ctx;
    }

    /**
     * The call running on this thread: these functions may be called from a closure made in
     * another runtime (a timer callback, a function kept from another phase), and must act on
     * this thread's call, never on whatever their own runtime serves meanwhile (see NgxLib).
     */
    private CallContext ctx() {
        return CallContext.currentOr(bound);
    }

    LuaTable build() {
        LuaTable t = new LuaTable();
        t.set("set_current_peer", NgxLib.fn(this::setCurrentPeer));
        t.set("set_more_tries", NgxLib.fn(this::setMoreTries));
        t.set("get_last_failure", NgxLib.fn(this::getLastFailure));
        t.set("set_timeouts", NgxLib.fn(this::setTimeouts));
        t.set("version", "0.1.25"); // lua-resty-core's, as require "ngx.balancer" has it on Debian's nginx
        return t;
    }

    private BalancerAttempt attempt(String api) {
        ctx().require(CallContext.BALANCER, "ngx.balancer." + api);
        BalancerAttempt attempt = ctx().state.balancer();
        if (attempt == null) {
            throw new LuaError("ngx.balancer." + api + ": no upstream attempt is being balanced");
        }
        return attempt;
    }

    private Varargs setCurrentPeer(Varargs a) {
        BalancerAttempt attempt = attempt("set_current_peer");
        String host = a.arg(1).checkjstring();
        int port;
        if (a.arg(2).isnil()) {
            int colon = host.lastIndexOf(':');
            if (colon <= 0) {
                throw new LuaError("bad argument #2 to 'set_current_peer' (port expected, got nil)");
            }
            port = parsePort(host.substring(colon + 1));
            host = host.substring(0, colon);
        } else {
            port = a.arg(2).checkint();
        }
        if (port < 1 || port > 65535) {
            return fail("invalid port " + port);
        }
        String problem = ctx().exchange.peerProblem(host, port);
        if (problem != null) {
            ctx().state.log(ctx().unitId, 4, "ngx.balancer.set_current_peer refused: " + problem);
            return fail(problem);
        }
        attempt.peer(host, port);
        return LuaValue.TRUE;
    }

    private static int parsePort(String text) {
        try {
            return Integer.parseInt(text);
        } catch (NumberFormatException e) {
            throw new LuaError("bad argument #1 to 'set_current_peer' (\"host:port\" with a numeric port expected)");
        }
    }

    private Varargs setMoreTries(Varargs a) {
        BalancerAttempt attempt = attempt("set_more_tries");
        int count = a.arg(1).checkint();
        if (count < 0) {
            throw new LuaError("bad argument #1 to 'set_more_tries' (count must not be negative)");
        }
        boolean reduced = attempt.moreTries(count);
        // lua-resty-core: ok plus a warning when the count is cut to proxy_next_upstream_tries.
        return reduced ? LuaValue.varargsOf(LuaValue.TRUE, LuaValue.valueOf("reduced tries due to limit"))
                : LuaValue.TRUE;
    }

    private Varargs getLastFailure(Varargs a) {
        BalancerAttempt attempt = attempt("get_last_failure");
        if (attempt.lastFailureState() == null) {
            return LuaValue.NIL;
        }
        return LuaValue.varargsOf(LuaValue.valueOf(attempt.lastFailureState()),
                LuaValue.valueOf(attempt.lastFailureStatus()));
    }

    private Varargs setTimeouts(Varargs a) {
        BalancerAttempt attempt = attempt("set_timeouts");
        Duration[] d = new Duration[3];
        String[] names = {"connect_timeout", "send_timeout", "read_timeout"};
        for (int i = 0; i < 3; i++) {
            LuaValue v = a.arg(i + 1);
            if (v.isnil()) {
                continue;
            }
            if (!v.isnumber() || v.todouble() <= 0) {
                return fail("bad " + names[i] + " (a positive number of seconds or nil expected)");
            }
            d[i] = Duration.ofNanos(Math.round(v.todouble() * 1e9));
        }
        attempt.timeouts(d[0], d[1], d[2]);
        return LuaValue.TRUE;
    }

    private static Varargs fail(String message) {
        return LuaValue.varargsOf(LuaValue.NIL, LuaValue.valueOf(message));
    }
}
