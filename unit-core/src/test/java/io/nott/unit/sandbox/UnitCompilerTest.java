package io.nott.unit.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nott.unit.model.ComputingUnit;
import io.nott.unit.model.Phase;
import org.junit.jupiter.api.Test;

class UnitCompilerTest {

    @Test
    void compilesOnce() {
        CompiledUnit c = UnitCompiler.compile(ComputingUnit.of("ok", Phase.ACCESS, "local a = 1\nreturn a"));
        assertThat(c.id()).isEqualTo("ok");
        assertThat(c.prototype().code).isNotEmpty();
    }

    @Test
    void syntaxErrorsCarryUnitLineAndMessage() {
        assertThatThrownBy(() -> UnitCompiler.compile(ComputingUnit.of("bad", Phase.ACCESS, "local a = 1\n\nif a then")))
                .isInstanceOfSatisfying(UnitCompilationException.class, e -> {
                    assertThat(e.unitId()).isEqualTo("bad");
                    assertThat(e.line()).isEqualTo(3);
                    assertThat(e.detail()).contains("'end' expected");
                    assertThat(e.getMessage()).startsWith("unit 'bad' does not compile (line 3): ");
                });
    }

    @Test
    void bytecodeIsRefused() {
        assertThatThrownBy(() -> UnitCompiler.compileSource("bin", "\u001bLua"))
                .hasMessageContaining("binary chunks are not accepted");
    }
}
