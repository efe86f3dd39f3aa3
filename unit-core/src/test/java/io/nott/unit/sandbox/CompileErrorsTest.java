package io.nott.unit.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Compile errors word for word as LuaJIT 2.1 reports them. The expectations in
 * {@code luajit-compile-errors.txt} were produced by the LuaJIT OpenResty links (Debian's
 * libluajit2) through {@code unit-core/tools/luajit-oracle.py}, not written by hand.
 */
class CompileErrorsTest {

    static Stream<Arguments> luajitAnswers() throws IOException {
        try (InputStream in = CompileErrorsTest.class.getResourceAsStream("/luajit-compile-errors.txt")) {
            String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            return text.lines().filter(l -> !l.startsWith("#") && !l.isBlank()).map(l -> {
                String[] f = l.split("\t", -1);
                return Arguments.of(f[0], Integer.parseInt(f[1]), f[2].replace("\\t", "\t"));
            }).toList().stream();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("luajitAnswers")
    void answersAsLuajitDoes(String source, int line, String message) {
        String code = source.replace("\\n", "\n");
        if (line == 0) {
            assertThat(UnitCompiler.compileSource("unit", code)).isNotNull();
            return;
        }
        assertThatThrownBy(() -> UnitCompiler.compileSource("unit", code))
                .isInstanceOfSatisfying(UnitCompilationException.class, e -> {
                    assertThat(e.detail()).isEqualTo(message);
                    assertThat(e.line()).isEqualTo(line);
                });
    }
}
