package io.nott.unit.runtime;

import static io.nott.unit.runtime.Fixture.get;
import static org.assertj.core.api.Assertions.assertThat;

import io.nott.unit.model.Phase;
import io.nott.unit.runtime.UnitOutcome.Kind;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Issue #16's unit API: {@code ngx.balancer} in the balancer phase and the steering variables. */
class SteeringApiTest {

    private final Fixture fixture = new Fixture();

    /** A host with upstream groups {@code hls}, {@code hls-backup} and one allow-listed peer. */
    private static final class Host implements HttpExchange {
        final SimulatedExchange base = get("/hls/live.m3u8");
        final Set<String> groups = Set.of("hls", "hls-backup");
        final Set<String> peers = Set.of("10.0.0.1:8083");

        @Override public String method() { return base.method(); }
        @Override public String scheme() { return base.scheme(); }
        @Override public String host() { return base.host(); }
        @Override public String uri() { return base.uri(); }
        @Override public String rawQuery() { return base.rawQuery(); }
        @Override public String requestHeader(String name) { return base.requestHeader(name); }
        @Override public List<Map.Entry<String, String>> requestHeaders() { return base.requestHeaders(); }
        @Override public String remoteAddress() { return base.remoteAddress(); }
        @Override public String variable(String name) { return name.equals("upstream") ? "hls" : base.variable(name); }
        @Override public void setRequestHeader(String name, List<String> values) { base.setRequestHeader(name, values); }
        @Override public void clearRequestHeader(String name) { base.clearRequestHeader(name); }

        @Override
        public String upstreamProblem(String name) {
            return groups.contains(name) ? null : "no upstream group '" + name + "'; known: hls, hls-backup";
        }

        @Override
        public String peerProblem(String host, int port) {
            return peers.contains(host + ":" + port) ? null : "peer " + host + ":" + port + " is not allow-listed";
        }
    }

    private UnitOutcome balance(BalancerAttempt attempt, RequestState state, String code) {
        state.balancer(attempt);
        try {
            return fixture.one(Phase.BALANCER, new Host(), state, code);
        } finally {
            state.balancer(null);
        }
    }

    @Test
    void anAllowListedPeerIsTakenAndARefusedOneIsNeverRecorded() {
        BalancerAttempt ok = new BalancerAttempt(null, 0, 3);
        RequestState state = new RequestState();
        UnitOutcome o = balance(ok, state, "local b = ngx.balancer\n"
                + "assert(b.set_current_peer('10.0.0.1', 8083))\n"
                + "assert(b.get_last_failure() == nil)\n"
                + "assert(b.set_more_tries(1))\n"
                + "assert(b.set_timeouts(0.5, nil, 2))");
        assertThat(o.kind()).as(o.problem()).isEqualTo(Kind.OK);
        assertThat(ok.peer()).isEqualTo("10.0.0.1:8083");
        assertThat(ok.moreTries()).isEqualTo(1);
        assertThat(ok.connectTimeout()).isEqualTo(Duration.ofMillis(500));
        assertThat(ok.readTimeout()).isEqualTo(Duration.ofSeconds(2));

        BalancerAttempt refused = new BalancerAttempt(null, 0, 3);
        RequestState refusedState = new RequestState();
        o = balance(refused, refusedState, "local ok, err = ngx.balancer.set_current_peer('169.254.169.254', 80)\n"
                + "ngx.ctx.answer = tostring(ok) .. ' ' .. err\n"
                + "ok, err = ngx.balancer.set_current_peer('10.0.0.1:9999')\n"
                + "ngx.ctx.second = tostring(ok)");
        assertThat(o.kind()).as(o.problem()).isEqualTo(Kind.OK);
        assertThat(refused.peer()).isNull();
        assertThat(refusedState.logs()).extracting(RequestState.LogLine::message)
                .anySatisfy(m -> assertThat(m).contains("169.254.169.254:80 is not allow-listed"));
    }

    /** OpenResty code takes the API with {@code require "ngx.balancer"} (lua-resty-core's module form). */
    @Test
    void requireNgxBalancerGivesTheBalancerApi() {
        BalancerAttempt attempt = new BalancerAttempt(null, 0, 3);
        UnitOutcome o = balance(attempt, new RequestState(), "local balancer = require \"ngx.balancer\"\n"
                + "assert(balancer == ngx.balancer and balancer == require('ngx.balancer'))\n"
                + "assert(package.loaded['ngx.balancer'] == balancer and balancer.version == '0.1.25')\n"
                + "assert(balancer.set_current_peer('10.0.0.1', 8083))\n"
                + "assert(balancer.set_more_tries(2))");
        assertThat(o.kind()).as(o.problem()).isEqualTo(Kind.OK);
        assertThat(attempt.peer()).isEqualTo("10.0.0.1:8083");
        assertThat(attempt.moreTries()).isEqualTo(2);

        // Loading it elsewhere works, as on nginx; calling it there is refused naming the phase.
        o = fixture.one(Phase.ACCESS, new Host(), new RequestState(),
                "local b = require 'ngx.balancer' b.set_current_peer('10.0.0.1', 8083)");
        assertThat(o.kind()).isEqualTo(Kind.ERROR);
        assertThat(o.problem()).contains("ngx.balancer.set_current_peer cannot be called in the access phase; allowed in: balancer");
    }

    @Test
    void lastFailureAndTheTriesLimitAreThoseOfTheHost() {
        BalancerAttempt retry = new BalancerAttempt("next", 503, 1);
        UnitOutcome o = balance(retry, new RequestState(), "local state, status = ngx.balancer.get_last_failure()\n"
                + "assert(state == 'next' and status == 503, tostring(state) .. tostring(status))\n"
                + "local ok, warn = ngx.balancer.set_more_tries(5)\n"
                + "assert(ok and warn == 'reduced tries due to limit', tostring(warn))");
        assertThat(o.kind()).as(o.problem()).isEqualTo(Kind.OK);
        assertThat(retry.moreTries()).isEqualTo(1);
    }

    @Test
    void theBalancerApiNamesItsPhaseAndBalancerUnitsCannotCallRedis() {
        UnitOutcome o = fixture.one(Phase.ACCESS, new Host(), new RequestState(),
                "ngx.balancer.set_current_peer('10.0.0.1', 8083)");
        assertThat(o.kind()).isEqualTo(Kind.ERROR);
        assertThat(o.problem()).contains("ngx.balancer.set_current_peer cannot be called in the access phase; allowed in: balancer");

        o = balance(new BalancerAttempt(null, 0, 0), new RequestState(),
                "edge_computing.redis_client:get('x')");
        assertThat(o.kind()).isEqualTo(Kind.ERROR);
        assertThat(o.problem()).contains("cannot be called in the balancer phase");
    }

    @Test
    void anUnknownUpstreamIsAUnitErrorAndAKnownOneIsReadBack() {
        RequestState state = new RequestState();
        UnitOutcome o = fixture.one(Phase.ACCESS, new Host(), state, "ngx.var.upstream = 'nope'");
        assertThat(o.kind()).isEqualTo(Kind.ERROR);
        assertThat(o.problem()).contains("no upstream group 'nope'; known: hls, hls-backup");
        assertThat(state.variables()).doesNotContainKey("upstream");

        o = fixture.one(Phase.REWRITE, new Host(), state, "assert(ngx.var.upstream == 'hls')\n"
                + "ngx.var.upstream = 'hls-backup'\n"
                + "ngx.var.cache_key = 'k:' .. ngx.var.uri\n"
                + "ngx.var.cache_bypass = 1\n"
                + "ngx.var.no_cache = '1'\n"
                + "assert(ngx.var.upstream == 'hls-backup')");
        assertThat(o.kind()).as(o.problem()).isEqualTo(Kind.OK);
        assertThat(state.variables()).containsEntry("upstream", "hls-backup")
                .containsEntry("cache_key", "k:/hls/live.m3u8").containsEntry("cache_bypass", "1")
                .containsEntry("no_cache", "1");
    }

    @Test
    void steeringAfterTheRequestPhasesIsRefusedNamingWhereItWorks() {
        UnitOutcome o = fixture.one(Phase.HEADER_FILTER, new Host(), new RequestState(), "ngx.var.no_cache = 1");
        assertThat(o.kind()).isEqualTo(Kind.ERROR);
        assertThat(o.problem()).contains("ngx.var.no_cache cannot be called in the header_filter phase; allowed in: rewrite, access, content");
    }
}
