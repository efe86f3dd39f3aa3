package io.nott.registry.unit.dryrun;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.nott.registry.config.RegistryConfig;
import io.nott.registry.error.RegistryException;
import io.nott.unit.runtime.MemoryAdmission;
import io.nott.unit.sandbox.SandboxLimits;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Admission of dry runs (issue #15: 100 concurrent dry runs keeping 60 MiB each took the registry
 * down): at most {@code registry.dry-run.max-concurrent} run at once, each holding a reservation of
 * the sandbox's per-call memory limit from unit-core's {@link MemoryAdmission} over a share of the
 * heap (a dry run's units run one after the other, so one call's budget covers the run). A dry run
 * that gets neither within {@code max-wait} is answered {@code 503} with {@code Retry-After}, and
 * counted ({@code registry.dryruns.rejected}); the registry's own API keeps answering.
 */
@ApplicationScoped
public class DryRunGate {

    private final int maxConcurrent;
    private final Semaphore slots;
    private final MemoryAdmission memory;
    private final long perRun;
    private final long maxWaitNanos;
    private final int retryAfterSeconds;
    private final MeterRegistry meters;

    @Inject
    public DryRunGate(RegistryConfig config, SandboxLimits limits, MeterRegistry meters) {
        this(config.dryRun().maxConcurrent(), MemoryAdmission.shareOfHeap(config.dryRun().heapShare(),
                config.dryRun().maxWait(), meters), limits.maxAllocatedBytes(), config.dryRun().maxWait(),
                config.retryAfterSeconds(), meters);
    }

    DryRunGate(int maxConcurrent, MemoryAdmission memory, long perRun, Duration maxWait, int retryAfterSeconds,
            MeterRegistry meters) {
        if (maxConcurrent < 1) {
            throw new IllegalArgumentException("registry.dry-run.max-concurrent must be at least 1, got " + maxConcurrent);
        }
        this.maxConcurrent = maxConcurrent;
        this.slots = new Semaphore(maxConcurrent, true);
        this.memory = memory;
        this.perRun = perRun;
        this.maxWaitNanos = maxWait.toNanos();
        this.retryAfterSeconds = Math.max(1, retryAfterSeconds);
        this.meters = meters;
    }

    /** Runs {@code dryRun} once admitted; a 503 RegistryException when the registry is saturated. */
    public <T> T run(Supplier<T> dryRun) {
        boolean slot;
        try {
            slot = slots.tryAcquire(maxWaitNanos, TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            slot = false;
        }
        if (!slot) {
            throw saturated("all " + maxConcurrent + " dry-run slots are busy", null);
        }
        try {
            long reserved = memory.reserve(perRun, true); // a worker thread: it may wait
            if (reserved < 0) {
                throw saturated("the memory for dry runs (" + memory.capacity() + " bytes) is reserved by runs in flight", null);
            }
            try {
                return dryRun.get();
            } finally {
                memory.release(reserved);
            }
        } finally {
            slots.release();
        }
    }

    private RegistryException saturated(String why, Throwable cause) {
        Counter.builder("registry.dryruns.rejected").description("Dry runs refused with 503 because the gate was saturated")
                .register(meters).increment();
        return RegistryException.unavailable("Dry runs are saturated (" + why + "); retry after " + retryAfterSeconds
                + " s", retryAfterSeconds, cause);
    }
}
