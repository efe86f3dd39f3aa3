package io.nott.registry.unit.dryrun;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.nott.registry.error.RegistryException;
import io.nott.unit.runtime.MemoryAdmission;
import io.nott.unit.model.Budget;
import io.nott.unit.model.ComputingUnit;
import io.nott.unit.model.Phase;
import io.nott.unit.runtime.InMemoryUnitRedisClient;
import io.nott.unit.runtime.PhaseRunner;
import io.nott.unit.runtime.RequestState;
import io.nott.unit.runtime.RunnerSettings;
import io.nott.unit.runtime.SimulatedExchange;
import io.nott.unit.runtime.UnitOutcome;
import io.nott.unit.runtime.UnitSnapshot;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Saturated dry runs are answered 503 + Retry-After, and the gate gives everything back afterwards.
 * Memory goes through unit-core's {@link MemoryAdmission} as on an edge: each unit call reserves what
 * it uses, so small runs fit side by side and a run that goes on to keep more than is left is refused.
 */
class DryRunGateTest {

    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();

    /** Starts a dry run that holds its slot until {@code release} opens. */
    private static CompletableFuture<DryRunResult> holding(DryRunGate gate, CountDownLatch started, CountDownLatch release) {
        return CompletableFuture.supplyAsync(() -> gate.run(() -> {
            started.countDown();
            try {
                release.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return result("done");
        }));
    }

    /** A dry run's answer with one unit call of {@code kind}; the body names the run. */
    private static DryRunResult result(String body, String kind) {
        return new DryRunResult(200, Map.of(), body, List.of(), kind, 0, 0,
                List.of(new DryRunResult.UnitCall("u", "access", kind, 0, 0, null, null)), Map.of(), Map.of());
    }

    private static DryRunResult result(String body) {
        return result(body, "ok");
    }

    /** Runs {@code code} as a dry run does: a PhaseRunner whose calls reserve from the gate's memory. */
    private static DryRunResult dryRun(DryRunGate gate, String code) {
        PhaseRunner runner = new PhaseRunner(RunnerSettings.DEFAULT, null, Clock.systemUTC(),
                new InMemoryUnitRedisClient(Clock.systemUTC()), gate.memory());
        UnitOutcome o = runner.run(UnitSnapshot.build(1, List.of(ComputingUnit.of("u", Phase.ACCESS, code)
                // A roomy budget: on a loaded machine memory, not time, must be what decides.
                .withBudget(new Budget(5_000_000, 10_000)))), Phase.ACCESS,
                SimulatedExchange.builder().build(), new RequestState()).outcomes().get(0);
        return result(code, o.kind().wireName());
    }

    @Test
    void moreDryRunsThanSlotsGet503WithRetryAfter() throws Exception {
        DryRunGate gate = new DryRunGate(1, new MemoryAdmission(1_000, Duration.ZERO, null), Duration.ofMillis(20), 2,
                meters);
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        CompletableFuture<DryRunResult> first = holding(gate, started, release);
        assertThat(started.await(30, TimeUnit.SECONDS)).isTrue();
        assertThatThrownBy(() -> gate.run(() -> result("second"))).isInstanceOfSatisfying(RegistryException.class, e -> {
            assertThat(e.status()).isEqualTo(503);
            assertThat(e.retryAfterSeconds()).isEqualTo(2);
            assertThat(e.getMessage()).contains("dry-run slots are busy");
        });
        release.countDown();
        assertThat(first.get(30, TimeUnit.SECONDS).body()).isEqualTo("done");
        assertThat(gate.run(() -> result("third")).body()).isEqualTo("third");
        assertThat(meters.counter("registry.dryruns.rejected").count()).isEqualTo(1);
    }

    @Test
    void smallDryRunsFitSideBySideAndOneThatKeepsMoreThanIsLeftGets503() throws Exception {
        // Room for 8 MiB: another run in flight holds a 2 MiB first slice and grew to 4 MiB.
        MemoryAdmission memory = new MemoryAdmission(8L << 20, Duration.ZERO, null);
        DryRunGate gate = new DryRunGate(8, memory, Duration.ofMillis(20), 1, meters);
        MemoryAdmission.Lease inFlight = memory.open(MemoryAdmission.FIRST_SLICE_BYTES, false);
        assertThat(inFlight.cover(4L << 20)).isPositive();
        // A small run reserves its first slice, uses little, gives it back: any number of them pass.
        for (int i = 0; i < 20; i++) {
            assertThat(gate.run(() -> dryRun(gate, "ngx.header['X'] = ('a'):rep(100)")).outcome()).isEqualTo("ok");
        }
        // One keeping 6 MiB cannot grow its lease past the 4 MiB left: stopped, and the run is a 503.
        assertThatThrownBy(() -> gate.run(() -> dryRun(gate, "local keep = {} for i = 1, 6 do keep[i] = ('x'):rep(1024 * 1024) .. i end")))
                .isInstanceOfSatisfying(RegistryException.class, e -> {
                    assertThat(e.status()).isEqualTo(503);
                    assertThat(e.retryAfterSeconds()).isEqualTo(1);
                    assertThat(e.getMessage()).contains("memory for dry runs");
                });
        inFlight.close();
        // With the other run gone it fits.
        assertThat(gate.run(() -> dryRun(gate, "local keep = {} for i = 1, 6 do keep[i] = ('x'):rep(1024 * 1024) .. i end"))
                .outcome()).isEqualTo("ok");
        assertThat(memory.reserved()).isZero();
        assertThat(meters.counter("registry.dryruns.rejected").count()).isEqualTo(1);
    }
}
