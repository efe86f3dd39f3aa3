package io.nott.unit.runtime;

import static io.nott.unit.runtime.Fixture.get;
import static io.nott.unit.runtime.Fixture.unit;
import static org.assertj.core.api.Assertions.assertThat;

import io.nott.unit.codec.LegacyUnitFormat;
import io.nott.unit.model.ComputingUnit;
import io.nott.unit.model.FailurePolicy;
import io.nott.unit.model.Phase;
import io.nott.unit.runtime.UnitOutcome.Kind;
import java.util.List;
import org.junit.jupiter.api.Test;

class PhaseRunnerTest {

    static final String SEED_TOKEN = "local token = ngx.var.arg_token or ngx.var.cookie_superstition \n"
            + " if token ~= 'token' then \n return ngx.exit(ngx.HTTP_FORBIDDEN) \n else \n"
            + " ngx.header['Set-Cookie'] = {'superstition=token'} \n end";

    private final Fixture f = new Fixture();

    @Test
    void seedTokenCheckDeniesWithoutToken() {
        RequestState state = new RequestState();
        PhaseResult r = f.run(Phase.ACCESS, get("/hls/live.m3u8"), state, unit("auth", Phase.ACCESS, SEED_TOKEN));
        assertThat(r.action()).isEqualTo(PhaseResult.Action.EXIT);
        assertThat(r.status()).isEqualTo(403);
        assertThat(r.outcomes()).singleElement().satisfies(o -> {
            assertThat(o.kind()).isEqualTo(Kind.EXIT);
            assertThat(o.status()).isEqualTo(403);
            assertThat(o.instructions()).isPositive();
        });
        assertThat(state.headerChanges()).isEmpty();
    }

    @Test
    void seedTokenCheckAcceptsArgAndSetsCookie() {
        RequestState state = new RequestState();
        PhaseResult r = f.run(Phase.ACCESS, get("/hls/live.m3u8?token=token"), state, unit("auth", Phase.ACCESS, SEED_TOKEN));
        assertThat(r.action()).isEqualTo(PhaseResult.Action.CONTINUE);
        assertThat(r.outcomes()).extracting(UnitOutcome::kind).containsExactly(Kind.OK);
        assertThat(state.headerChanges()).containsExactly(
                new RequestState.HeaderChange("Set-Cookie", List.of("superstition=token")));
    }

    @Test
    void seedTokenCheckAcceptsCookie() {
        SimulatedExchange ex = SimulatedExchange.builder().host("example.com").target("/hls/live.m3u8")
                .header("Cookie", "a=b; superstition=token").build();
        PhaseResult r = f.run(Phase.ACCESS, ex, new RequestState(), unit("auth", Phase.ACCESS, SEED_TOKEN));
        assertThat(r.isContinue()).isTrue();
    }

    @Test
    void legacyUnitRunsUnchanged() {
        ComputingUnit legacy = LegacyUnitFormat.parse("authentication", "access_by_lua_block||" + SEED_TOKEN).unit();
        PhaseResult r = f.runner.run(UnitSnapshot.build(0, List.of(legacy)), Phase.ACCESS, get("/"), new RequestState());
        assertThat(r.status()).isEqualTo(403);
    }

    @Test
    void exitOkEndsOnlyTheUnit() {
        RequestState state = new RequestState();
        PhaseResult r = f.run(Phase.ACCESS, get("/"), state,
                unit("a", Phase.ACCESS, "ngx.header['X-A'] = '1' ngx.exit(ngx.OK) ngx.header['X-Never'] = '1'").withOrder(1),
                unit("b", Phase.ACCESS, "ngx.header['X-B'] = '2'").withOrder(2));
        assertThat(r.isContinue()).isTrue();
        assertThat(r.outcomes()).extracting(UnitOutcome::kind).containsExactly(Kind.OK, Kind.OK);
        assertThat(state.headerChanges()).extracting(RequestState.HeaderChange::name).containsExactly("X-A", "X-B");
    }

    @Test
    void exitWithStatusEndsThePhaseInOrder() {
        RequestState state = new RequestState();
        PhaseResult r = f.run(Phase.REWRITE, get("/"), state,
                unit("z-first", Phase.REWRITE, "return ngx.exit(451)").withOrder(-1),
                unit("a-second", Phase.REWRITE, "ngx.header['X'] = 'ran'"));
        assertThat(r.status()).isEqualTo(451);
        assertThat(r.outcomes()).extracting(UnitOutcome::unitId).containsExactly("z-first");
    }

    @Test
    void ipDenyFromTheSeed() {
        ComputingUnit acl = unit("acl", Phase.ACCESS,
                "if ngx.var.remote_addr == '10.1.2.3' then\n return ngx.exit(ngx.HTTP_FORBIDDEN)\nend");
        SimulatedExchange bad = SimulatedExchange.builder().host("example.com").remoteAddress("10.1.2.3").build();
        SimulatedExchange good = SimulatedExchange.builder().host("example.com").remoteAddress("10.1.2.4").build();
        assertThat(f.run(Phase.ACCESS, bad, new RequestState(), acl).status()).isEqualTo(403);
        assertThat(f.run(Phase.ACCESS, good, new RequestState(), acl).isContinue()).isTrue();
    }

    @Test
    void errorsFollowTheFailurePolicy() {
        ComputingUnit broken = unit("broken", Phase.ACCESS, "local t = nil\nreturn t.x");
        PhaseResult open = f.run(Phase.ACCESS, get("/"), new RequestState(), broken);
        assertThat(open.isContinue()).isTrue();
        assertThat(open.outcomes()).singleElement().satisfies(o -> {
            assertThat(o.kind()).isEqualTo(Kind.ERROR);
            assertThat(o.message()).contains("broken:2").contains("index");
        });
        PhaseResult closed = f.run(Phase.ACCESS, get("/"), new RequestState(), broken.withFailure(FailurePolicy.CLOSED));
        assertThat(closed.action()).isEqualTo(PhaseResult.Action.EXIT);
        assertThat(closed.status()).isEqualTo(500);
    }

    @Test
    void hostFilter() {
        ComputingUnit u = unit("h", Phase.ACCESS, "return ngx.exit(403)")
                .withHosts(List.of("a.example.com", "*.cdn.test", "~^edge[0-9]+\\.local$"));
        assertThat(f.run(Phase.ACCESS, SimulatedExchange.get("a.example.com:8080", "/"), new RequestState(), u).status()).isEqualTo(403);
        assertThat(f.run(Phase.ACCESS, SimulatedExchange.get("x.y.cdn.test", "/"), new RequestState(), u).status()).isEqualTo(403);
        assertThat(f.run(Phase.ACCESS, SimulatedExchange.get("edge12.local", "/"), new RequestState(), u).status()).isEqualTo(403);
        assertThat(f.run(Phase.ACCESS, SimulatedExchange.get("cdn.test", "/"), new RequestState(), u).outcomes()).isEmpty();
        assertThat(f.run(Phase.ACCESS, SimulatedExchange.get("b.example.com", "/"), new RequestState(), u).outcomes()).isEmpty();
    }

    @Test
    void headerValuesWithCrLfAreEscapedAsNginxDoes() {
        RequestState state = new RequestState();
        UnitOutcome o = f.one(Phase.ACCESS, get("/"), state, "ngx.header['X-Evil'] = 'a\\r\\nSet-Cookie: pwned=1'");
        assertThat(o.kind()).isEqualTo(Kind.OK);
        assertThat(state.headerChange("X-Evil").values()).containsExactly("a%0D%0ASet-Cookie: pwned=1");
    }

    @Test
    void compileErrorsSkipOnlyThatUnit() {
        UnitSnapshot s = UnitSnapshot.build(3, List.of(unit("bad", Phase.ACCESS, "if then"),
                unit("good", Phase.ACCESS, "return ngx.exit(401)")));
        assertThat(s.errors()).containsOnlyKeys("bad");
        assertThat(s.errors().get("bad").line()).isEqualTo(1);
        assertThat(f.runner.run(s, Phase.ACCESS, get("/"), new RequestState()).status()).isEqualTo(401);
    }

    @Test
    void bodyFilterGoesThroughTheSameLoopAsEveryOtherPhase() {
        UnitSnapshot s = Fixture.snapshot(
                unit("other-host", Phase.BODY_FILTER, "ngx.arg[1] = 'wrong host'").withHosts(List.of("b.example.com")),
                unit("sampled-out", Phase.BODY_FILTER, "ngx.arg[1] = 'sampled'").withSampling(0, null).withOrder(1),
                unit("broken", Phase.BODY_FILTER, "ngx.arg[1] = 'half' error('bf')").withFailure(FailurePolicy.CLOSED)
                        .withOrder(2),
                unit("upper", Phase.BODY_FILTER, "ngx.arg[1] = string.upper(ngx.arg[1])").withOrder(3));
        BodyChunk c = f.runner.runBodyFilter(s, get("/"), new RequestState(), "abc".getBytes(), true);
        assertThat(new String(c.data())).isEqualTo("ABC");
        assertThat(c.outcomes()).extracting(UnitOutcome::unitId, UnitOutcome::kind).containsExactly(
                org.assertj.core.groups.Tuple.tuple("sampled-out", Kind.SKIPPED),
                org.assertj.core.groups.Tuple.tuple("broken", Kind.ERROR),
                org.assertj.core.groups.Tuple.tuple("upper", Kind.OK));
        assertThat(f.meters.get("cu.unit.calls").tag("unit", "upper").tag("phase", "body_filter").counter().count())
                .isEqualTo(1.0);
    }

    @Test
    void aRequestStillOnAnOlderVersionLeavesTheNewerVersionsBreakerAsItIs() {
        UnitSnapshot newer = Fixture.snapshot(unit("moved", Phase.ACCESS, "error('down')").withAudit(2, null, null));
        UnitSnapshot older = Fixture.snapshot(unit("moved", Phase.ACCESS, "local ok = 1").withAudit(1, null, null));
        for (int i = 0; i < 5; i++) {
            assertThat(f.runner.run(newer, Phase.ACCESS, get("/"), new RequestState()).outcomes().get(0).kind())
                    .isEqualTo(Kind.ERROR);
        }
        assertThat(f.runner.breakerState("moved")).isEqualTo("open");
        // A request that began before the swap runs the older version with a breaker of its own; it
        // used to replace the newer version's open breaker with a fresh one.
        assertThat(f.runner.run(older, Phase.ACCESS, get("/"), new RequestState()).outcomes().get(0).kind())
                .isEqualTo(Kind.OK);
        assertThat(f.runner.breakerState("moved")).isEqualTo("open");
        assertThat(f.runner.run(newer, Phase.ACCESS, get("/"), new RequestState()).outcomes().get(0).kind())
                .isEqualTo(Kind.BREAKER_OPEN);
    }
}
