package io.nott.unit.sandbox;

/**
 * A host's request step run as a JDK continuation on its event loop, so that a unit waiting for
 * I/O (a Redis reply) suspends the step instead of a thread, as OpenResty's cosockets yield the
 * request's coroutine to nginx's event loop: the loop serves other requests meanwhile and resumes
 * the step when the reply is there, on the same thread, with no thread hop. The scope is its own,
 * so a wait inside a Lua coroutine ({@link Continuations}' scope) suspends the whole step.
 *
 * <p>Needs {@value Continuations#JVM_OPTION}; {@link #available()} says whether it is there.
 */
public final class IoContinuation {

    private final Object continuation;

    public IoContinuation(Runnable body) {
        this.continuation = Continuations.createIo(body);
    }

    public static boolean available() {
        return Continuations.available();
    }

    /** Runs the step on this thread until it suspends or ends. */
    public void run() {
        Continuations.run(continuation);
    }

    public boolean isDone() {
        return Continuations.isDone(continuation);
    }

    /**
     * Suspends the running step (called from inside it). Throws {@link IllegalStateException} when
     * it cannot be (a monitor held or a native frame between the step and here).
     */
    public static void suspend() {
        Continuations.yieldIo();
    }
}
