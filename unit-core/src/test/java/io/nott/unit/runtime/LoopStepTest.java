package io.nott.unit.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.nott.unit.model.Phase;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;

/**
 * Steps that suspend on their thread while units wait for Redis ({@link LoopStep}), as the edge
 * runs them on its event loop: a test "loop" (a task queue drained on the test thread) and a
 * Redis client that answers only when the test says so, so the order of replies is the test's.
 */
class LoopStepTest {

    /** Suspends the calling step until {@link #answerAll}; answers from {@link #data}. */
    static final class HeldRedis extends ForwardingRedis {
        final Map<String, String> data = new ConcurrentHashMap<>();
        final List<LoopStep> waiting = new ArrayList<>();
        private final InMemoryUnitRedisClient rest;

        HeldRedis() {
            this(new InMemoryUnitRedisClient(Fixture.CLOCK));
        }

        private HeldRedis(InMemoryUnitRedisClient rest) {
            super(rest);
            this.rest = rest;
        }

        @Override
        public String get(String key) {
            LoopStep step = LoopStep.current();
            assertThat(step).as("a Redis call inside a step runs in it").isNotNull();
            waiting.add(step);
            step.suspend();
            return data.get(key);
        }

        /** A pipeline suspends the step once, as the edge's client waits once for all its replies. */
        @Override
        public List<Object> pipeline(List<UnitRedisCommand> commands) {
            LoopStep step = LoopStep.current();
            assertThat(step).as("a pipeline inside a step runs in it").isNotNull();
            waiting.add(step);
            step.suspend();
            return rest.pipeline(commands);
        }

        void answerAll(boolean reversed) {
            List<LoopStep> now = new ArrayList<>(waiting);
            waiting.clear();
            if (reversed) {
                java.util.Collections.reverse(now);
            }
            now.forEach(LoopStep::wake);
        }
    }

    private final HeldRedis redis = new HeldRedis();
    private final PhaseRunner runner = new PhaseRunner(RunnerSettings.DEFAULT, new SimpleMeterRegistry(), Fixture.CLOCK,
            redis);
    private final ArrayDeque<Runnable> loop = new ArrayDeque<>();

    private void drain() {
        for (Runnable task = loop.poll(); task != null; task = loop.poll()) {
            task.run();
        }
    }

    @Test
    void stepsSuspendedOnOneThreadEachGoOnWithTheirOwnRequestAndReply() {
        // One wait in the unit itself, one inside a coroutine: both suspend the whole step.
        UnitSnapshot snapshot = Fixture.snapshot(Fixture.unit("counter", Phase.ACCESS, String.join("\n",
                "local r = edge_computing.redis_client",
                "local a = r:get(ngx.var.arg_k)",
                "local co = coroutine.wrap(function() return r:get(ngx.var.arg_k .. '2') end)",
                "local b = co()",
                "ngx.header['X-Got'] = a .. '/' .. b .. '/' .. ngx.var.arg_k")));
        redis.data.put("ud:one", "1");
        redis.data.put("ud:one2", "1b");
        redis.data.put("ud:two", "2");
        redis.data.put("ud:two2", "2b");
        RequestState first = new RequestState();
        RequestState second = new RequestState();
        List<String> done = new ArrayList<>();
        start(snapshot, "/?k=one", first, done);
        start(snapshot, "/?k=two", second, done);
        assertThat(done).as("both wait for their first reply").isEmpty();
        assertThat(redis.waiting).hasSize(2);

        // Meanwhile the thread serves another request's unit with its own runtime.
        RequestState other = new RequestState();
        PhaseResult plain = runner.run(Fixture.snapshot(Fixture.unit("plain", Phase.ACCESS,
                "ngx.header['X-Plain'] = ngx.var.arg_k")), Phase.ACCESS, Fixture.get("/?k=three"), other);
        assertThat(plain.outcomes()).singleElement().satisfies(o -> assertThat(o.kind()).isEqualTo(UnitOutcome.Kind.OK));
        assertThat(other.headerChange("X-Plain").values()).containsExactly("three");

        redis.answerAll(true); // the second request's reply first
        drain();
        assertThat(redis.waiting).as("each now waits inside its coroutine").hasSize(2);
        redis.answerAll(false);
        drain();
        assertThat(done).containsExactlyInAnyOrder("ok", "ok");
        assertThat(first.headerChange("X-Got").values()).containsExactly("1/1b/one");
        assertThat(second.headerChange("X-Got").values()).containsExactly("2/2b/two");
        assertThat(LoopStep.current()).isNull();
    }

    @Test
    void aStepThatNeverWaitsEndsAtOnce() {
        List<Object> values = new ArrayList<>();
        LoopStep.start(() -> "value", loop::add, (v, e) -> values.add(e == null ? v : e));
        assertThat(values).containsExactly("value");
        LoopStep.start(() -> {
            throw new IllegalStateException("broken");
        }, loop::add, (v, e) -> values.add(e.getMessage()));
        assertThat(values).containsExactly("value", "broken");
    }

    @Test
    void aPipelineSuspendsItsStepOnceAndEachStepGetsItsOwnAnswers() {
        UnitSnapshot snapshot = Fixture.snapshot(Fixture.unit("batch", Phase.ACCESS, String.join("\n",
                "local r = edge_computing.redis_client",
                "r:init_pipeline()",
                "r:incr(ngx.var.arg_k) r:incrby(ngx.var.arg_k, 10) r:set(ngx.var.arg_k .. ':seen', 'yes') r:get(ngx.var.arg_k)",
                "local res, err = r:commit_pipeline()",
                "ngx.header['X-Got'] = table.concat({res[1], res[2], res[3], res[4], tostring(err)}, '/')")));
        RequestState first = new RequestState();
        RequestState second = new RequestState();
        List<String> done = new ArrayList<>();
        start(snapshot, "/?k=one", first, done);
        start(snapshot, "/?k=two", second, done);
        assertThat(redis.waiting).as("one wait per step for its whole pipeline").hasSize(2);
        assertThat(done).isEmpty();

        redis.answerAll(true);
        drain();
        assertThat(redis.waiting).as("no step waits again").isEmpty();
        assertThat(done).containsExactly("ok", "ok");
        assertThat(first.headerChange("X-Got").values()).containsExactly("1/11/OK/11/nil");
        assertThat(second.headerChange("X-Got").values()).containsExactly("1/11/OK/11/nil");
    }

    private void start(UnitSnapshot snapshot, String target, RequestState state, List<String> done) {
        LoopStep.start(() -> runner.run(snapshot, Phase.ACCESS, Fixture.get(target), state), loop::add, (r, e) -> {
            assertThat(e).isNull();
            done.add(r.outcomes().get(0).kind().wireName());
        });
    }
}
