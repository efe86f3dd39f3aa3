package io.nott.unit.bench;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.nott.unit.model.Budget;
import io.nott.unit.model.ComputingUnit;
import io.nott.unit.model.Phase;
import io.nott.unit.runtime.InMemoryUnitRedisClient;
import io.nott.unit.runtime.PhaseResult;
import io.nott.unit.runtime.PhaseRunner;
import io.nott.unit.runtime.RequestState;
import io.nott.unit.runtime.RunnerSettings;
import io.nott.unit.runtime.UnitSnapshot;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;

/**
 * Cost of one {@code coroutine.resume}/{@code coroutine.yield} round trip inside a unit (budget
 * hook armed, through the runner), per round trip: each invocation runs a unit doing {@value #N}
 * of them. {@code plainCall} is the same loop calling an ordinary Lua function instead, so the
 * difference is what the coroutine switch adds; {@code createAndFinish} is a coroutine's whole life.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Threads(1)
@Fork(jvmArgsAppend = "--add-exports=java.base/jdk.internal.vm=ALL-UNNAMED")
public class CoroutineBenchmark {

    static final int N = 1000;

    PhaseRunner runner;
    UnitSnapshot roundTrip;
    UnitSnapshot plainCall;
    UnitSnapshot createAndFinish;

    @Setup
    public void setup() {
        runner = new PhaseRunner(RunnerSettings.DEFAULT, new SimpleMeterRegistry(), Clock.systemUTC(),
                new InMemoryUnitRedisClient());
        roundTrip = snapshot("local co = coroutine.wrap(function() while true do coroutine.yield(1) end end)"
                + " local s = 0 for i = 1, " + N + " do s = s + co() end");
        plainCall = snapshot("local function f() return 1 end local s = 0 for i = 1, " + N + " do s = s + f() end");
        createAndFinish = snapshot("local function f(x) return x end local s = 0 for i = 1, " + N
                + " do local _, v = coroutine.resume(coroutine.create(f), 1) s = s + v end");
    }

    private static UnitSnapshot snapshot(String code) {
        return UnitSnapshot.build(1, List.of(ComputingUnit.of("co", Phase.ACCESS, code)
                .withBudget(new Budget(100_000_000, 10_000))));
    }

    private PhaseResult run(UnitSnapshot s) {
        PhaseResult r = runner.run(s, Phase.ACCESS, new RawExchange("GET", "/", UnitBenchmark.HEADERS, "192.0.2.1"),
                new RequestState());
        if (!r.outcomes().get(0).kind().name().equals("OK")) {
            throw new IllegalStateException(r.outcomes().get(0).message());
        }
        return r;
    }

    /** resume + yield, one round trip per operation. */
    @Benchmark
    @OperationsPerInvocation(N)
    public PhaseResult resumeYieldRoundTrip() {
        return run(roundTrip);
    }

    /** The same loop with a plain function call: the baseline. */
    @Benchmark
    @OperationsPerInvocation(N)
    public PhaseResult plainCall() {
        return run(plainCall);
    }

    /** create + resume to the end, one coroutine per operation. */
    @Benchmark
    @OperationsPerInvocation(N)
    public PhaseResult createResumeToEnd() {
        return run(createAndFinish);
    }
}
