package io.nott.unit.sandbox;

import org.luaj.vm2.Globals;
import org.luaj.vm2.LuaError;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Varargs;
import org.luaj.vm2.lib.VarArgFunction;

/**
 * The {@code coroutine} library with LuaJIT 2.1's behaviour and messages, on {@link LuaCoroutine}
 * (continuations, not LuaJ's thread-per-coroutine {@code LuaThread}). As in OpenResty, the unit's
 * own code runs in a coroutine: {@code coroutine.running()} returns it (status {@code running}),
 * {@code isyieldable()} is true and {@code coroutine.yield()} there returns nothing at once.
 * Where OpenResty's versions differ from LuaJIT's, OpenResty's win (the edge runs OpenResty units):
 * {@code create}/{@code wrap} take Lua functions only, a dead wrapped coroutine answers
 * {@code false, "cannot resume dead coroutine"}. One table per Lua runtime (it needs that runtime's Globals).
 */
final class CoroutineLib {

    private CoroutineLib() {
    }

    static LuaTable build(Globals g) {
        LuaValue baseErrorfunc = g.running.errorfunc;
        LuaTable t = new LuaTable();
        t.set("create", new VarArgFunction() {
            @Override
            public Varargs invoke(Varargs args) {
                LuaValue f = args.arg1();
                if (!(f instanceof org.luaj.vm2.LuaClosure)) {
                    throw new LuaError("bad argument #1 to 'create' (Lua function expected)");
                }
                return LuaCoroutine.create(hook(), f, false, baseErrorfunc);
            }
        });
        t.set("resume", new VarArgFunction() {
            @Override
            public Varargs invoke(Varargs args) {
                if (!(args.arg1() instanceof LuaCoroutine co)) {
                    throw new LuaError("bad argument #1 to 'resume' (coroutine expected)");
                }
                BudgetHook h = hook();
                if (co.lightThread) {
                    // OpenResty: a light thread is run by the scheduler, never resumed by hand.
                    return varargsOf(FALSE, valueOf("cannot resume a user thread"));
                }
                return co.resume(h, g, args.subargs(2));
            }
        });
        t.set("yield", new VarArgFunction() {
            @Override
            public Varargs invoke(Varargs args) {
                return LuaCoroutine.yield(hook(), args);
            }
        });
        t.set("status", new VarArgFunction() {
            @Override
            public Varargs invoke(Varargs args) {
                if (!(args.arg1() instanceof LuaCoroutine co)) {
                    throw new LuaError("bad argument #1 to 'status' (coroutine expected)");
                }
                // OpenResty: a light thread that ended and was not waited for is a zombie.
                return valueOf(co.lightThread && co.dead() && !co.reaped ? "zombie" : co.status.luaName);
            }
        });
        t.set("running", new VarArgFunction() {
            @Override
            public Varargs invoke(Varargs args) {
                return LuaCoroutine.running(hook());
            }
        });
        t.set("isyieldable", new VarArgFunction() {
            @Override
            public Varargs invoke(Varargs args) {
                BudgetHook h = hook();
                return valueOf(h.coroutine == null || h.cCalls <= h.coroutine.cBase);
            }
        });
        t.set("wrap", new VarArgFunction() {
            @Override
            public Varargs invoke(Varargs args) {
                LuaValue f = args.arg1();
                if (!(f instanceof org.luaj.vm2.LuaClosure)) {
                    throw new LuaError("bad argument #1 to 'wrap' (Lua function expected)");
                }
                LuaCoroutine co = LuaCoroutine.create(hook(), f, false, baseErrorfunc);
                return new Wrapped(co, g);
            }
        });
        return t;
    }

    /** The hook of the call running on this thread; coroutines exist only inside a unit call. */
    static BudgetHook hook() {
        if (!Continuations.available()) {
            throw new LuaError(Continuations.unavailableReason());
        }
        BudgetHook h = BudgetHook.current();
        if (h == null) {
            throw new LuaError("coroutines can only be used while a unit runs");
        }
        return h;
    }

    static String typeName(Varargs args, int i) {
        return args.narg() < i ? "no value" : args.arg(i).typename();
    }

    /** {@code coroutine.wrap}'s function: errors are raised again with the caller's position, as LuaJIT does. */
    private static final class Wrapped extends VarArgFunction {
        private final LuaCoroutine co;
        private final Globals g;

        Wrapped(LuaCoroutine co, Globals g) {
            this.co = co;
            this.g = g;
        }

        @Override
        public Varargs invoke(Varargs args) {
            BudgetHook h = hook();
            if (co.dead()) {
                // OpenResty's wrap answers a dead coroutine instead of raising (LuaJIT raises).
                return varargsOf(FALSE, valueOf("cannot resume dead coroutine"));
            }
            Varargs r = co.resume(h, g, args);
            if (r.arg1().toboolean()) {
                return r.subargs(2);
            }
            LuaValue err = r.arg(2);
            if (err.type() == TSTRING || err.type() == TNUMBER) {
                throw new LuaSandbox.PositionedError(h.where(1) + err.tojstring());
            }
            throw new LuaError(err);
        }
    }
}
