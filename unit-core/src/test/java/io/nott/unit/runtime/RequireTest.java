package io.nott.unit.runtime;

import static io.nott.unit.runtime.Fixture.get;
import static io.nott.unit.runtime.Fixture.unit;
import static org.assertj.core.api.Assertions.assertThat;

import io.nott.unit.model.Phase;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code require} and {@code package.loaded}: bundled modules, caching per runtime and snapshot, errors as LuaJIT's. */
class RequireTest {

    private final Fixture f = new Fixture();

    private String content(UnitSnapshot snapshot, String code) {
        RequestState state = new RequestState();
        PhaseResult r = f.runner.run(snapshot, Phase.CONTENT, get("/"), state);
        UnitOutcome o = r.outcomes().get(0);
        assertThat(o.kind()).as(o.message()).isEqualTo(UnitOutcome.Kind.OK);
        return new String(state.body(), StandardCharsets.UTF_8);
    }

    private String content(String code) {
        return content(Fixture.snapshot(unit("u", Phase.CONTENT, code)), code);
    }

    @Test
    void bundledLuaModuleIsLoadedOncePerRuntimeAndSnapshot() {
        UnitSnapshot s = Fixture.snapshot(unit("u", Phase.CONTENT,
                "local c = require 'test.counter' ngx.say(c.loads, ' ', c.next(), ' ', tostring(package.loaded['test.counter'] == c))"));
        assertThat(content(s, null)).isEqualTo("1 1 true\n");
        // Same thread, same snapshot: module state lives on, as in one nginx worker.
        assertThat(content(s, null)).isEqualTo("1 2 true\n");
        // A new snapshot starts with fresh modules.
        UnitSnapshot next = UnitSnapshot.build(2, s.units());
        assertThat(content(next, null)).isEqualTo("1 1 true\n");
    }

    @Test
    void ngxReIsLuaRestyCoresModule() {
        assertThat(content("local re = require 'ngx.re' ngx.say(tostring(re ~= ngx.re), ' ', #re.split('a,b', ','))"))
                .isEqualTo("true 2\n");
    }

    @Test
    void missingModuleFailsAsLuajitDoes() {
        String out = content("local ok, e = pcall(require, 'foo.bar') ngx.say(ok, ' ', e)");
        assertThat(out).startsWith("false module 'foo.bar' not found:\n\tno field package.preload['foo.bar']\n\tno bundled module 'foo.bar'");
        assertThat(content("local ok, e = pcall(require) ngx.say(e)")).contains("bad argument #1");
        // No walking out of bundled/ with a path as the name.
        assertThat(content("ngx.say((pcall(require, '../bundled/test.counter')))")).isEqualTo("false\n");
    }

    @Test
    void failingModuleGivesItsErrorThenLoopOrPreviousError() {
        String out = content("local ok, e = pcall(require, 'test.broken') ngx.say(e)"
                + " ok, e = pcall(require, 'test.broken') ngx.say(e)");
        assertThat(out).isEqualTo("test/broken.lua:2: broken on purpose\nloop or previous error loading module 'test.broken'\n");
    }

    @Test
    void cyclesAreReported() {
        assertThat(content("local ok, e = pcall(require, 'test.cycle.a') ngx.say(e)"))
                .isEqualTo("test/cycle/b.lua:1: loop or previous error loading module 'test.cycle.a'\n");
    }

    @Test
    void preloadAndLoadedWorkAsInLua51() {
        assertThat(content("package.preload['my.mod'] = function(name) return { name = name } end"
                + " ngx.say(require('my.mod').name, ' ', tostring(require('my.mod') == package.loaded['my.mod']))"
                + " package.loaded['other'] = 42 ngx.say(require 'other')"
                + " package.preload['nothing'] = function() end ngx.say(tostring(require 'nothing'))"))
                .isEqualTo("my.mod true\n42\ntrue\n");
    }

    @Test
    void packageItselfIsReadOnly() {
        assertThat(content("ngx.say(pcall(function() package.loaded = {} end))"))
                .isEqualTo("falseu:1: attempt to modify a read-only table\n");
    }

    @Test
    void loadingIsChargedToTheCallersBudget() {
        RequestState state = new RequestState();
        UnitOutcome o = f.runner.run(Fixture.snapshot(unit("u", Phase.CONTENT,
                "package.preload['spin'] = function() while true do end end require 'spin'")),
                Phase.CONTENT, get("/"), state).outcomes().get(0);
        assertThat(o.kind()).isEqualTo(UnitOutcome.Kind.TIMEOUT);
        assertThat(List.of(o.instructions())).allMatch(n -> n > 0);
    }
}
