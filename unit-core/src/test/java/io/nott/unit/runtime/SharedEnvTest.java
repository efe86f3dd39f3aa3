package io.nott.unit.runtime;

import static io.nott.unit.runtime.Fixture.get;
import static io.nott.unit.runtime.Fixture.unit;
import static org.assertj.core.api.Assertions.assertThat;

import io.nott.unit.model.Phase;
import io.nott.unit.runtime.UnitOutcome.Kind;
import io.nott.unit.sandbox.UnitCompiler;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Units whose calls share one read-only environment per runtime ({@link SharedEnv}), and those that must not. */
class SharedEnvTest {

    private final Fixture f = new Fixture();

    private static boolean allowed(String code) {
        return SharedEnv.allowed(UnitCompiler.compileSource("u", code));
    }

    @Test
    void seedChecksShareTheirEnvironment() {
        assertThat(allowed(PhaseRunnerTest.SEED_TOKEN)).isTrue();
        assertThat(allowed("local ref = ngx.var.http_referer if ref and not string.find(ref, 'example.com', 1, true)"
                + " then return ngx.exit(403) end")).isTrue();
    }

    @Test
    void unitsThatWriteOrRevealTheirEnvironmentGetTheirOwn() {
        assertThat(allowed("x = 1")).as("global assignment").isFalse();
        assertThat(allowed("local function f() return 1 end f()")).as("a closure may outlive the call").isFalse();
        assertThat(allowed("local e = _ENV")).as("_ENV as a value").isFalse();
        assertThat(allowed("ngx.ctx.g = _G")).as("_G").isFalse();
        assertThat(allowed("load('y = 1')()")).as("load compiles in the caller's environment").isFalse();
        assertThat(allowed("local m = require('cjson')")).isFalse();
    }

    @Test
    void globalsStillLastOneCallWhenTheEnvironmentIsNotShared() {
        UnitSnapshot snapshot = Fixture.snapshot(unit("g", Phase.ACCESS,
                "if seen ~= nil then return ngx.exit(500) end seen = true"));
        for (int i = 0; i < 3; i++) {
            PhaseResult r = f.runner.run(snapshot, Phase.ACCESS, get("/"), new RequestState());
            assertThat(r.outcomes()).extracting(UnitOutcome::kind).containsExactly(Kind.OK);
        }
    }

    @Test
    void aSharedEnvironmentRefusesWritesFromCodeItCannotSee() {
        // A closure left in ngx.ctx by an earlier unit calls load, which compiles in the *caller's*
        // environment: in a shared one that write would last for the next request, so it fails.
        UnitSnapshot snapshot = Fixture.snapshot(
                unit("a", Phase.REWRITE, "ngx.ctx.f = function() load('leaked = 1')() end"),
                unit("b", Phase.ACCESS, "ngx.ctx.f()"),
                unit("c", Phase.ACCESS, "if leaked ~= nil then return ngx.exit(500) end").withOrder(1));
        RequestState state = new RequestState();
        f.runner.run(snapshot, Phase.REWRITE, get("/"), state);
        PhaseResult r = f.runner.run(snapshot, Phase.ACCESS, get("/"), state);
        assertThat(r.outcomes()).extracting(UnitOutcome::unitId, UnitOutcome::kind)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("b", Kind.ERROR),
                        org.assertj.core.groups.Tuple.tuple("c", Kind.OK));
        assertThat(r.outcomes().get(0).message()).contains("read-only");
        PhaseResult next = f.runner.run(snapshot, Phase.ACCESS, get("/"), new RequestState());
        assertThat(next.outcomes()).extracting(UnitOutcome::kind).contains(Kind.OK);
    }

    @Test
    void aSharedEnvironmentFindsGlobalsAsTheLookupChainDoes() {
        // The shared table holds copies of what the chain behind it resolves: an init global, an
        // init global that shadows a library name (init's wins, as in a lookup), the libraries;
        // a name nothing defines is still nil.
        String reader = "ngx.header['X-G'] = greeting .. ':' .. type(1) .. ':' .. string.upper('a') .. ':'"
                + " .. tostring(undefined_name)";
        assertThat(allowed(reader)).isTrue();
        UnitSnapshot snapshot = UnitSnapshot.build(1, List.of(
                unit("setup", Phase.INIT, "greeting = 'hi' type = function() return 'init-type' end"),
                unit("reader", Phase.ACCESS, reader)));
        assertThat(f.runner.prepare(snapshot)).isEmpty();
        for (int i = 0; i < 2; i++) {
            RequestState state = new RequestState();
            PhaseResult r = f.runner.run(snapshot, Phase.ACCESS, get("/"), state);
            assertThat(r.outcomes()).extracting(UnitOutcome::kind).containsExactly(Kind.OK);
            assertThat(state.headerChange("X-G").values()).containsExactly("hi:init-type:A:nil");
        }
    }

    @Test
    void sharedUnitsGiveEachRequestItsOwnAnswer() {
        UnitSnapshot snapshot = Fixture.snapshot(unit("auth", Phase.ACCESS, PhaseRunnerTest.SEED_TOKEN));
        for (int i = 0; i < 3; i++) {
            RequestState allowed = new RequestState();
            assertThat(f.runner.run(snapshot, Phase.ACCESS, get("/x?token=token"), allowed).isContinue()).isTrue();
            assertThat(allowed.headerChanges()).containsExactly(
                    new RequestState.HeaderChange("Set-Cookie", List.of("superstition=token")));
            RequestState denied = new RequestState();
            assertThat(f.runner.run(snapshot, Phase.ACCESS, get("/x"), denied).status()).isEqualTo(403);
            assertThat(denied.headerChanges()).isEmpty();
        }
    }
}
