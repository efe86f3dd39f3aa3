package io.nott.registry.unit.dryrun;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.nott.registry.error.RegistryException;
import io.nott.unit.runtime.MemoryAdmission;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Saturated dry runs are answered 503 + Retry-After, and the gate gives everything back afterwards. */
class DryRunGateTest {

    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();

    /** Starts a dry run that holds its slot until {@code release} opens. */
    private static CompletableFuture<String> holding(DryRunGate gate, CountDownLatch started, CountDownLatch release) {
        return CompletableFuture.supplyAsync(() -> gate.run(() -> {
            started.countDown();
            try {
                release.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return "done";
        }));
    }

    @Test
    void moreDryRunsThanSlotsGet503WithRetryAfter() throws Exception {
        DryRunGate gate = new DryRunGate(1, new MemoryAdmission(1_000, Duration.ZERO, null), 10, Duration.ofMillis(20), 2,
                meters);
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        CompletableFuture<String> first = holding(gate, started, release);
        assertThat(started.await(30, TimeUnit.SECONDS)).isTrue();
        assertThatThrownBy(() -> gate.run(() -> "second")).isInstanceOfSatisfying(RegistryException.class, e -> {
            assertThat(e.status()).isEqualTo(503);
            assertThat(e.retryAfterSeconds()).isEqualTo(2);
            assertThat(e.getMessage()).contains("dry-run slots are busy");
        });
        release.countDown();
        assertThat(first.get(30, TimeUnit.SECONDS)).isEqualTo("done");
        assertThat(gate.run(() -> "third")).isEqualTo("third");
        assertThat(meters.counter("registry.dryruns.rejected").count()).isEqualTo(1);
    }

    @Test
    void dryRunsWhoseMemoryDoesNotFitGet503() throws Exception {
        MemoryAdmission memory = new MemoryAdmission(100, Duration.ofMillis(20), null);
        DryRunGate gate = new DryRunGate(8, memory, 60, Duration.ofMillis(20), 1, meters);
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        CompletableFuture<String> first = holding(gate, started, release);
        assertThat(started.await(30, TimeUnit.SECONDS)).isTrue();
        assertThatThrownBy(() -> gate.run(() -> "second")).isInstanceOfSatisfying(RegistryException.class,
                e -> assertThat(e.getMessage()).contains("memory for dry runs"));
        release.countDown();
        first.get(30, TimeUnit.SECONDS);
        assertThat(memory.reserved()).isZero();
    }
}
