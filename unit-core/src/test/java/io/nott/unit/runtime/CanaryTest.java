package io.nott.unit.runtime;

import static io.nott.unit.runtime.Fixture.unit;
import static org.assertj.core.api.Assertions.assertThat;

import io.nott.unit.codec.UnitHashCodec;
import io.nott.unit.model.Canary;
import io.nott.unit.model.ComputingUnit;
import io.nott.unit.model.FieldError;
import io.nott.unit.model.Phase;
import io.nott.unit.validation.UnitValidator;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Issue #18's two versions live at once: the split, what each side runs, and how they are counted. */
class CanaryTest {

    private final Fixture f = new Fixture();

    private static ComputingUnit withCanary(int percent, String key) {
        return unit("hdr", Phase.ACCESS, "ngx.header['X-Side'] = 'stable'").withAudit(7, null, null)
                .withCanary(new Canary("ngx.header['X-Side'] = 'canary'", percent, key, 9));
    }

    private static SimulatedExchange from(String address) {
        return SimulatedExchange.builder().host("example.com").target("/").remoteAddress(address).build();
    }

    private String side(UnitSnapshot snapshot, SimulatedExchange ex) {
        RequestState state = new RequestState();
        f.runner.run(snapshot, Phase.ACCESS, ex, state);
        return (String) state.headerChanges().getLast().values().getFirst();
    }

    @Test
    void theSameClientStaysOnOneSideAndTheShareIsNearTheCanaryPercent() {
        UnitSnapshot snapshot = Fixture.snapshot(withCanary(20, null));
        int canary = 0;
        for (int i = 0; i < 2000; i++) {
            String address = "10.0." + (i / 250) + "." + (i % 250);
            String first = side(snapshot, from(address));
            // the side is a function of the address: a second request (and another node: a fresh runner) agrees
            assertThat(side(snapshot, from(address))).isEqualTo(first);
            assertThat(new Fixture().runner.run(snapshot, Phase.ACCESS, from(address), new RequestState()).outcomes()
                    .getFirst().canary()).isEqualTo(first.equals("canary"));
            if (first.equals("canary")) {
                canary++;
            }
        }
        // 2000 addresses at 20 %: 400 expected; a fair hash stays well within ±100
        assertThat(canary).isBetween(300, 500);
    }

    @Test
    void raisingTheShareOnlyMovesViewersFromStableToCanary() {
        for (int i = 0; i < 500; i++) {
            String address = "192.168.1." + i;
            if (CanarySplit.onCanary("hdr", address, 10)) {
                assertThat(CanarySplit.onCanary("hdr", address, 50)).as(address).isTrue();
            }
        }
    }

    @Test
    void aCookieKeyDecidesByTheCookie() {
        UnitSnapshot snapshot = Fixture.snapshot(withCanary(50, "cookie_viewer"));
        for (int i = 0; i < 50; i++) {
            String viewer = "v" + i;
            SimulatedExchange ex = SimulatedExchange.builder().host("example.com").target("/")
                    .remoteAddress("10.1.1." + i).header("Cookie", "viewer=" + viewer).build();
            String expected = CanarySplit.onCanary("hdr", viewer, 50) ? "canary" : "stable";
            assertThat(side(snapshot, ex)).isEqualTo(expected);
        }
    }

    @Test
    void zeroAndHundredPercentAreAllStableAndAllCanary() {
        assertThat(side(Fixture.snapshot(withCanary(0, null)), from("10.0.0.1"))).isEqualTo("stable");
        assertThat(side(Fixture.snapshot(withCanary(100, null)), from("10.0.0.1"))).isEqualTo("canary");
    }

    @Test
    void outcomesAndMetersCarryTheVersionTag() {
        UnitSnapshot snapshot = Fixture.snapshot(withCanary(100, null));
        UnitOutcome o = f.runner.run(snapshot, Phase.ACCESS, from("10.0.0.1"), new RequestState()).outcomes().getFirst();
        assertThat(o.canary()).isTrue();
        assertThat(o.role()).isEqualTo("canary");
        assertThat(f.meters.find("cu.unit.calls").tag("unit", "hdr").tag("version", "canary").counter().count())
                .isEqualTo(1.0);
        assertThat(f.meters.find("cu.unit.calls").tag("unit", "hdr").tag("version", "stable").counter()).isNull();
    }

    @Test
    void aCanaryFailingDoesNotOpenTheStableVersionsBreaker() {
        ComputingUnit u = unit("brk", Phase.ACCESS, "local x = 1").withCanary(new Canary("error('boom')", 100, null, 2));
        UnitSnapshot snapshot = Fixture.snapshot(u);
        for (int i = 0; i < 50; i++) {
            f.runner.run(snapshot, Phase.ACCESS, from("10.0.0.1"), new RequestState());
        }
        assertThat(f.runner.breakerState("brk")).isEqualTo("closed");
        UnitOutcome last = f.runner.run(snapshot, Phase.ACCESS, from("10.0.0.1"), new RequestState()).outcomes().getFirst();
        assertThat(last.kind()).isEqualTo(UnitOutcome.Kind.BREAKER_OPEN);
        assertThat(last.canary()).isTrue();
    }

    @Test
    void healthCountsEachVersionApartOverItsWindow() {
        MutableClock clock = new MutableClock();
        Fixture fx = new Fixture(RunnerSettings.DEFAULT, clock);
        ComputingUnit u = unit("h", Phase.ACCESS, "if ngx.var.arg_fail then ngx.exit(503) end").withAudit(4, null, null)
                .withCanary(new Canary("if ngx.var.arg_fail then error('x') end ngx.exit(403)", 100, "arg_side", 5));
        UnitSnapshot snapshot = Fixture.snapshot(u);
        UnitSnapshot stableOnly = Fixture.snapshot(u.withCanary(null));
        fx.runner.run(stableOnly, Phase.ACCESS, Fixture.get("/?fail=1"), new RequestState());
        fx.runner.run(stableOnly, Phase.ACCESS, Fixture.get("/"), new RequestState());
        fx.runner.run(snapshot, Phase.ACCESS, Fixture.get("/?fail=1"), new RequestState());
        fx.runner.run(snapshot, Phase.ACCESS, Fixture.get("/"), new RequestState());
        fx.runner.run(snapshot, Phase.ACCESS, Fixture.get("/"), new RequestState());
        List<UnitHealth.Figures> figures = fx.runner.health().snapshot();
        assertThat(figures).extracting(UnitHealth.Figures::role, UnitHealth.Figures::version, UnitHealth.Figures::calls,
                UnitHealth.Figures::errors).containsExactly(
                org.assertj.core.groups.Tuple.tuple("canary", 5L, 3L, 1L),
                org.assertj.core.groups.Tuple.tuple("stable", 4L, 2L, 0L));
        assertThat(figures.get(0).exits()).containsExactly(0, 0, 2, 0);
        assertThat(figures.get(1).exits()).containsExactly(0, 0, 0, 1);
        assertThat(figures.get(0).percentileMillis(0.99)).isPositive();
        // a window later, nothing is left
        clock.advance(Duration.ofSeconds(61));
        assertThat(fx.runner.health().snapshot()).isEmpty();
    }

    @Test
    void aVersionIsCountedAgainAfterTheWindowDroppedIt() {
        MutableClock clock = new MutableClock();
        Fixture fx = new Fixture(RunnerSettings.DEFAULT, clock);
        UnitSnapshot snapshot = Fixture.snapshot(unit("again", Phase.ACCESS, "local x = 1").withAudit(3, null, null));
        fx.runner.run(snapshot, Phase.ACCESS, Fixture.get("/"), new RequestState());
        assertThat(fx.runner.health().snapshot()).extracting(UnitHealth.Figures::calls).containsExactly(1L);
        clock.advance(Duration.ofSeconds(61));
        assertThat(fx.runner.health().snapshot()).isEmpty();
        // the runner kept the dropped series for this entry: it must count into a live one now
        fx.runner.run(snapshot, Phase.ACCESS, Fixture.get("/"), new RequestState());
        fx.runner.run(snapshot, Phase.ACCESS, Fixture.get("/"), new RequestState());
        assertThat(fx.runner.health().snapshot()).extracting(UnitHealth.Figures::unitId, UnitHealth.Figures::calls)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("again", 2L));
    }

    @Test
    void percentilesComeFromTheHistogramBuckets() {
        long[] h = new long[UnitHealth.BUCKETS];
        h[UnitHealth.bucket(80)] = 98; // 0.1 ms bucket
        h[UnitHealth.bucket(40_000)] = 2; // 50 ms bucket
        assertThat(UnitHealth.percentileMillis(h, 0.5)).isEqualTo(0.1);
        assertThat(UnitHealth.percentileMillis(h, 0.99)).isEqualTo(50.0);
        assertThat(UnitHealth.percentileMillis(new long[UnitHealth.BUCKETS], 0.99)).isZero();
    }

    @Test
    void theHashCarriesTheCanaryAndAUnitWithoutOneHashesAsBefore() {
        ComputingUnit u = withCanary(10, "cookie_s");
        Map<String, String> hash = UnitHashCodec.encode(u);
        assertThat(UnitHashCodec.decode(hash).canary()).isEqualTo(new Canary("ngx.header['X-Side'] = 'canary'", 10,
                "cookie_s", 9));
        Map<String, String> plain = UnitHashCodec.encode(u.withCanary(null));
        assertThat(plain.keySet()).noneMatch(k -> k.startsWith("canary"));
        Map<String, String> old = new HashMap<>(plain);
        assertThat(UnitHashCodec.decode(old).canary()).isNull();
        assertThat(u.canaryUnit().code()).isEqualTo("ngx.header['X-Side'] = 'canary'");
        assertThat(u.canaryUnit().version()).isEqualTo(9);
        assertThat(new Canary("x", 1, null, 0).key()).isEqualTo("remote_addr");
    }

    @Test
    void theValidatorChecksTheCanaryUnderItsOwnFields() {
        ComputingUnit bad = unit("v", Phase.ACCESS, "local a = 1").withCanary(new Canary("local = ", 120, "not a var", 0));
        List<FieldError> errors = new UnitValidator().validate(bad);
        assertThat(errors).extracting(FieldError::field).containsExactly("canary.percent", "canary.key", "canary.code");
        assertThat(errors.get(2).line()).isEqualTo(1);
        ComputingUnit module = unit("m.lib", Phase.MODULE, "return {}").withCanary(new Canary("return {}", 10, null, 0));
        assertThat(new UnitValidator().validate(module)).extracting(FieldError::field).containsExactly("canary");
        assertThat(new UnitValidator().validate(withCanary(10, "http_x_viewer"))).isEmpty();
    }

    @Test
    void aCanaryThatDoesNotCompileLeavesTheStableVersionRunning() {
        ComputingUnit u = unit("nc", Phase.ACCESS, "ngx.header['X-Side'] = 'stable'")
                .withCanary(new Canary("local = ", 100, null, 0));
        UnitSnapshot snapshot = UnitSnapshot.build(1, List.of(u));
        assertThat(snapshot.errors()).containsOnlyKeys("nc" + UnitSnapshot.CANARY_SUFFIX);
        assertThat(side(snapshot, from("10.0.0.1"))).isEqualTo("stable");
    }

    /** A clock the test moves. */
    static final class MutableClock extends Clock {
        private Instant now = Instant.parse("2026-12-01T10:00:00Z");

        void advance(Duration d) {
            now = now.plus(d);
        }

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }
}
