package io.nott.unit.runtime;

import static io.nott.unit.runtime.Fixture.get;
import static io.nott.unit.runtime.Fixture.unit;
import static org.assertj.core.api.Assertions.assertThat;

import io.nott.unit.model.ComputingUnit;
import io.nott.unit.model.FieldError;
import io.nott.unit.model.Phase;
import io.nott.unit.validation.UnitValidator;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Units of phase {@code module}: {@code require("<unit id>")}, errors and cycles as OpenResty reports them. */
class ModuleUnitsTest {

    private final Fixture f = new Fixture();

    private String say(ComputingUnit... units) {
        RequestState state = new RequestState();
        // Generous budgets: a first call loads classes on a machine shared with other builds.
        UnitSnapshot s = UnitSnapshot.build(1, java.util.Arrays.stream(units).map(u -> u.withBudget(CjsonTest.ROOMY)).toList());
        UnitOutcome o = f.runner.run(s, Phase.CONTENT, get("/"), state).outcomes().get(0);
        assertThat(o.kind()).as(o.message()).isEqualTo(UnitOutcome.Kind.OK);
        return new String(state.body(), StandardCharsets.UTF_8);
    }

    private static ComputingUnit module(String id, String code) {
        return unit(id, Phase.MODULE, code);
    }

    private static ComputingUnit content(String code) {
        return unit("page", Phase.CONTENT, code);
    }

    @Test
    void aModuleUnitIsRequiredByItsId() {
        assertThat(say(module("my.lib", "local _M = {} local n = 0 function _M.greet(who) n = n + 1 return 'hi ' .. who .. ' ' .. n end return _M"),
                content("local lib = require 'my.lib' ngx.say(lib.greet('a'), ', ', require('my.lib').greet('b'))")))
                .isEqualTo("hi a 1, hi b 2\n");
    }

    @Test
    void modulesMayRequireModulesAndBundledOnes() {
        assertThat(say(module("json.util", "local cjson = require 'cjson' return { enc = cjson.encode }"),
                module("app", "local u = require 'json.util' return function(t) return u.enc(t) end"),
                content("ngx.say(require('app')({1, 2}))")))
                .isEqualTo("[1,2]\n");
    }

    @Test
    void aModuleReturningNothingIsTrue() {
        assertThat(say(module("side", "local x = 1"), content("ngx.say(tostring(require 'side'))"))).isEqualTo("true\n");
    }

    @Test
    void errorsAndCyclesAreReportedAsOpenRestyDoes() {
        assertThat(say(module("bad", "error('boom')"),
                content("local ok, e = pcall(require, 'bad') ngx.say(e) ok, e = pcall(require, 'bad') ngx.say(e)")))
                .isEqualTo("bad:1: boom\nloop or previous error loading module 'bad'\n");
        assertThat(say(module("a", "return { b = require 'b' }"), module("b", "return { a = require 'a' }"),
                content("local ok, e = pcall(require, 'a') ngx.say(e)")))
                .isEqualTo("b:1: loop or previous error loading module 'a'\n");
    }

    @Test
    void aMissingOrBrokenModuleSaysWhy() {
        assertThat(say(content("local ok, e = pcall(require, 'nope') ngx.say(e)")))
                .endsWith("\n\tno module unit 'nope' in snapshot 1\n");
        assertThat(say(module("broken", "return {"), content("local ok, e = pcall(require, 'broken') ngx.say(e)")))
                .contains("\n\tmodule unit 'broken' does not compile: ");
        assertThat(say(module("off", "return 1").withEnabled(false), content("ngx.say((pcall(require, 'off')))")))
                .isEqualTo("false\n");
    }

    @Test
    void moduleUnitsAloneRunForNoRequest() {
        UnitSnapshot s = UnitSnapshot.build(1, List.of(module("m", "return 1")));
        assertThat(s.isEmpty()).isTrue();
        assertThat(f.runner.run(s, Phase.CONTENT, get("/"), new RequestState()).outcomes()).isEmpty();
    }

    @Test
    void validationRefusesBundledNamesAndRequestFilters() {
        UnitValidator v = new UnitValidator();
        assertThat(v.validate(module("cjson", "return {}"))).extracting(FieldError::field).containsExactly("id");
        assertThat(v.validate(module("ngx.re", "return {}"))).extracting(FieldError::field).containsExactly("id");
        assertThat(v.validate(module("my.lib", "return {}").withHosts(List.of("example.com")).withSampling(50, null)))
                .extracting(FieldError::field).containsExactly("hosts", "sampling");
        assertThat(v.validate(module("my.lib", "return {}"))).isEmpty();
        assertThat(v.validate(unit("setup", Phase.INIT, "config = {}"))).isEmpty();
    }
}
