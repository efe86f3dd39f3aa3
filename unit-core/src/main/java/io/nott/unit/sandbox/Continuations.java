package io.nott.unit.sandbox;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;

/**
 * The JDK's one-shot delimited continuations ({@code jdk.internal.vm.Continuation}, what virtual
 * threads are built on), reached through method handles so that unit-core compiles with
 * {@code --release 21}. A Lua coroutine is one continuation run on the resumer's own thread: resume
 * mounts it, {@code coroutine.yield} unmounts it, and nothing else runs meanwhile. So the thread's
 * {@link BudgetHook}, its allocation counter and LuaJ's per-Globals state stay the ones of the call,
 * no thread is parked or started, and an abandoned coroutine is a plain heap object.
 *
 * <p>The package is not exported by default: the JVM needs
 * {@value #JVM_OPTION} (the services' jars carry it in their manifests' {@code Add-Exports}, the
 * build passes it to tests). Without it {@link #available()} is false and
 * {@code coroutine.*}/{@code ngx.thread.*} raise an error saying so.
 */
final class Continuations {

    static final String JVM_OPTION = "--add-exports java.base/jdk.internal.vm=ALL-UNNAMED";

    private static final Object SCOPE;
    /** A request step suspended while it waits for I/O on its event loop ({@link IoContinuation}). */
    private static final Object IO_SCOPE;
    private static final MethodHandle NEW;
    private static final MethodHandle RUN;
    private static final MethodHandle YIELD;
    private static final MethodHandle IS_DONE;
    private static final String UNAVAILABLE;

    static {
        Object scope = null;
        Object ioScope = null;
        MethodHandle create = null;
        MethodHandle run = null;
        MethodHandle yield = null;
        MethodHandle done = null;
        String why = null;
        try {
            Class<?> scopeClass = Class.forName("jdk.internal.vm.ContinuationScope");
            Class<?> contClass = Class.forName("jdk.internal.vm.Continuation");
            MethodHandles.Lookup lookup = MethodHandles.lookup();
            scope = lookup.findConstructor(scopeClass, MethodType.methodType(void.class, String.class)).invoke("lua");
            ioScope = lookup.findConstructor(scopeClass, MethodType.methodType(void.class, String.class)).invoke("io");
            create = lookup.findConstructor(contClass, MethodType.methodType(void.class, scopeClass, Runnable.class))
                    .asType(MethodType.methodType(Object.class, Object.class, Runnable.class));
            run = lookup.findVirtual(contClass, "run", MethodType.methodType(void.class))
                    .asType(MethodType.methodType(void.class, Object.class));
            yield = lookup.findStatic(contClass, "yield", MethodType.methodType(boolean.class, scopeClass))
                    .asType(MethodType.methodType(boolean.class, Object.class));
            done = lookup.findVirtual(contClass, "isDone", MethodType.methodType(boolean.class))
                    .asType(MethodType.methodType(boolean.class, Object.class));
        } catch (Throwable e) {
            why = "coroutines are not available on this node: the JVM must run with " + JVM_OPTION + " (" + e + ")";
        }
        SCOPE = scope;
        IO_SCOPE = ioScope;
        NEW = create;
        RUN = run;
        YIELD = yield;
        IS_DONE = done;
        UNAVAILABLE = why;
    }

    private Continuations() {
    }

    static boolean available() {
        return UNAVAILABLE == null;
    }

    /** Why coroutines are off, or null. */
    static String unavailableReason() {
        return UNAVAILABLE;
    }

    static Object createIo(Runnable body) {
        return create(IO_SCOPE, body);
    }

    /**
     * Suspends the running I/O step ({@link #createIo}), Lua coroutines it runs in included.
     * Throws {@link IllegalStateException} when pinned.
     */
    static boolean yieldIo() {
        return yieldIn(IO_SCOPE);
    }

    static Object create(Runnable body) {
        return create(SCOPE, body);
    }

    /** Runs the continuation on this thread until it yields or ends; its exceptions propagate. */
    static void run(Object continuation) {
        try {
            RUN.invokeExact(continuation);
        } catch (Throwable e) {
            throw sneaky(e);
        }
    }

    /**
     * Suspends the innermost running Lua continuation. Throws {@link IllegalStateException} when it
     * is pinned (a monitor held or a native frame in between): the caller reports that as a C-call boundary.
     */
    static boolean yieldNow() {
        return yieldIn(SCOPE);
    }

    /** A continuation of {@code scope} (Lua coroutines or I/O steps: each yields only its own). */
    private static Object create(Object scope, Runnable body) {
        try {
            return NEW.invokeExact(scope, body);
        } catch (Throwable e) {
            throw sneaky(e);
        }
    }

    private static boolean yieldIn(Object scope) {
        try {
            return (boolean) YIELD.invokeExact(scope);
        } catch (Throwable e) {
            throw sneaky(e);
        }
    }

    static boolean isDone(Object continuation) {
        try {
            return (boolean) IS_DONE.invokeExact(continuation);
        } catch (Throwable e) {
            throw sneaky(e);
        }
    }

    @SuppressWarnings("unchecked")
    private static <T extends Throwable> RuntimeException sneaky(Throwable e) throws T {
        throw (T) e;
    }
}
