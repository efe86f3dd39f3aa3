package io.nott.unit.runtime;

import static io.nott.unit.runtime.Fixture.get;
import static org.assertj.core.api.Assertions.assertThat;

import io.nott.unit.model.Phase;
import io.nott.unit.runtime.UnitOutcome.Kind;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;

/**
 * {@code edge_computing.redis_client}'s pipeline, as lua-resty-redis' ({@code init_pipeline},
 * queued commands returning nothing, {@code commit_pipeline} → one entry per command with an
 * error reply as {@code {false, err}}, {@code cancel_pipeline}), over the in-memory Redis: its
 * answers, its bounds, its budget, and that a queue never outlives its unit call.
 */
class RedisPipelineTest {

    private final Fixture f = new Fixture();

    private String logged(String code) {
        RequestState state = new RequestState();
        UnitOutcome o = f.one(Phase.ACCESS, get("/"), state, code);
        assertThat(o.kind()).as("outcome: %s", o.message()).isEqualTo(Kind.OK);
        return String.join("|", state.logs().stream().map(RequestState.LogLine::message).toList());
    }

    @Test
    void queuedCommandsReturnNothingAndTheCommitAnswersEachAsTheCommandWould() {
        f.redis.hset("ud:h", "f", "x");
        String out = logged(String.join("\n",
                "local r = edge_computing.redis_client",
                "ngx.log(ngx.ERR, select('#', r:init_pipeline()))",
                "ngx.log(ngx.ERR, select('#', r:set('k', 'v')), select('#', r.get('k')))",
                "r:get('none') r:incr('n') r:incrby('n', 4) r:expire('n', 60) r:ttl('n')",
                "r:incr('h')", // a hash: Redis answers WRONGTYPE, the pipeline goes on
                "r:hset('h', 'g', 'y') r:hget('h', 'f') r:hincrby('h', 'c', 2)",
                "r:sadd('s', 'm') r:sismember('s', 'm') r:smembers('s') r:srem('s', 'm') r:sismember('s', 'm') r:del('n')",
                "ngx.log(ngx.ERR, 'queued, no answer: ', tostring(r:get('k') == nil))",
                "local res, err = r:commit_pipeline()",
                "local parts = {}",
                "for i, v in ipairs(res) do",
                "  if type(v) == 'table' and v[1] == false then parts[i] = 'false:' .. v[2]",
                "  elseif type(v) == 'table' then parts[i] = 'table:' .. table.concat(v, ',')",
                "  elseif v == ngx.null then parts[i] = 'null'",
                "  else parts[i] = type(v) .. ':' .. tostring(v) end",
                "end",
                "ngx.log(ngx.ERR, #res, ' ', tostring(err))",
                "ngx.log(ngx.ERR, table.concat(parts, ' '))",
                "ngx.log(ngx.ERR, r:get('k'), ' ', tostring(r:get('n') == ngx.null))"));
        assertThat(out.split("\\|")).containsExactly("0", "00", "queued, no answer: true", "18 nil",
                "string:OK string:v null number:1 number:5 number:1 number:60"
                        + " false:WRONGTYPE Operation against a key holding the wrong kind of value"
                        + " number:1 string:x number:2 number:1 number:1 table:m number:1 number:0 number:1 string:v",
                "v true");
    }

    @Test
    void withoutInitACommitSaysNoPipelineAndACancelledQueueIsNeverSent() {
        String out = logged(String.join("\n",
                "local r = edge_computing.redis_client",
                "local res, err = r:commit_pipeline()",
                "ngx.log(ngx.ERR, tostring(res), ' ', err)",
                "r:init_pipeline(10)",
                "r:set('cancelled', 'x')",
                "ngx.log(ngx.ERR, select('#', r:cancel_pipeline()))",
                "res, err = r:commit_pipeline()",
                "ngx.log(ngx.ERR, tostring(res), ' ', err, ' ', tostring(r:get('cancelled') == ngx.null))",
                "r:init_pipeline() r:set('dropped', 'x') r:init_pipeline() r:set('kept', 'y')", // a second init starts afresh
                "res = r:commit_pipeline()",
                "ngx.log(ngx.ERR, #res, ' ', res[1], ' ', tostring(r:get('dropped') == ngx.null), ' ', r:get('kept'))",
                "r:init_pipeline()",
                "res, err = r:commit_pipeline()",
                "ngx.log(ngx.ERR, type(res), ' ', #res, ' ', tostring(err))"));
        assertThat(out.split("\\|")).containsExactly("nil no pipeline", "0", "nil no pipeline true", "1 OK true y",
                "table 0 nil");
    }

    @Test
    void aQueueLeftUncommittedEndsWithItsCallUnsent() {
        RequestState state = new RequestState();
        PhaseResult r = f.run(Phase.ACCESS, get("/"), state,
                Fixture.unit("a", Phase.ACCESS, "local r = edge_computing.redis_client r:init_pipeline() r:set('left', 'x')"),
                Fixture.unit("b", Phase.ACCESS, "ngx.header['X-B'] = edge_computing.redis_client:set('b', 'y')"));
        assertThat(r.outcomes()).extracting(UnitOutcome::kind).containsExactly(Kind.OK, Kind.OK);
        assertThat(state.headerChange("X-B").values()).as("the next unit's call is not queued").containsExactly("OK");
        assertThat(f.redis.dump()).doesNotContainKey("ud:left").containsEntry("ud:b", "y");
    }

    @Test
    void aPipelineIsBoundedInCommandsAndBytesWithAnErrorNamingTheLimit() {
        String tooMany = "local r = edge_computing.redis_client r:init_pipeline() "
                + "for i = 1, " + (EdgeComputingLib.RedisPipeline.MAX_COMMANDS + 1) + " do r:incr('c') end";
        UnitOutcome many = f.one(Phase.ACCESS, get("/"), new RequestState(), tooMany);
        assertThat(many.kind()).isEqualTo(Kind.ERROR);
        assertThat(many.message()).contains("pipeline is full: at most " + EdgeComputingLib.RedisPipeline.MAX_COMMANDS
                + " commands per pipeline").contains("commit_pipeline()");

        // Five values of 1 MiB: the fifth would pass the 4 MiB a pipeline may hold. The limit is
        // met before the call's memory budget (64 MiB) and ends only this pipeline when caught.
        String tooBig = String.join("\n",
                "local r = edge_computing.redis_client",
                "local v = string.rep('x', 1024 * 1024 - 16)",
                "r:init_pipeline()",
                "local ok, err = pcall(function() for i = 1, 5 do r:set('big' .. i, v) end end)",
                "ngx.log(ngx.ERR, tostring(ok), ' ', err)",
                "local res = r:commit_pipeline()",
                "ngx.log(ngx.ERR, #res)");
        String out = logged(tooBig);
        assertThat(out).contains("false ").contains("pipeline would hold").contains("the limit is "
                + EdgeComputingLib.RedisPipeline.MAX_BYTES).endsWith("|4");
        assertThat(f.redis.dump()).containsKey("ud:big4").doesNotContainKey("ud:big5");
    }

    @Test
    void aPipelineIsRefusedInTheBalancerPhaseAsEveryRedisCallIs() {
        RequestState state = new RequestState();
        state.balancer(new BalancerAttempt(null, 0, 0));
        UnitOutcome o = f.one(Phase.BALANCER, get("/"), state, "local r = edge_computing.redis_client r:init_pipeline()");
        assertThat(o.kind()).isEqualTo(Kind.ERROR);
        assertThat(o.problem()).contains("edge_computing.redis_client:init_pipeline cannot be called in the balancer phase");
    }

    /** What a Redis client that cannot reach the server does with a whole pipeline, and what it was asked. */
    private static final class Unreachable extends ForwardingRedis {
        final List<String> failures = new ArrayList<>();

        Unreachable() {
            super(new InMemoryUnitRedisClient(Fixture.CLOCK));
        }

        @Override
        public List<Object> pipeline(List<UnitRedisCommand> commands) {
            throw new UnitRedisException(UnitRedisException.Reason.UNAVAILABLE, "redis pipeline failed: connection refused",
                    null);
        }

        @Override
        public void failed(String unitId, Phase phase, String command, UnitRedisException failure) {
            failures.add(unitId + "/" + phase.luaName() + "/" + command + "/" + failure.reason().wireName());
        }
    }

    @Test
    void aPipelineThatFailsAsAWholeGivesNilErrAndIsCountedForTheUnit() {
        Unreachable redis = new Unreachable();
        PhaseRunner runner = new PhaseRunner(RunnerSettings.DEFAULT, null, Fixture.CLOCK, redis);
        RequestState state = new RequestState();
        PhaseResult r = runner.run(Fixture.snapshot(Fixture.unit("u", Phase.ACCESS, String.join("\n",
                "local r = edge_computing.redis_client",
                "r:init_pipeline() r:incr('a') r:incr('b')",
                "local res, err = r:commit_pipeline()",
                "ngx.header['X-R'] = tostring(res) .. ' ' .. err"))), Phase.ACCESS, get("/"), state);
        assertThat(r.outcomes()).extracting(UnitOutcome::kind).containsExactly(Kind.OK);
        assertThat(state.headerChange("X-R").values()).containsExactly("nil redis pipeline failed: connection refused");
        assertThat(redis.failures).containsExactly("u/access/pipeline/unavailable");
    }

    @Test
    void anErrorEntryIsCountedForTheUnitAsADirectCallsErrorIs() {
        List<String> failures = new ArrayList<>();
        UnitRedisClient redis = new ForwardingRedis(f.redis) {
            @Override
            public void failed(String unitId, Phase phase, String command, UnitRedisException failure) {
                failures.add(command + ": " + failure.getMessage());
            }
        };
        f.redis.hset("ud:h", "f", "x");
        PhaseRunner runner = new PhaseRunner(RunnerSettings.DEFAULT, null, Fixture.CLOCK, redis);
        PhaseResult r = runner.run(Fixture.snapshot(Fixture.unit("u", Phase.ACCESS,
                "local r = edge_computing.redis_client r:init_pipeline() r:incr('h') r:get('h') r:commit_pipeline()")),
                Phase.ACCESS, get("/"), new RequestState());
        assertThat(r.outcomes()).extracting(UnitOutcome::kind).containsExactly(Kind.OK);
        assertThat(failures).containsExactly("incrby: WRONGTYPE Operation against a key holding the wrong kind of value",
                "get: WRONGTYPE Operation against a key holding the wrong kind of value");
    }

    @Test
    void waitingForAPipelineIsExcusedFromTheWallBudgetAsACallsWaitIs() {
        // The pipeline takes 1.5 s to answer, more than the unit's whole wall budget (1 s, the
        // largest a unit may have, so the unit's own work fits it on a loaded machine): excused up
        // to max-redis-wait as one call's wait is; without the allowance it is a timeout.
        UnitRedisClient slow = new ForwardingRedis(new InMemoryUnitRedisClient(Fixture.CLOCK)) {
            @Override
            public List<Object> pipeline(List<UnitRedisCommand> commands) {
                LockSupport.parkNanos(Duration.ofMillis(1500).toNanos());
                return super.pipeline(commands);
            }
        };
        String code = "local r = edge_computing.redis_client r:init_pipeline() r:incr('a') r:incr('b') "
                + "local res, err = r:commit_pipeline() assert(res[2] == 1, err)";
        for (Duration allowance : List.of(Duration.ofSeconds(10), Duration.ZERO)) {
            RunnerSettings d = RunnerSettings.DEFAULT;
            PhaseRunner runner = new PhaseRunner(new RunnerSettings(d.limits(), d.breakerFailureThreshold(),
                    d.breakerCoolDown(), d.maxBodyBytes(), allowance), null, Fixture.CLOCK, slow);
            PhaseResult r = runner.run(Fixture.snapshot(Fixture.unit("p", Phase.LOG, code)),
                    Phase.LOG, get("/"), new RequestState());
            assertThat(r.outcomes().get(0).kind()).as("allowance %s: %s", allowance, r.outcomes().get(0).message())
                    .isEqualTo(allowance.isZero() ? Kind.TIMEOUT : Kind.OK);
        }
    }
}
