package io.nott.unit.bench;

import io.nott.unit.model.ComputingUnit;
import io.nott.unit.model.Phase;
import io.nott.unit.runtime.InMemoryUnitRedisClient;
import io.nott.unit.runtime.PhaseResult;
import io.nott.unit.runtime.PhaseRunner;
import io.nott.unit.runtime.RequestState;
import io.nott.unit.runtime.RunnerSettings;
import io.nott.unit.runtime.UnitSnapshot;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;

/**
 * Issue #16/#17: what units scoped to other paths cost a request that none of them matches. The
 * snapshot holds {@code units} path-scoped units (half prefixes {@code /tenant-N/}, half exact
 * {@code = /t/N.m3u8}; {@code regexes} of them with a regex path instead) and one unscoped unit;
 * a request to {@code /hls/live.m3u8} chooses its location and runs the access phase (the one
 * unscoped unit runs). Compare the figures across {@code units}: flat = O(1) in the unmatched units.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Threads(1)
public class PathScopeBenchmark {

    static final String[] HEADERS = {"Host", "example.com", "User-Agent", "bench"};

    @Param({"0", "10000"})
    int units;

    @Param({"0", "10"})
    int regexes;

    PhaseRunner runner;
    UnitSnapshot snapshot;

    @Setup
    public void setup() {
        runner = new PhaseRunner(RunnerSettings.DEFAULT, null, Clock.systemUTC(), new InMemoryUnitRedisClient());
        List<ComputingUnit> all = new ArrayList<>();
        all.add(ComputingUnit.of("everywhere", Phase.ACCESS, "return"));
        for (int i = 0; i < units; i++) {
            String path = i < regexes ? "~ ^/r" + i + "/" : i % 2 == 0 ? "/tenant-" + i + "/" : "= /t/" + i + ".m3u8";
            all.add(ComputingUnit.of("u" + i, Phase.ACCESS, "return").withPaths(List.of(path)));
        }
        snapshot = UnitSnapshot.build(1, all);
    }

    /** Locate + run the access phase for a request no scoped unit matches. */
    @Benchmark
    public PhaseResult unmatchedRequest() {
        RawExchange ex = new RawExchange("GET", "/hls/live.m3u8", HEADERS, "192.0.2.1");
        return runner.run(snapshot, Phase.ACCESS, ex, new RequestState());
    }
}
