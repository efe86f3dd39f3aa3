package io.nott.unit.runtime;

import static io.nott.unit.runtime.Fixture.get;
import static io.nott.unit.runtime.Fixture.unit;
import static org.assertj.core.api.Assertions.assertThat;

import io.nott.unit.model.Phase;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Runtime errors word for word as LuaJIT 2.1 reports them: variable names from the debug
 * information, function names in "bad argument", error levels. The expectations in
 * {@code luajit-runtime-errors.txt} come from the LuaJIT OpenResty links (Debian's libluajit2)
 * through {@code unit-core/tools/luajit-oracle.py}.
 */
class RuntimeErrorsTest {

    private final Fixture f = new Fixture();

    static Stream<Arguments> luajitAnswers() throws IOException {
        try (InputStream in = RuntimeErrorsTest.class.getResourceAsStream("/luajit-runtime-errors.txt")) {
            String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            return text.lines().filter(l -> !l.startsWith("#") && !l.isBlank()).map(l -> {
                String[] c = l.split("\t", -1);
                return Arguments.of(c[0], Integer.parseInt(c[1]), c[2]);
            }).toList().stream();
        }
    }

    private UnitOutcome run(String code) {
        return f.run(Phase.ACCESS, get("/"), new RequestState(), unit("unit", Phase.ACCESS, code)).outcomes().get(0);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("luajitAnswers")
    void answersAsLuajitDoes(String source, int line, String message) {
        UnitOutcome o = run(source.replace("\\n", "\n"));
        assertThat(o.kind()).isEqualTo(UnitOutcome.Kind.ERROR);
        assertThat(o.message()).isEqualTo(line > 0 ? "unit:" + line + ": " + message : message);
    }

    @Test
    void pcallSeesTheSameTextAsTheOutcome() {
        RequestState state = new RequestState();
        UnitOutcome o = f.run(Phase.ACCESS, get("/"), state, unit("unit", Phase.ACCESS, String.join("\n",
                "local ok, err = pcall(function() local t = {} return t.foo.bar end)",
                "ngx.log(ngx.ERR, err)"))).outcomes().get(0);
        assertThat(o.kind()).isEqualTo(UnitOutcome.Kind.OK);
        assertThat(state.logs().get(0).message()).isEqualTo("unit:1: attempt to index field 'foo' (a nil value)");
    }

    @Test
    void theOutcomeNamesUnitPhaseAndLine() {
        UnitOutcome o = run("local t = {}\nreturn t.foo.bar");
        assertThat(o.problem()).isEqualTo("unit 'unit' (access) line 2: attempt to index field 'foo' (a nil value)");
        assertThat(run("error('no position', 0)").problem()).isEqualTo("unit 'unit' (access): no position");
    }
}
