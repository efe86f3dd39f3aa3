package io.nott.unit.sandbox;

import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Varargs;
import org.luaj.vm2.lib.VarArgFunction;

/**
 * {@code collectgarbage(opt [, arg])} with LuaJIT 2.1's options and return values, none of which
 * touches the JVM's collector: a unit must never be able to force a stop-the-world GC on a shared
 * node. {@code "count"} reports the call's allocation estimate ({@link BudgetHook#allocatedEstimate})
 * in KiB; {@code "collect"}, {@code "stop"}, {@code "restart"} return 0, {@code "step"} returns what
 * LuaJIT returns for a step that did (with a size) or did not (without) finish a cycle, and
 * {@code "setpause"}/{@code "setstepmul"} keep and return the previous value, per runtime as per worker.
 */
final class CollectGarbage extends VarArgFunction {

    private final BudgetHook hook;
    private int pause = 200;
    private int stepmul = 200;
    private boolean running = true;

    CollectGarbage(BudgetHook hook) {
        this.hook = hook;
    }

    @Override
    public Varargs invoke(Varargs args) {
        String opt = args.isnoneornil(1) ? "collect" : args.arg1().isstring() ? args.arg1().tojstring() : "";
        switch (opt) {
            case "collect":
                return ZERO;
            case "stop":
                running = false;
                return ZERO;
            case "restart":
                running = true;
                return ZERO;
            case "count":
                return valueOf(hook.allocatedEstimate() / 1024.0);
            case "step":
                return valueOf(args.optint(2, 0) > 0);
            case "isrunning":
                return valueOf(running);
            case "setpause": {
                int previous = pause;
                pause = args.optint(2, 0);
                return valueOf(previous);
            }
            case "setstepmul": {
                int previous = stepmul;
                stepmul = args.optint(2, 0);
                return valueOf(previous);
            }
            default:
                return argerror(1, "invalid option '" + (args.arg1().isstring() ? args.arg1().tojstring() : args.arg1().tojstring()) + "'");
        }
    }
}
