package io.nott.unit.runtime;

import static io.nott.unit.runtime.Fixture.get;
import static io.nott.unit.runtime.Fixture.unit;
import static org.assertj.core.api.Assertions.assertThat;

import io.nott.unit.model.Budget;
import io.nott.unit.model.ComputingUnit;
import io.nott.unit.model.Phase;
import io.nott.unit.runtime.UnitOutcome.Kind;
import java.lang.management.ManagementFactory;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code coroutine.*} and {@code ngx.thread.*}: LuaJIT's answers (written with
 * {@code tools/luajit-oracle.py}), budgets that hold across coroutines, and nothing left behind.
 */
class CoroutineTest {

    private final Fixture f = new Fixture();

    private String say(String code) {
        RequestState state = new RequestState();
        PhaseResult r = f.run(Phase.CONTENT, get("/"), state, unit("co", Phase.CONTENT, code));
        assertThat(r.outcomes().get(0).kind()).as(r.outcomes().get(0).message()).isIn(Kind.OK, Kind.EXIT);
        return new String(state.body(), java.nio.charset.StandardCharsets.ISO_8859_1);
    }

    private UnitOutcome outcome(ComputingUnit u) {
        return f.run(Phase.CONTENT, get("/"), new RequestState(), u).outcomes().get(0);
    }

    static Stream<Arguments> luajit() {
        return Stream.of(
                Arguments.of("generator", "local co = coroutine.create(function(a) for i = a, 3 do coroutine.yield(i) end return 'end' end)"
                        + " local out = {} while true do local ok, v = coroutine.resume(co, 1) if not ok or v == 'end' then break end out[#out + 1] = v end"
                        + " ngx.print(table.concat(out, ','), coroutine.status(co))", "1,2,3dead"),
                Arguments.of("values both ways", "local co = coroutine.create(function(...) local a, b = coroutine.yield(select('#', ...)) return a, b end)"
                        + " local _, n = coroutine.resume(co, 1, 2, 3) local ok, x, y = coroutine.resume(co, 'p', 'q') ngx.print(n, x, y, coroutine.status(co))", "3pqdead"),
                Arguments.of("dead", "local co = coroutine.create(function() end) coroutine.resume(co)"
                        + " ngx.print(tostring(select(2, coroutine.resume(co))))", "cannot resume dead coroutine"),
                Arguments.of("error", "local co = coroutine.create(function() error('boom') end) local ok, e = coroutine.resume(co) ngx.print(tostring(ok), '|', e)",
                        "false|co:1: boom"),
                Arguments.of("error object", "local co = coroutine.create(function() error({}) end) local ok, e = coroutine.resume(co) ngx.print(type(e))", "table"),
                Arguments.of("resume itself", "local co co = coroutine.create(function() return coroutine.resume(co) end)"
                        + " local a, b, c = coroutine.resume(co) ngx.print(tostring(a), tostring(b), c)", "truefalsecannot resume running coroutine"),
                Arguments.of("wrap error", "local f = coroutine.wrap(function() error('boom') end) local ok, e = pcall(f) local r1, r2 = f() ngx.print(e, '|', tostring(r1), ' ', r2)",
                        "co:1: boom|false cannot resume dead coroutine"),
                Arguments.of("wrap error in a Lua caller", "local f = coroutine.wrap(function() error('boom') end) local ok, e = pcall(function() f() end) ngx.print(e)",
                        "co:1: co:1: boom"),
                Arguments.of("wrap iterator", "local out = {} for v in coroutine.wrap(function() for i = 1, 3 do coroutine.yield(i * 2) end end) do out[#out + 1] = v end ngx.print(table.concat(out, ' '))", "2 4 6"),
                Arguments.of("yield across pcall", "local co = coroutine.create(function() local ok, e = pcall(coroutine.yield, 5) return ok, e end)"
                        + " local _, b = coroutine.resume(co) local _, d, e = coroutine.resume(co, 7) ngx.print(b, tostring(d), e)", "5true7"),
                Arguments.of("yield in sort comparator", "local co = coroutine.create(function() table.sort({3, 2, 1}, function(a, b) coroutine.yield() return a < b end) end)"
                        + " local ok, e = coroutine.resume(co) ngx.print(tostring(ok), '|', e)", "false|co:1: attempt to yield across C-call boundary"),
                Arguments.of("yield in gsub callback", "local co = coroutine.create(function() string.gsub('ab', '.', function() coroutine.yield() end) end)"
                        + " local ok, e = coroutine.resume(co) ngx.print(tostring(ok), '|', e)", "false|co:1: attempt to yield across C-call boundary"),
                Arguments.of("yield in __index", "local co = coroutine.create(function() local t = setmetatable({}, {__index = function() coroutine.yield(1) return 2 end}) return t.x end)"
                        + " local _, a = coroutine.resume(co) local _, b = coroutine.resume(co) ngx.print(a, b)", "12"),
                Arguments.of("status inside", "local co = coroutine.create(function() return tostring(coroutine.isyieldable()) .. coroutine.status(coroutine.running()) end)"
                        + " ngx.print(select(2, coroutine.resume(co)))", "truerunning"),
                Arguments.of("normal status", "local outer outer = coroutine.create(function() local inner = coroutine.create(function() return coroutine.status(outer) end)"
                        + " return select(2, coroutine.resume(inner)) end) ngx.print(select(2, coroutine.resume(outer)))", "normal"),
                Arguments.of("type", "ngx.print(type(coroutine.create(function() end)), tostring(pcall(coroutine.resume, nil)))", "threadfalse"),
                Arguments.of("yield in the unit's own thread returns nothing", "ngx.print(select('#', coroutine.yield(1)), tostring(coroutine.isyieldable()))", "0true"),
                Arguments.of("zombie light thread", "local t = ngx.thread.spawn(function() return 1 end) ngx.print(coroutine.status(t)) ngx.thread.wait(t) ngx.print(coroutine.status(t))", "zombiedead"),
                Arguments.of("bad arguments", "ngx.print(select(2, pcall(coroutine.create, 1)), '|', select(2, pcall(coroutine.resume, 1)))",
                        "bad argument #1 to '?' (Lua function expected)|bad argument #1 to '?' (coroutine expected)"),
                Arguments.of("xpcall handler of the resumer does not see the coroutine's error",
                        "xpcall(function() local co = coroutine.create(function() error('in', 0) end) local ok, e = coroutine.resume(co) ngx.print(e) end,"
                                + " function(m) ngx.print('handler') return m end)", "in"),
                Arguments.of("light threads", "local function w(n) for i = 1, n do coroutine.yield() end return n end"
                        + " local a = ngx.thread.spawn(w, 3) local b = ngx.thread.spawn(w, 1)"
                        + " local ok, r = ngx.thread.wait(a, b) ngx.print(tostring(ok), r, coroutine.status(b), coroutine.status(a))", "true1deadsuspended"),
                Arguments.of("light thread runs at once and is finished after the unit", "local t = ngx.thread.spawn(function() ngx.print('a') coroutine.yield() ngx.print('c') end)"
                        + " ngx.print('b')", "abc"),
                Arguments.of("light thread error", "local t = ngx.thread.spawn(function() error('x', 0) end) local ok, e = ngx.thread.wait(t)"
                        + " ngx.print(tostring(ok), e, tostring(select(2, ngx.thread.wait(t))))", "falsexalready waited or killed"),
                Arguments.of("kill", "local t = ngx.thread.spawn(function() coroutine.yield() ngx.print('never') end)"
                        + " ngx.print(ngx.thread.kill(t), select(2, ngx.thread.kill(t)))", "1already waited or killed"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("luajit")
    void answersAsLuajit(String name, String code, String expected) {
        assertThat(say(code)).isEqualTo(expected);
    }

    @Test
    void instructionBudgetCountsWorkInsideCoroutines() {
        UnitOutcome o = outcome(unit("spin", Phase.CONTENT,
                "local co = coroutine.wrap(function() while true do coroutine.yield() end end) while true do co() end")
                .withBudget(new Budget(200_000, 5_000)));
        assertThat(o.kind()).isEqualTo(Kind.TIMEOUT);
        assertThat(o.message()).contains("instruction budget exceeded");
    }

    @Test
    void aTimeoutInsideACoroutineIsNotCaughtByResume() {
        UnitOutcome o = outcome(unit("spin", Phase.CONTENT,
                "local ok = coroutine.resume(coroutine.create(function() while true do end end)) ngx.say('escaped')")
                .withBudget(new Budget(200_000, 5_000)));
        assertThat(o.kind()).isEqualTo(Kind.TIMEOUT);
    }

    @Test
    void memoryAllocatedInsideCoroutinesIsCharged() {
        UnitOutcome o = outcome(unit("hog", Phase.CONTENT,
                "local keep = {} for i = 1, 1e9 do local co = coroutine.create(function() local t = {} for j = 1, 1000 do t[j] = {j} end"
                        + " coroutine.yield(t) end) local _, t = coroutine.resume(co) keep[i] = t end")
                .withBudget(new Budget(500_000_000, 30_000)));
        assertThat(o.kind()).isEqualTo(Kind.ERROR);
        assertThat(o.message()).contains("memory limit exceeded");
    }

    @Test
    void callDepthCountsFramesOfNestedCoroutines() {
        UnitOutcome o = outcome(unit("deep", Phase.CONTENT,
                "local function nest(n) return coroutine.wrap(function() return nest(n + 1) end)() end nest(1)")
                .withBudget(new Budget(10_000_000, 5_000)));
        assertThat(o.kind()).as(o.message()).isEqualTo(Kind.ERROR);
        assertThat(o.message()).contains("stack overflow");
    }

    @Test
    void ngxExitInsideACoroutineEndsTheRequest() {
        RequestState state = new RequestState();
        PhaseResult r = f.run(Phase.ACCESS, get("/"), state, unit("exit", Phase.ACCESS,
                "coroutine.wrap(function() ngx.exit(403) end)() ngx.header['X-After'] = '1'"));
        assertThat(r.status()).isEqualTo(403);
        assertThat(state.headerChange("X-After")).isNull();
    }

    @Test
    void lightThreadErrorsAreLoggedAsNginxDoes() {
        RequestState state = new RequestState();
        f.run(Phase.CONTENT, get("/"), state, unit("t", Phase.CONTENT, "ngx.thread.spawn(function() error('bad', 0) end)"));
        assertThat(state.logs()).extracting(RequestState.LogLine::message).containsExactly("lua user thread aborted: runtime error: bad");
    }

    /**
     * 10,000 coroutines per request, most left suspended: afterwards the node has no more threads
     * and (after a GC) no more heap than before. Counts, not times.
     */
    @Test
    void abandonedCoroutinesHoldNoThreadOrMemory() throws Exception {
        ComputingUnit u = unit("many", Phase.CONTENT,
                "local keep = {} for i = 1, 10000 do local co = coroutine.create(function(x) local big = {x, x, x} coroutine.yield(big) return x end)"
                        + " coroutine.resume(co, i) if i % 2 == 0 then keep[#keep + 1] = co end end ngx.print(#keep)")
                .withBudget(new Budget(50_000_000, 30_000));
        var threads = ManagementFactory.getThreadMXBean();
        var memory = ManagementFactory.getMemoryMXBean();
        assertThat(say("ngx.print(1)")).isEqualTo("1"); // warm the runtime and the virtual-thread scheduler up
        try (var pool = Executors.newVirtualThreadPerTaskExecutor()) {
            pool.submit(() -> f.run(Phase.CONTENT, get("/"), new RequestState(), u)).get();
        }
        System.gc();
        int threadsBefore = threads.getThreadCount();
        long heapBefore = memory.getHeapMemoryUsage().getUsed();
        for (int i = 0; i < 5; i++) {
            RequestState state = new RequestState();
            PhaseResult r = f.run(Phase.CONTENT, get("/"), state, u);
            assertThat(r.outcomes().get(0).kind()).as(r.outcomes().get(0).message()).isEqualTo(Kind.OK);
            assertThat(new String(state.body())).isEqualTo("5000");
        }
        // On a virtual thread too (the edge runs Redis-calling phases there).
        try (var pool = Executors.newVirtualThreadPerTaskExecutor()) {
            Future<Kind> k = pool.submit(() -> f.run(Phase.CONTENT, get("/"), new RequestState(), u).outcomes().get(0).kind());
            assertThat(k.get()).isEqualTo(Kind.OK);
        }
        System.gc();
        assertThat(threads.getThreadCount()).isLessThanOrEqualTo(threadsBefore);
        // 5 x 5,000 suspended coroutines kept would be tens of MiB; what remains is noise of the test itself.
        assertThat(memory.getHeapMemoryUsage().getUsed() - heapBefore).isLessThan(8L << 20);
    }
}
