package io.nott.ingest.nginx;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Ends processes: SIGTERM first, SIGKILL for whatever is still alive after the grace period. */
public final class ProcessTree {

    private ProcessTree() {
    }

    /** Terminates every handle still alive and waits until all are gone. */
    public static void terminate(Collection<ProcessHandle> handles, Duration grace) {
        List<ProcessHandle> alive = handles.stream().filter(ProcessHandle::isAlive).toList();
        alive.forEach(ProcessHandle::destroy);
        long deadline = System.nanoTime() + grace.toNanos();
        for (ProcessHandle h : alive) {
            awaitExit(h, Math.max(0, deadline - System.nanoTime()));
        }
        for (ProcessHandle h : alive) {
            if (h.isAlive()) {
                h.destroyForcibly();
                awaitExit(h, TimeUnit.SECONDS.toNanos(5));
            }
        }
    }

    private static void awaitExit(ProcessHandle h, long nanos) {
        try {
            h.onExit().get(nanos, TimeUnit.NANOSECONDS);
        } catch (TimeoutException | ExecutionException e) {
            // still alive: the caller escalates
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The full command line of a process, or empty when the OS does not tell. */
    public static String commandLine(ProcessHandle h) {
        return h.info().commandLine().orElse("");
    }
}
