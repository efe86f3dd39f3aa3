package io.nott.unit.bench;

import io.micrometer.core.instrument.simple.SimpleConfig;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.nott.unit.model.Budget;
import io.nott.unit.model.ComputingUnit;
import io.nott.unit.model.Phase;
import io.nott.unit.runtime.CoarseClock;
import io.nott.unit.runtime.InMemoryUnitRedisClient;
import io.nott.unit.runtime.PhaseResult;
import io.nott.unit.runtime.PhaseRunner;
import io.nott.unit.runtime.RequestState;
import io.nott.unit.runtime.RunnerSettings;
import io.nott.unit.runtime.UnitSnapshot;
import io.nott.unit.sandbox.LuaSandbox;
import io.nott.unit.sandbox.UnitCompiler;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.luaj.vm2.Globals;
import org.luaj.vm2.LuaClosure;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.Prototype;
import org.luaj.vm2.lib.jse.JsePlatform;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;

/**
 * Cost of running units, single thread (= per core). Every invocation builds the request view
 * (a {@link RawExchange}, lazy) and a fresh {@link RequestState}, as the edge does per request.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Threads(1)
public class UnitBenchmark {

    static final String TOKEN = "local token = ngx.var.arg_token or ngx.var.cookie_superstition \n"
            + " if token ~= 'token' then \n return ngx.exit(ngx.HTTP_FORBIDDEN) \n else \n"
            + " ngx.header['Set-Cookie'] = {'superstition=token'} \n end";
    static final String LOOP = "local s = 0 for i = 1, 1000 do s = s + i end return s";
    static final String[] HEADERS = {"Host", "example.com", "User-Agent", "bench", "Accept", "*/*",
        "Cookie", "a=b; superstition=nope"};

    PhaseRunner runner;
    UnitSnapshot token;
    UnitSnapshot empty;
    UnitSnapshot loop;
    LuaClosure loopNoHook;

    @Setup
    public void setup() {
        // Micrometer on the clock the edge gives its registry (CoarseClock: no system clock read per record).
        runner = new PhaseRunner(RunnerSettings.DEFAULT, new SimpleMeterRegistry(SimpleConfig.DEFAULT, CoarseClock.get()),
                Clock.systemUTC(), new InMemoryUnitRedisClient());
        token = UnitSnapshot.build(1, List.of(ComputingUnit.of("auth", Phase.ACCESS, TOKEN)));
        empty = UnitSnapshot.build(1, List.of(ComputingUnit.of("other", Phase.LOG, "return")));
        loop = UnitSnapshot.build(1, List.of(ComputingUnit.of("loop", Phase.ACCESS, LOOP)
                .withBudget(new Budget(10_000_000, 1000))));
        // The same loop on plain LuaJ globals without any hook: the baseline for the hook's overhead.
        Globals plain = JsePlatform.standardGlobals();
        Prototype p = UnitCompiler.compileSource("loop", LOOP);
        loopNoHook = new LuaClosure(p, plain);
        LuaSandbox.install();
    }

    /** Seed token check, token present: unit runs, sets a cookie header, phase continues. */
    @Benchmark
    public PhaseResult tokenCheckAllowed() {
        RawExchange ex = new RawExchange("GET", "/hls/live_high.m3u8?token=token", HEADERS, "192.0.2.1");
        return runner.run(token, Phase.ACCESS, ex, new RequestState());
    }

    /** Seed token check, wrong cookie: unit reads arg and cookie, ngx.exit(403) ends the phase. */
    @Benchmark
    public PhaseResult tokenCheckDenied() {
        RawExchange ex = new RawExchange("GET", "/hls/live_high.m3u8", HEADERS, "192.0.2.1");
        return runner.run(token, Phase.ACCESS, ex, new RequestState());
    }

    /** A phase with no units (the snapshot has units elsewhere). */
    @Benchmark
    public PhaseResult emptyPhase() {
        RawExchange ex = new RawExchange("GET", "/hls/live_high.m3u8", HEADERS, "192.0.2.1");
        return runner.run(empty, Phase.ACCESS, ex, new RequestState());
    }

    /** 1000-iteration loop (~4000 instructions) through the runner: budget hook armed. */
    @Benchmark
    public PhaseResult loopWithHook() {
        RawExchange ex = new RawExchange("GET", "/", HEADERS, "192.0.2.1");
        return runner.run(loop, Phase.ACCESS, ex, new RequestState());
    }

    /** The same loop on plain LuaJ globals, no hook, no runner. */
    @Benchmark
    public Object loopWithoutHook() {
        loopNoHook.upValues[0].setValue(new LuaTable());
        return loopNoHook.call();
    }
}
