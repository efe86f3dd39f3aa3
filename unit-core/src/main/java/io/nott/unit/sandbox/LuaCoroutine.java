package io.nott.unit.sandbox;

import org.luaj.vm2.Globals;
import org.luaj.vm2.LuaError;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Varargs;

/**
 * A Lua coroutine (type {@code thread}) as LuaJIT's: a {@link Continuations continuation} run on
 * the resumer's thread, so only one of a call's coroutines runs at a time and the call's
 * {@link BudgetHook} counts all of them (instructions, wall clock, allocation, call depth). Its Lua
 * frames are taken off the hook's stack when it yields and put back on top of the resumer's when
 * it is resumed. Limits ({@link UnitAbort}) raised inside it end the whole call, as they would
 * outside; Lua errors end only the coroutine ({@code resume} returns {@code false, err}).
 */
public final class LuaCoroutine extends LuaValue {

    enum Status {
        SUSPENDED("suspended"), RUNNING("running"), NORMAL("normal"), DEAD("dead");

        final String luaName;

        Status(String luaName) {
            this.luaName = luaName;
        }
    }

    private final LuaValue body;
    /** Light thread ({@code ngx.thread.spawn}): the coroutine that spawned it (null: the entry thread). */
    final boolean lightThread;
    final LuaCoroutine parent;
    private Object continuation;
    Status status;
    /** Values handed across: resume arguments in, yielded or returned values out. */
    private Varargs transfer = NONE;
    private boolean failed;
    private LuaValue error = NIL;
    private Throwable fatal;
    private BudgetHook.Frames frames;
    private LuaValue errorfunc;
    /** {@link BudgetHook#cCalls} when it was resumed: more means a C-call boundary is in between. */
    int cBase;
    /** A light thread whose end was taken by {@code ngx.thread.wait} or that was killed. */
    boolean reaped;

    private LuaCoroutine(LuaValue body, boolean lightThread, LuaCoroutine parent, Status status, LuaValue errorfunc) {
        this.body = body;
        this.lightThread = lightThread;
        this.parent = parent;
        this.status = status;
        this.errorfunc = errorfunc;
    }

    /** A new suspended coroutine of the calling unit's call. */
    static LuaCoroutine create(BudgetHook hook, LuaValue body, boolean lightThread, LuaValue baseErrorfunc) {
        hook.coroutinesCreated++;
        return new LuaCoroutine(body, lightThread, hook.coroutine, Status.SUSPENDED, baseErrorfunc);
    }

    /** The unit's own thread as {@code coroutine.running()} shows it: always running, never resumable. */
    static LuaCoroutine entry(BudgetHook hook) {
        if (hook.entry == null) {
            hook.entry = new LuaCoroutine(NIL, false, null, Status.RUNNING, NIL);
        }
        return hook.entry;
    }

    /** The coroutine running on this thread now, or the entry thread's pseudo coroutine. */
    static LuaCoroutine running(BudgetHook hook) {
        return hook.coroutine != null ? hook.coroutine : entry(hook);
    }

    boolean dead() {
        return status == Status.DEAD;
    }

    boolean failed() {
        return failed;
    }

    LuaValue error() {
        return error;
    }

    /** The values the body returned (after it ended) or last yielded. */
    Varargs results() {
        return transfer;
    }

    /**
     * LuaJIT's {@code coroutine.resume}: {@code true, values...} when it yielded or returned,
     * {@code false, err} when it failed or cannot be resumed. A limit raised inside ends the call.
     */
    Varargs resume(BudgetHook hook, Globals g, Varargs args) {
        if (status == Status.DEAD) {
            return varargsOf(FALSE, valueOf("cannot resume dead coroutine"));
        }
        if (status == Status.RUNNING) {
            return varargsOf(FALSE, valueOf("cannot resume running coroutine"));
        }
        if (status != Status.SUSPENDED) {
            return varargsOf(FALSE, valueOf("cannot resume non-suspended coroutine"));
        }
        resumeRaw(hook, g, args);
        if (status == Status.DEAD && failed) {
            return varargsOf(FALSE, error);
        }
        return varargsOf(TRUE, transfer);
    }

    /** Runs the coroutine until it yields or ends; afterwards see {@link #status}, {@link #failed}. */
    void resumeRaw(BudgetHook hook, Globals g, Varargs args) {
        LuaCoroutine resumer = hook.coroutine;
        if (resumer != null) {
            resumer.status = Status.NORMAL;
        }
        hook.coroutine = this;
        status = Status.RUNNING;
        transfer = args;
        int base = hook.depth();
        hook.attach(frames);
        frames = null;
        int savedC = hook.cCalls;
        cBase = savedC;
        LuaValue outerErrorfunc = g.running.errorfunc;
        // LuaJ keeps one errorfunc per Globals; a coroutine's errors must not reach the resumer's xpcall handler.
        g.running.errorfunc = errorfunc;
        try {
            if (continuation == null) {
                continuation = Continuations.create(this::main);
            }
            Continuations.run(continuation);
        } finally {
            errorfunc = g.running.errorfunc;
            g.running.errorfunc = outerErrorfunc;
            hook.cCalls = savedC;
            frames = hook.detach(base);
            hook.coroutine = resumer;
            if (resumer != null) {
                resumer.status = Status.RUNNING;
            }
        }
        if (Continuations.isDone(continuation)) {
            status = Status.DEAD;
            continuation = null;
            frames = null;
            errorfunc = null;
            if (fatal != null) {
                Throwable t = fatal;
                fatal = null;
                if (t instanceof Error e) {
                    throw e;
                }
                throw (RuntimeException) t;
            }
        } else {
            status = Status.SUSPENDED;
        }
    }

    private void main() {
        try {
            transfer = body.invoke(transfer);
        } catch (LuaError e) {
            failed = true;
            LuaValue m = e.getMessageObject();
            error = m != null && m.type() == TSTRING ? valueOf(RuntimeErrors.direct(m.tojstring(), NONE))
                    : m != null ? m : NIL;
            transfer = NONE;
        } catch (Throwable t) {
            // Limits, ngx.exit and internal failures end the call: re-raised on the resumer's side.
            fatal = t;
            transfer = NONE;
        }
    }

    /** LuaJIT's {@code coroutine.yield} from the coroutine running now; returns the next resume's arguments. */
    static Varargs yield(BudgetHook hook, Varargs values) {
        LuaCoroutine co = hook.coroutine;
        if (co == null) {
            if (hook.cCalls > 0) {
                throw new LuaError("attempt to yield across C-call boundary");
            }
            // OpenResty: the request's own thread yields to nginx and is resumed at once, with nothing.
            return NONE;
        }
        if (hook.cCalls > co.cBase) {
            throw new LuaError("attempt to yield across C-call boundary");
        }
        co.transfer = values;
        try {
            Continuations.yieldNow();
        } catch (IllegalStateException pinned) {
            throw new LuaError("attempt to yield across C-call boundary");
        }
        return co.transfer;
    }

    @Override
    public int type() {
        return TTHREAD;
    }

    @Override
    public String typename() {
        return "thread";
    }

    @Override
    public boolean isthread() {
        return true;
    }

    @Override
    public LuaValue getmetatable() {
        return null;
    }
}
