package io.nott.unit.runtime;

import static io.nott.unit.runtime.Fixture.get;
import static io.nott.unit.runtime.Fixture.unit;
import static org.assertj.core.api.Assertions.assertThat;

import io.nott.unit.model.Budget;
import io.nott.unit.model.Phase;
import io.nott.unit.model.SharedDictSpec;
import io.nott.unit.runtime.shared.ManualClock;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The bundled resty.limit.* modules through {@code require}, on a clock the test moves: the
 * answers lua-resty-limit-traffic documents (its README's numbers), never wall-clock time.
 */
class RestyLimitTest {

    private final ManualClock clock = new ManualClock();
    private final Fixture f = new Fixture(RunnerSettings.DEFAULT, clock);

    private UnitSnapshot snapshot(String code) {
        return Fixture.snapshot(unit("lim", Phase.ACCESS, code).withBudget(new Budget(10_000_000, 10_000)))
                .withSharedDicts(List.of(new SharedDictSpec("store", 1 << 20)));
    }

    /** Runs the unit once and returns what it logged. */
    private String call(UnitSnapshot s) {
        RequestState state = new RequestState();
        PhaseResult r = f.runner.run(s, Phase.ACCESS, get("/"), state);
        assertThat(r.outcomes().get(0).message()).isNull();
        return state.logs().get(0).message();
    }

    private static final String REQ = String.join("\n",
            "local limit_req = require 'resty.limit.req'",
            "local lim, err = limit_req.new('store', %s, %s)",
            "local delay, err = lim:incoming('k', true)",
            "ngx.log(ngx.ERR, tostring(delay), ' ', tostring(err))");

    @Test
    void reqAllowsTheRateDelaysTheBurstAndRejectsAbove() {
        UnitSnapshot s = snapshot(REQ.formatted(10, 2));
        assertThat(call(s)).isEqualTo("0 0");
        assertThat(call(s)).isEqualTo("0.1 1");   // 1 excess: wait 1/rate
        assertThat(call(s)).isEqualTo("0.2 2");
        assertThat(call(s)).isEqualTo("nil rejected");
        clock.advance(100);                         // one request's worth drains
        assertThat(call(s)).isEqualTo("0.2 2");
        clock.advance(1000);
        assertThat(call(s)).isEqualTo("0 0");
    }

    @Test
    void reqUnderThreeTimesItsRateAllowsTheRatePlusTheBurst() {
        UnitSnapshot s = snapshot(REQ.formatted(200, 100));
        int allowed = 0;
        int rejected = 0;
        for (int i = 0; i < 6000; i++) {   // 600 r/s for 10 s, one every 1.666 ms
            String answer = call(s);
            if (answer.startsWith("nil rejected")) {
                rejected++;
            } else {
                allowed++;
            }
            clock.advance(i % 3 == 0 ? 1 : 2);
        }
        // 10 s at 200 r/s plus the burst of 100, give or take the clock's millisecond steps
        assertThat(allowed).isBetween(2090, 2110);
        assertThat(rejected).isEqualTo(6000 - allowed);
    }

    @Test
    void reqSetRateUncommitAndMissingDict() {
        UnitSnapshot s = snapshot(String.join("\n",
                "local limit_req = require 'resty.limit.req'",
                "local nope, nerr = limit_req.new('nope', 1, 1)",
                "local lim = limit_req.new('store', 1, 0)",
                "local d1 = lim:incoming('u', true)",
                "local d2, e2 = lim:incoming('u', true)",
                "local ok = lim:uncommit('u')",
                "lim:set_burst(0)",
                "local d3, e3 = lim:incoming('u', false)",
                "ngx.log(ngx.ERR, tostring(nope), ' ', nerr, ' ', d1, ' ', tostring(d2), ' ', e2, ' ', tostring(ok),",
                "  ' ', d3, ' ', e3, ' ', tostring(lim:uncommit('other')))"));
        assertThat(call(s)).isEqualTo("nil shared dict not found 0 nil rejected true nil rejected nil");
    }

    @Test
    void countLimitsPerWindow() {
        UnitSnapshot s = snapshot(String.join("\n",
                "local limit_count = require 'resty.limit.count'",
                "local lim = limit_count.new('store', 3, 60)",
                "local delay, err = lim:incoming('k', true)",
                "ngx.log(ngx.ERR, tostring(delay), ' ', tostring(err))"));
        List<String> answers = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            answers.add(call(s));
        }
        assertThat(answers).containsExactly("0 2", "0 1", "0 0", "nil rejected", "nil rejected");
        clock.advance(60_001);
        assertThat(call(s)).isEqualTo("0 2");
    }

    @Test
    void connCountsConcurrencyDelaysTheBurstAndLeaves() {
        UnitSnapshot s = snapshot(String.join("\n",
                "local limit_conn = require 'resty.limit.conn'",
                "local lim = limit_conn.new('store', 2, 1, 0.5)",
                "local out = {}",
                "for i = 1, 4 do",
                "  local delay, err = lim:incoming('k', true)",
                "  out[#out + 1] = tostring(delay) .. '/' .. tostring(err) .. '/' .. tostring(lim:is_committed())",
                "end",
                "out[#out + 1] = tostring(lim:leaving('k', 0.1))",
                "out[#out + 1] = tostring(lim:uncommit('k'))",
                "ngx.log(ngx.ERR, table.concat(out, ' '))"));
        assertThat(call(s)).isEqualTo("0/1/true 0/2/true 0.5/3/true nil/rejected/false 2 1");
    }

    @Test
    void trafficCombinesLimiters() {
        UnitSnapshot s = snapshot(String.join("\n",
                "local limit_req = require 'resty.limit.req'",
                "local limit_count = require 'resty.limit.count'",
                "local limit_traffic = require 'resty.limit.traffic'",
                "local a = limit_req.new('store', 10, 5)",
                "local b = limit_count.new('store', 2, 60)",
                "local states = {}",
                "local delay, err = limit_traffic.combine({a, b}, {'ra', 'cb'}, states)",
                "ngx.log(ngx.ERR, tostring(delay), ' ', tostring(err), ' ', tostring(states[1]), ' ', tostring(states[2]))"));
        assertThat(call(s)).isEqualTo("0 nil 0 1");
        assertThat(call(s)).isEqualTo("0.1 nil 1 0");
        assertThat(call(s)).isEqualTo("nil rejected nil nil");
    }
}
