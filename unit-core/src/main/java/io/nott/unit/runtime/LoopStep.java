package io.nott.unit.runtime;

import io.nott.unit.sandbox.BudgetHook;
import io.nott.unit.sandbox.IoContinuation;
import java.util.concurrent.Callable;
import java.util.concurrent.Executor;
import java.util.function.BiConsumer;

/**
 * A request step that stays on its event loop while its units wait for Redis, as OpenResty's
 * request coroutine yields to nginx's loop on a cosocket call: the step runs as a continuation
 * ({@link IoContinuation}); a unit's Redis call sends its command and {@link #suspend}s the step;
 * the reply {@link #wake}s it on the same thread. No thread is parked and no thread hop is paid
 * per call (a virtual thread costs two per Redis call and two per step: to the carrier and back).
 *
 * <p>While a step is suspended its thread runs other requests, with their own runtimes: a step
 * borrows a runtime from the runner's pool ({@link PhaseRunner}), and what is per thread for a
 * unit call (its {@link CallContext}, its {@link BudgetHook} and the allocation it is charged) is
 * put aside on suspend and back on resume.
 *
 * <p>Not thread-safe: start, resume and suspend happen on the step's thread; {@link #wake} may be
 * called from any thread and hands the resumption to that thread.
 */
public final class LoopStep {

    private static final ThreadLocal<LoopStep> CURRENT = new ThreadLocal<>();

    private final IoContinuation continuation;
    private final Thread thread;
    private final Executor onThread;
    private final BiConsumer<Object, Throwable> done;
    private Object value;
    private Throwable failure;
    /** Between {@link #suspend} giving the thread up and the resumption: only then may the step be resumed. */
    private boolean suspended;

    private LoopStep(Callable<?> work, Executor onThread, BiConsumer<Object, Throwable> done) {
        this.thread = Thread.currentThread();
        this.onThread = onThread;
        this.done = done;
        this.continuation = new IoContinuation(() -> {
            try {
                value = work.call();
            } catch (Throwable e) {
                failure = e;
            }
        });
    }

    /** True when steps can suspend on this JVM (continuations available). */
    public static boolean available() {
        return IoContinuation.available();
    }

    /**
     * Runs {@code work} as a step on the calling thread until it first suspends or ends;
     * {@code done} gets its value or failure on this thread when it ends.
     *
     * @param onThread runs a task on this thread later (the host's event loop): how a reply that
     *                 arrives on another thread resumes the step
     */
    @SuppressWarnings("unchecked")
    public static <T> void start(Callable<T> work, Executor onThread, BiConsumer<? super T, Throwable> done) {
        new LoopStep(work, onThread, (BiConsumer<Object, Throwable>) done).run();
    }

    /** The step running on this thread, or null (not in a step: a caller that must wait blocks instead). */
    public static LoopStep current() {
        return CURRENT.get();
    }

    /**
     * Suspends this step until {@link #wake}; called by the step itself (a unit's Redis call, after
     * it sent its command). Throws {@link IllegalStateException} when the step cannot be suspended
     * here (a monitor held or a native frame in between): the caller must then not wait.
     */
    public void suspend() {
        CallContext call = CallContext.suspendActive();
        BudgetHook hook = BudgetHook.current();
        if (hook != null) {
            hook.suspendCall();
        }
        suspended = true;
        try {
            IoContinuation.suspend();
        } finally {
            suspended = false;
            if (hook != null) {
                hook.resumeCall();
            }
            CallContext.resumeActive(call);
        }
    }

    /**
     * Resumes the suspended step: at once when called on its thread outside any step, else
     * through {@code onThread} (a reply that arrives on another thread, or inside another step).
     */
    public void wake() {
        if (Thread.currentThread() == thread && CURRENT.get() == null) {
            resume();
        } else {
            onThread.execute(this::resume);
        }
    }

    private void resume() {
        if (suspended) { // else it could not suspend after all (its caller saw why) or it ended
            run();
        }
    }

    private void run() {
        CURRENT.set(this);
        try {
            continuation.run();
        } finally {
            CURRENT.set(null);
        }
        if (continuation.isDone()) {
            done.accept(value, failure);
        }
    }
}
