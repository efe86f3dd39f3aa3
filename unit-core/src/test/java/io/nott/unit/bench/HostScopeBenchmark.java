package io.nott.unit.bench;

import io.nott.unit.model.ComputingUnit;
import io.nott.unit.model.Phase;
import io.nott.unit.runtime.InMemoryUnitRedisClient;
import io.nott.unit.runtime.Location;
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
 * Issue #17: what units scoped to other hosts cost a request that none of them matches. The
 * snapshot holds {@code units} units of other tenants spread over rewrite, access, header_filter
 * and log (a third exact hosts {@code tN.example}, a third {@code *.tN.example}, a third
 * {@code tN.example.*}; every fourth also scoped to {@code /hls/}, the request's path;
 * {@code hostRegexes} of them
 * with a {@code ~^tN\.} host instead) and, in each of those phases, one unit for every host. A request for
 * {@code cdn.example.com/hls/live.m3u8} asks what a host asks per request ({@code hostQueries}:
 * location, and per phase {@code has}, {@code blocks}, {@code readsBody}) or runs the access phase
 * ({@code unmatchedRequest}). Compare the figures across {@code units}: flat = O(1) in the
 * unmatched units; {@code hostRegexes} adds what nginx's regex server names cost too.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Threads(1)
public class HostScopeBenchmark {

    static final String HOST = "cdn.example.com";
    static final String[] HEADERS = {"Host", HOST, "User-Agent", "bench"};
    private static final Phase[] PHASES = {Phase.REWRITE, Phase.ACCESS, Phase.HEADER_FILTER, Phase.LOG};

    @Param({"0", "10000"})
    int units;

    @Param({"0", "10"})
    int hostRegexes;

    PhaseRunner runner;
    UnitSnapshot snapshot;

    @Setup
    public void setup() {
        runner = new PhaseRunner(RunnerSettings.DEFAULT, null, Clock.systemUTC(), new InMemoryUnitRedisClient());
        snapshot = UnitSnapshot.build(1, tenants(units, hostRegexes));
        if (!snapshot.errors().isEmpty()) {
            throw new IllegalStateException("benchmark units must compile: " + snapshot.errors());
        }
    }

    /** One unit for every host and {@code count} units of other tenants, as described above. */
    public static List<ComputingUnit> tenants(int count, int hostRegexes) {
        List<ComputingUnit> all = new ArrayList<>();
        // One unit for every host in each phase: every phase has units with or without the tenants,
        // so both configurations ask the index the same questions.
        for (Phase p : PHASES) {
            all.add(ComputingUnit.of("everywhere-" + p.name().toLowerCase(java.util.Locale.ROOT), p, "return"));
        }
        for (int i = 0; i < count; i++) {
            String tenant = "t" + i + ".example";
            String host = i < hostRegexes ? "~^t" + i + "\\." : switch (i % 3) {
                case 0 -> tenant;
                case 1 -> "*." + tenant;
                default -> tenant + ".*";
            };
            ComputingUnit u = ComputingUnit.of("u" + i, PHASES[i % PHASES.length],
                    i % 5 == 0 ? "local r = edge_computing.redis_client return" : "ngx.ctx.n = 1")
                    .withHosts(List.of(host));
            all.add(i % 4 == 0 ? u.withPaths(List.of("/hls/")) : u);
        }
        return all;
    }

    /** What a host asks about a request before running it: its location, then per phase whether it runs and how. */
    @Benchmark
    public int hostQueries() {
        Location location = snapshot.locate("/hls/live.m3u8", HOST);
        int n = 0;
        for (Phase p : PHASES) {
            if (snapshot.has(p, HOST, location)) {
                n++;
            }
            if (snapshot.blocks(p, HOST)) {
                n += 2;
            }
            if (snapshot.readsBody(p, HOST)) {
                n += 4;
            }
        }
        return n;
    }

    /** Locate + run the access phase (its one unit for every host runs). */
    @Benchmark
    public PhaseResult unmatchedRequest() {
        RawExchange ex = new RawExchange("GET", "/hls/live.m3u8", HEADERS, "192.0.2.1");
        return runner.run(snapshot, Phase.ACCESS, ex, new RequestState());
    }
}
