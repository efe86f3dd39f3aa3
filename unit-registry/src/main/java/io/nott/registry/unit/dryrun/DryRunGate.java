package io.nott.registry.unit.dryrun;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.nott.registry.config.RegistryConfig;
import io.nott.registry.error.RegistryException;
import io.nott.unit.runtime.MemoryAdmission;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Admission of dry runs (issue #15: 100 concurrent dry runs keeping 60 MiB each took the registry
 * down), with the edge's one mechanism: at most {@code registry.dry-run.max-concurrent} run at
 * once (default: the CPUs less one, so dry runs never take every core from the event loops that
 * answer the API, readiness and Redis), on worker threads, never an event loop, and their unit calls reserve memory through unit-core's {@link MemoryAdmission} over a
 * share of the heap exactly as an edge's calls do ({@code PhaseRunner} opens a small lease per call
 * and the sandbox grows it as the call uses memory, up to the unit's per-call memory limit). So
 * many small dry runs fit side by side, and a run whose calls cannot get the memory they go on to
 * use is stopped where it is ({@code overloaded}) and answered {@code 503} with
 * {@code Retry-After}, as is a run that gets no slot within {@code max-wait}; both counted
 * ({@code registry.dryruns.rejected}). The registry's own API and readiness keep answering.
 */
@ApplicationScoped
public class DryRunGate {

    private final int maxConcurrent;
    private final Semaphore slots;
    private final MemoryAdmission memory;
    private final long maxWaitNanos;
    private final int retryAfterSeconds;
    private final MeterRegistry meters;

    @Inject
    public DryRunGate(RegistryConfig config, MeterRegistry meters) {
        this(config.dryRun().maxConcurrent().orElse(Math.max(1, Runtime.getRuntime().availableProcessors() - 1)),
                MemoryAdmission.shareOfHeap(config.dryRun().heapShare(),
                config.dryRun().maxWait(), meters), config.dryRun().maxWait(), config.retryAfterSeconds(), meters);
    }

    DryRunGate(int maxConcurrent, MemoryAdmission memory, Duration maxWait, int retryAfterSeconds,
            MeterRegistry meters) {
        if (maxConcurrent < 1) {
            throw new IllegalArgumentException("registry.dry-run.max-concurrent must be at least 1, got " + maxConcurrent);
        }
        this.maxConcurrent = maxConcurrent;
        this.slots = new Semaphore(maxConcurrent, true);
        this.memory = memory;
        this.maxWaitNanos = maxWait.toNanos();
        this.retryAfterSeconds = Math.max(1, retryAfterSeconds);
        this.meters = meters;
    }

    /** What the dry runs' unit calls reserve their memory from (give it to the run's {@code PhaseRunner}). */
    public MemoryAdmission memory() {
        return memory;
    }

    /**
     * Runs {@code dryRun} once it has a slot; a 503 RegistryException when no slot frees up within
     * {@code max-wait}, or when a unit call of the run was refused or stopped for memory.
     */
    public DryRunResult run(Supplier<DryRunResult> dryRun) {
        boolean slot;
        try {
            slot = slots.tryAcquire(maxWaitNanos, TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            slot = false;
        }
        if (!slot) {
            throw saturated("all " + maxConcurrent + " dry-run slots are busy");
        }
        DryRunResult result;
        try {
            result = dryRun.get();
        } finally {
            slots.release();
        }
        List<DryRunResult.UnitCall> units = result.units() == null ? List.of() : result.units();
        if (units.stream().anyMatch(u -> "overloaded".equals(u.kind()))) {
            throw saturated("the memory for dry runs (" + memory.capacity() + " bytes) is reserved by runs in flight");
        }
        return result;
    }

    private RegistryException saturated(String why) {
        Counter.builder("registry.dryruns.rejected").description("Dry runs refused with 503 because the gate was saturated")
                .register(meters).increment();
        return RegistryException.unavailable("Dry runs are saturated (" + why + "); retry after " + retryAfterSeconds
                + " s", retryAfterSeconds, null);
    }
}
