package io.nott.unit.runtime;

import static io.nott.unit.runtime.NgxLib.fn;

import java.util.function.Supplier;
import org.luaj.vm2.LuaError;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Varargs;

/**
 * {@code ngx.timer.at(delay, fn, ...)}, {@code ngx.timer.every(delay, fn, ...)},
 * {@code ngx.timer.running_count()}, {@code ngx.timer.pending_count()} with lua-nginx-module's
 * argument checks and answers; the timers themselves are {@link UnitTimers}'. A timer inherits the
 * creating unit's id, version and budget.
 */
final class TimerLib {

    private TimerLib() {
    }

    static LuaTable build(Supplier<UnitTimers> timers) {
        LuaTable t = new LuaTable();
        t.set("at", fn(a -> schedule(timers, a, false)));
        t.set("every", fn(a -> schedule(timers, a, true)));
        t.set("running_count", fn(a -> LuaValue.valueOf(timers.get().runningCount())));
        t.set("pending_count", fn(a -> LuaValue.valueOf(timers.get().pendingCount())));
        return t;
    }

    private static Varargs schedule(Supplier<UnitTimers> timers, Varargs a, boolean every) {
        String name = every ? "every" : "at";
        if (!a.arg1().isnumber()) {
            throw new LuaError("bad argument #1 to '" + name + "' (number expected, got "
                    + (a.narg() < 1 ? "no value" : a.arg1().typename()) + ")");
        }
        double delay = Math.max(0, a.arg1().todouble());
        if (every && (long) (delay * 1000) == 0) {
            throw new LuaError("delay cannot be zero");
        }
        if (!(a.arg(2) instanceof org.luaj.vm2.LuaClosure)) {
            throw new LuaError("bad argument #2 to '" + name + "' (Lua function expected)");
        }
        CallContext c = CallContext.current();
        if (c == null || c.unitId == null) {
            throw new LuaError("ngx.timer." + name + " can only be called while a unit runs");
        }
        return timers.get().schedule(c.unitId, c.unitVersion, c.budget, delay, a.arg(2), a.subargs(3), every);
    }
}
