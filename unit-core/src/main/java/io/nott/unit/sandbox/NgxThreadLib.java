package io.nott.unit.sandbox;

import java.util.function.Consumer;
import org.luaj.vm2.Globals;
import org.luaj.vm2.LuaError;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Varargs;
import org.luaj.vm2.lib.VarArgFunction;

/**
 * {@code ngx.thread.spawn/wait/kill} (see {@link LightThreads}), for one Lua runtime. The runtime
 * seals the table into {@code ngx}; errors of a light thread go to {@code errorLog} as nginx logs them.
 */
public final class NgxThreadLib {

    private NgxThreadLib() {
    }

    public static LuaTable build(Globals g, Consumer<String> errorLog) {
        LuaValue baseErrorfunc = g.running.errorfunc;
        LuaTable t = new LuaTable();
        t.set("spawn", new VarArgFunction() {
            @Override
            public Varargs invoke(Varargs args) {
                LuaValue f = args.arg1();
                if (!f.isfunction()) {
                    throw new LuaError("bad argument #1 to 'spawn' (function expected, got "
                            + CoroutineLib.typeName(args, 1) + ")");
                }
                BudgetHook h = CoroutineLib.hook();
                return LightThreads.of(h, g, errorLog).spawn(h, f, args.subargs(2), baseErrorfunc);
            }
        });
        t.set("wait", new VarArgFunction() {
            @Override
            public Varargs invoke(Varargs args) {
                BudgetHook h = CoroutineLib.hook();
                return LightThreads.of(h, g, errorLog).waitFor(h, args);
            }
        });
        t.set("kill", new VarArgFunction() {
            @Override
            public Varargs invoke(Varargs args) {
                BudgetHook h = CoroutineLib.hook();
                return LightThreads.of(h, g, errorLog).kill(h, args.arg1());
            }
        });
        return t;
    }
}
