package io.nott.unit.runtime;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.nott.unit.model.Budget;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Varargs;

/**
 * {@code ngx.timer.at/every} for one node. Each timer is a virtual thread that sleeps until its
 * time (so a pending timer costs no platform thread and no executor to close), then runs its
 * callback with the unit's own budget on a runtime borrowed like any off-loop call. Limits as
 * nginx's: at most {@link TimerSettings#maxPending} waiting ({@code nil, "too many pending timers"})
 * and {@link TimerSettings#maxRunning} running (a timer due beyond that is dropped and counted as
 * failed, as nginx drops it with "lua_max_running_timers are not enough"). Pending timers run at
 * once with {@code premature = true} when the node shuts down ({@link #shutdown}) or when their
 * unit is replaced or removed by a new snapshot ({@link #snapshotReplaced}).
 */
public final class UnitTimers {

    /** Runs one callback on the calling (virtual) thread; set by the runner. */
    interface Executor {
        void run(Job job, boolean premature);
    }

    /** One scheduled callback. {@code unitVersion} is the unit's version when it was created. */
    static final class Job {
        final String unitId;
        final long unitVersion;
        final Budget budget;
        final LuaValue fn;
        final Varargs args;
        final long delayNanos;
        final boolean every;
        volatile boolean premature;
        volatile Thread thread;

        Job(String unitId, long unitVersion, Budget budget, LuaValue fn, Varargs args, long delayNanos, boolean every) {
            this.unitId = unitId;
            this.unitVersion = unitVersion;
            this.budget = budget;
            this.fn = fn;
            this.args = args;
            this.delayNanos = delayNanos;
            this.every = every;
        }
    }

    private final TimerSettings settings;
    private final MeterRegistry registry;
    private final Executor executor;
    private final Semaphore runSlots;
    private final Set<Job> pending = ConcurrentHashMap.newKeySet();
    private final AtomicInteger pendingCount = new AtomicInteger();
    private final AtomicInteger runningCount = new AtomicInteger();
    private final ConcurrentHashMap<String, PerUnit> units = new ConcurrentHashMap<>();
    private final Consumer<String> log;
    private volatile boolean shuttingDown;

    UnitTimers(TimerSettings settings, MeterRegistry registry, Executor executor, Consumer<String> log) {
        this.settings = settings;
        this.registry = registry;
        this.executor = executor;
        this.log = log;
        this.runSlots = new Semaphore(settings.maxRunning());
    }

    /** Per-unit counts behind the meters {@code cu.unit.timers.pending/running} and {@code cu.unit.timers.failed}. */
    private final class PerUnit {
        final AtomicInteger pending = new AtomicInteger();
        final AtomicInteger running = new AtomicInteger();
        final Counter failed;

        PerUnit(String unit) {
            if (registry != null) {
                Gauge.builder("cu.unit.timers.pending", pending, AtomicInteger::get)
                        .description("ngx.timer callbacks waiting for their time").tag("unit", unit).register(registry);
                Gauge.builder("cu.unit.timers.running", running, AtomicInteger::get)
                        .description("ngx.timer callbacks running").tag("unit", unit).register(registry);
                failed = Counter.builder("cu.unit.timers.failed")
                        .description("ngx.timer callbacks that ended in error or timeout, or were dropped")
                        .tag("unit", unit).register(registry);
            } else {
                failed = null;
            }
        }

        void fail() {
            if (failed != null) {
                failed.increment();
            }
        }
    }

    private PerUnit unit(String id) {
        return units.computeIfAbsent(id, PerUnit::new);
    }

    public int pendingCount() {
        return pendingCount.get();
    }

    public int runningCount() {
        return runningCount.get();
    }

    /** {@code ngx.timer.at}/{@code every}: {@code 1}, or {@code nil, err} as nginx answers. */
    Varargs schedule(String unitId, long unitVersion, Budget budget, double delaySeconds, LuaValue fn, Varargs args,
            boolean every) {
        if (shuttingDown) {
            return LuaValue.varargsOf(LuaValue.NIL, LuaValue.valueOf("process exiting"));
        }
        if (pendingCount.incrementAndGet() > settings.maxPending()) {
            pendingCount.decrementAndGet();
            return LuaValue.varargsOf(LuaValue.NIL, LuaValue.valueOf("too many pending timers"));
        }
        Job job = new Job(unitId, unitVersion, budget, fn, args, (long) (delaySeconds * 1e9), every);
        start(job);
        return LuaValue.ONE;
    }

    private void start(Job job) {
        pending.add(job);
        unit(job.unitId).pending.incrementAndGet();
        Thread.ofVirtual().name("unit-timer-" + job.unitId).start(() -> await(job));
    }

    private void await(Job job) {
        job.thread = Thread.currentThread(); // before the check: a wake after this interrupts the sleep
        if (!job.premature) {
            try {
                TimeUnit.NANOSECONDS.sleep(job.delayNanos);
            } catch (InterruptedException e) {
                // premature: woken by shutdown or by a new snapshot
            }
        }
        pending.remove(job);
        pendingCount.decrementAndGet();
        PerUnit u = unit(job.unitId);
        u.pending.decrementAndGet();
        if (!runSlots.tryAcquire()) {
            u.fail();
            log.accept(settings.maxRunning() + " lua_max_running_timers are not enough (timer of unit '" + job.unitId
                    + "' dropped)");
            return;
        }
        runningCount.incrementAndGet();
        u.running.incrementAndGet();
        boolean rearmed = false;
        try {
            executor.run(job, job.premature);
        } finally {
            if (job.every && !job.premature) {
                if (shuttingDown) {
                    // The node began stopping while this run went on (shutdown only wakes pending
                    // timers): the next run is the premature one every pending timer gets.
                    job.premature = true;
                }
                // Counted pending before this run stops counting as running, so shutdown never
                // sees both at zero in between.
                rearmed = pendingCount.incrementAndGet() <= settings.maxPending();
                if (!rearmed) {
                    pendingCount.decrementAndGet();
                }
            }
            u.running.decrementAndGet();
            runningCount.decrementAndGet();
            runSlots.release();
        }
        if (rearmed) {
            start(job);
        }
    }

    void failed(String unitId) {
        unit(unitId).fail();
    }

    /** Pending timers of units the new snapshot changed or removed run now, with {@code premature = true}. */
    void snapshotReplaced(UnitSnapshot now) {
        // asked per pending timer, not by listing every unit: a snapshot comes with every change (issue #17)
        for (Job job : pending) {
            io.nott.unit.model.ComputingUnit u = now.unit(job.unitId);
            if (u == null || u.version() != job.unitVersion) {
                wake(job);
            }
        }
    }

    private static void wake(Job job) {
        job.premature = true;
        Thread t = job.thread;
        if (t != null) {
            t.interrupt();
        }
    }

    /**
     * The node stops: no new timers ({@code nil, "process exiting"}), every pending timer runs now
     * with {@code premature = true}, and this waits up to {@code grace} for running callbacks.
     */
    public void shutdown(Duration grace) {
        shuttingDown = true;
        for (Job job : pending) {
            wake(job);
        }
        long deadline = System.nanoTime() + grace.toNanos();
        while ((pendingCount.get() > 0 || runningCount.get() > 0) && System.nanoTime() < deadline) {
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
