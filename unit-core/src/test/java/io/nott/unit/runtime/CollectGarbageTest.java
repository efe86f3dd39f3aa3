package io.nott.unit.runtime;

import static io.nott.unit.runtime.Fixture.get;
import static io.nott.unit.runtime.Fixture.unit;
import static org.assertj.core.api.Assertions.assertThat;

import io.nott.unit.model.Phase;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** {@code collectgarbage}: LuaJIT's options and return values (as nginx printed them), never a JVM GC. */
class CollectGarbageTest {

    private final Fixture f = new Fixture();

    private String say(String code) {
        RequestState state = new RequestState();
        UnitOutcome o = f.runner.run(Fixture.snapshot(unit("u", Phase.CONTENT, code).withBudget(CjsonTest.ROOMY)),
                Phase.CONTENT, get("/"), state).outcomes().get(0);
        assertThat(o.kind()).as(o.message()).isEqualTo(UnitOutcome.Kind.OK);
        return new String(state.body(), StandardCharsets.UTF_8);
    }

    @Test
    void optionsAnswerAsLuajit() {
        // The lines nginx + libnginx-mod-http-lua printed for the same calls.
        String p = "local function p(...) local t = {...} for i=1,select('#', ...) do t[i]=type(t[i]) .. ':' .. tostring(t[i]) end"
                + " ngx.say(select('#', ...), ' ', table.concat(t, ' | ')) end ";
        assertThat(say(p + "p(collectgarbage()) p(collectgarbage('collect')) p(collectgarbage('step')) p(collectgarbage('step', 100))"
                + " p(collectgarbage('stop')) p(collectgarbage('restart'))"
                + " p(collectgarbage('setpause', 100)) p(collectgarbage('setpause', 200)) p(collectgarbage('setstepmul', 300))"
                + " p(collectgarbage('setstepmul', 200)) p(collectgarbage('isrunning'))"
                + " p(pcall(collectgarbage, 'bogus')) p(type(collectgarbage('count')), collectgarbage('count') > 0)"))
                .isEqualTo("""
                        1 number:0
                        1 number:0
                        1 boolean:false
                        1 boolean:true
                        1 number:0
                        1 number:0
                        1 number:200
                        1 number:100
                        1 number:200
                        1 number:300
                        1 boolean:true
                        2 boolean:false | string:bad argument #1 to '?' (invalid option 'bogus')
                        2 string:number | boolean:true
                        """);
    }

    @Test
    void countFollowsTheCallsAllocation() {
        String out = say("local before = collectgarbage('count') local t = {} for i = 1, 200000 do t[i] = {i} end"
                + " local after = collectgarbage('count') ngx.say(after - before > 1024, ' ', #t)");
        assertThat(out).isEqualTo("true 200000\n");
    }
}
