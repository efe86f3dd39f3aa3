package io.nott.unit.runtime;

import static io.nott.unit.runtime.Fixture.unit;
import static org.assertj.core.api.Assertions.assertThat;

import io.nott.unit.model.Budget;
import io.nott.unit.model.Phase;
import io.nott.unit.runtime.UnitOutcome.Kind;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Many threads run units through one runner at once, on two snapshots swapped back and forth,
 * with a hostile unit mixed in: every request gets exactly its own answer (no shared mutable Lua
 * state), and the per-IP counter in the shared Redis client adds up.
 */
class ConcurrencyTest {

    private final Fixture f = new Fixture();

    /** Correctness, not timing, is under test: a wall budget a loaded 2-core machine cannot miss. */
    private static final Budget ROOMY = new Budget(1_000_000, 30_000);

    private static final String COMPUTE = String.join("\n",
            "local n = tonumber(ngx.var.arg_n)",
            "local acc = {}",
            "for i = 1, n % 50 do acc[#acc + 1] = tostring(i) end",
            "ngx.ctx.n = n",
            "glob = n -- a global: must never be seen by another request",
            "ngx.header['X-Result'] = (n * 2) .. ':' .. #table.concat(acc) .. ':' .. ngx.var.remote_addr");

    private static final String CHECK = String.join("\n",
            "if glob ~= nil and glob ~= ngx.ctx.n then error('leaked global ' .. tostring(glob)) end",
            "edge_computing.redis_client:incr('count:' .. ngx.var.remote_addr)",
            "if ngx.var.arg_n == '13' then return ngx.exit(403) end");

    @Test
    void manyThreadsGetTheirOwnResults() throws Exception {
        UnitSnapshot s1 = UnitSnapshot.build(1, List.of(unit("compute", Phase.ACCESS, COMPUTE).withOrder(1).withBudget(ROOMY),
                unit("check", Phase.ACCESS, CHECK).withOrder(2).withBudget(ROOMY),
                unit("spin", Phase.ACCESS, "if ngx.var.arg_n == '7' then while true do end end").withOrder(0)
                        .withBudget(new Budget(20_000, 100))));
        UnitSnapshot s2 = UnitSnapshot.build(2, List.of(unit("compute", Phase.ACCESS, COMPUTE).withOrder(1).withBudget(ROOMY),
                unit("check", Phase.ACCESS, CHECK).withOrder(2).withBudget(ROOMY)));
        int threads = 8;
        int perThread = 1500;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        List<Future<Integer>> futures = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int thread = t;
            futures.add(pool.submit((Callable<Integer>) () -> {
                int checked = 0;
                for (int i = 0; i < perThread; i++) {
                    int n = thread * 100_000 + i;
                    if (i == 13) {
                        n = 13;
                    } else if (i == 7) {
                        n = 7;
                    }
                    String ip = "10.0." + thread + "." + (i % 4);
                    UnitSnapshot s = i % 2 == 0 ? s1 : s2;
                    SimulatedExchange ex = SimulatedExchange.builder().host("example.com").target("/?n=" + n)
                            .remoteAddress(ip).build();
                    RequestState state = new RequestState();
                    PhaseResult r = f.runner.run(s, Phase.ACCESS, ex, state);
                    String expected = (n * 2) + ":" + expectedLength(n % 50) + ":" + ip;
                    if (n == 13) {
                        assertThat(r.status()).isEqualTo(403);
                    } else {
                        assertThat(r.isContinue()).as("n=%d %s", n, r.outcomes()).isTrue();
                    }
                    assertThat(state.headerChange("X-Result").values()).containsExactly(expected);
                    assertThat(r.outcomes()).filteredOn(o -> !o.unitId().equals("spin"))
                            .extracting(UnitOutcome::kind).doesNotContain(Kind.ERROR, Kind.TIMEOUT);
                    if (s == s1 && n == 7) {
                        assertThat(r.outcomes().get(0).kind()).isEqualTo(Kind.TIMEOUT);
                    }
                    checked++;
                }
                return checked;
            }));
        }
        int total = 0;
        for (Future<Integer> fu : futures) {
            total += fu.get(5, TimeUnit.MINUTES);
        }
        pool.shutdown();
        assertThat(pool.awaitTermination(1, TimeUnit.MINUTES)).isTrue();
        assertThat(total).isEqualTo(threads * perThread);
        long counted = f.redis.dump().entrySet().stream().filter(e -> e.getKey().startsWith("ud:count:"))
                .mapToLong(e -> Long.parseLong((String) e.getValue())).sum();
        assertThat(counted).isEqualTo((long) threads * perThread);
    }

    @Test
    void virtualThreadsBorrowRuntimes() throws Exception {
        UnitSnapshot s = UnitSnapshot.build(1, List.of(unit("compute", Phase.ACCESS, COMPUTE)));
        try (ExecutorService vt = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<String>> results = new ArrayList<>();
            for (int i = 0; i < 500; i++) {
                int n = i;
                results.add(vt.submit(() -> {
                    RequestState state = new RequestState();
                    f.runner.run(s, Phase.ACCESS, SimulatedExchange.builder().target("/?n=" + n).build(), state);
                    return state.headerChange("X-Result").values().get(0);
                }));
            }
            for (int i = 0; i < 500; i++) {
                assertThat(results.get(i).get(1, TimeUnit.MINUTES)).isEqualTo((i * 2) + ":" + expectedLength(i % 50) + ":127.0.0.1");
            }
        }
    }

    private static int expectedLength(int count) {
        int len = 0;
        for (int i = 1; i <= count; i++) {
            len += Integer.toString(i).length();
        }
        return len;
    }
}
