package io.nott.unit.sandbox;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.luaj.vm2.Globals;
import org.luaj.vm2.LuaError;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Varargs;

/**
 * One call's light threads ({@code ngx.thread.*}, lua-nginx-module's "user threads") on
 * {@link LuaCoroutine}s. A spawned thread runs at once until it yields or ends; a suspended one is
 * run again, round robin, when its parent waits and when the unit's own code returns (the handler
 * waits for every light thread, as nginx does). A thread that ended and was not yet waited for is
 * a zombie; waiting for or killing it makes it dead.
 */
final class LightThreads {

    private final Globals g;
    private final Consumer<String> errorLog;
    private final List<LuaCoroutine> threads = new ArrayList<>();

    LightThreads(Globals g, Consumer<String> errorLog) {
        this.g = g;
        this.errorLog = errorLog;
    }

    static LightThreads of(BudgetHook hook, Globals g, Consumer<String> errorLog) {
        if (hook.lightThreads == null) {
            hook.lightThreads = new LightThreads(g, errorLog);
        }
        return hook.lightThreads;
    }

    LuaCoroutine spawn(BudgetHook hook, LuaValue f, Varargs args, LuaValue baseErrorfunc) {
        LuaCoroutine t = LuaCoroutine.create(hook, f, true, baseErrorfunc);
        threads.add(t);
        step(hook, t, args);
        return t;
    }

    Varargs waitFor(BudgetHook hook, Varargs args) {
        if (args.narg() == 0) {
            throw new LuaError("at least one coroutine should be specified");
        }
        LuaCoroutine me = hook.coroutine;
        List<LuaCoroutine> waited = new ArrayList<>(args.narg());
        for (int i = 1; i <= args.narg(); i++) {
            if (!(args.arg(i) instanceof LuaCoroutine t)) {
                throw new LuaError("lua thread expected");
            }
            if (!t.lightThread) {
                throw new LuaError("attempt to wait on a coroutine that is not a user thread");
            }
            if (t.parent != me) {
                throw new LuaError("only the parent coroutine can wait on the thread");
            }
            if (t.reaped) {
                return LuaValue.varargsOf(LuaValue.NIL, LuaValue.valueOf("already waited or killed"));
            }
            waited.add(t);
        }
        while (true) {
            for (LuaCoroutine t : waited) {
                if (t.dead()) {
                    t.reaped = true;
                    return t.failed() ? LuaValue.varargsOf(LuaValue.FALSE, t.error())
                            : LuaValue.varargsOf(LuaValue.TRUE, t.results());
                }
            }
            if (!runRound(hook)) {
                // Nothing can run (the waited threads are all resuming someone): as nginx, no answer.
                return LuaValue.varargsOf(LuaValue.NIL, LuaValue.valueOf("no runnable thread to wait for"));
            }
        }
    }

    Varargs kill(BudgetHook hook, LuaValue v) {
        if (!(v instanceof LuaCoroutine t) || !t.lightThread) {
            return LuaValue.varargsOf(LuaValue.NIL, LuaValue.valueOf("not user thread"));
        }
        if (t.parent != hook.coroutine) {
            return LuaValue.varargsOf(LuaValue.NIL, LuaValue.valueOf("killer not parent"));
        }
        if (t.reaped || t.dead()) {
            t.reaped = true;
            return LuaValue.varargsOf(LuaValue.NIL, LuaValue.valueOf("already waited or killed"));
        }
        t.reaped = true;
        t.status = LuaCoroutine.Status.DEAD; // its continuation is dropped with the object
        threads.remove(t);
        return LuaValue.ONE;
    }

    boolean anyAlive() {
        for (LuaCoroutine t : threads) {
            if (!t.dead() && !t.reaped) {
                return true;
            }
        }
        return false;
    }

    /** Runs every light thread to its end (the unit's own code returned). */
    void finishAll(BudgetHook hook) {
        while (runRound(hook)) {
            // each round resumes every suspended thread once; the budget bounds a thread that never ends
        }
    }

    /** Resumes every suspended light thread once; false when none was suspended. */
    private boolean runRound(BudgetHook hook) {
        boolean ran = false;
        for (LuaCoroutine t : List.copyOf(threads)) {
            if (t.status == LuaCoroutine.Status.SUSPENDED && !t.reaped) {
                step(hook, t, LuaValue.NONE);
                ran = true;
            }
        }
        return ran;
    }

    private void step(BudgetHook hook, LuaCoroutine t, Varargs args) {
        t.resumeRaw(hook, g, args);
        if (t.dead()) {
            threads.remove(t);
            if (t.failed()) {
                errorLog.accept("lua user thread aborted: runtime error: " + describe(t.error()));
            }
        }
    }

    static String describe(LuaValue error) {
        return error.type() == LuaValue.TSTRING || error.type() == LuaValue.TNUMBER ? error.tojstring()
                : "error object is a " + error.typename() + " value";
    }
}
