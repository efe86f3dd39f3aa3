package io.nott.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.marcnuri.helm.LintResult;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code helm lint --strict} over the default values and every variant. helm-java's lint takes
 * no values files, so a variant is linted as a copy of the chart whose values.yaml is the
 * defaults deep-merged with the variant (which is what Helm itself does with -f).
 */
class ChartLintTest {

    @TempDir
    Path temp;

    static Iterable<Variant> variants() {
        return Variant.all();
    }

    @ParameterizedTest
    @MethodSource("variants")
    void lintsStrictWithoutFindings(Variant variant) throws IOException {
        Path chart = copyOfChart(variant);
        LintResult result = new ChartRenderer(chart).lintStrict();
        assertThat(result.isFailed()).as(variant + ": " + String.join("\n", result.getMessages())).isFalse();
        assertThat(result.getMessages()).noneMatch(m -> m.contains("[WARNING]") || m.contains("[ERROR]"));
    }

    @Test
    void lintFailsOnABrokenTemplate() throws IOException {
        Path chart = copyOfChart(Variant.DEFAULTS);
        Files.writeString(chart.resolve("templates/broken.yaml"), """
                apiVersion: v1
                kind: ConfigMap
                metadata:
                  name: {{ .Values.nowhere.name }}
                """);
        LintResult result = new ChartRenderer(chart).lintStrict();
        assertThat(result.isFailed()).isTrue();
        assertThat(String.join("\n", result.getMessages())).contains("nowhere");
    }

    private Path copyOfChart(Variant variant) throws IOException {
        Path source = Charts.DEPLOY_DIR.resolve(ChartRenderer.CHART);
        Path target = temp.resolve(variant.name()).resolve("nott-edge");
        try (Stream<Path> files = Files.walk(source)) {
            for (Path file : files.sorted(Comparator.naturalOrder()).toList()) {
                Path copy = target.resolve(source.relativize(file).toString());
                if (Files.isDirectory(file)) {
                    Files.createDirectories(copy);
                } else {
                    Files.copy(file, copy);
                }
            }
        }
        for (Path valuesFile : variant.valuesFiles()) {
            ObjectNode values = (ObjectNode) Charts.YAML.readTree(target.resolve("values.yaml").toFile());
            merge(values, Charts.YAML.readTree(Charts.DEPLOY_DIR.resolve(valuesFile).toFile()));
            Charts.YAML.writeValue(target.resolve("values.yaml").toFile(), values);
        }
        return target;
    }

    /** Helm's coalescing: maps merge key by key, anything else (lists too) replaces. */
    static void merge(ObjectNode base, JsonNode overlay) {
        overlay.properties().forEach(entry -> {
            JsonNode current = base.get(entry.getKey());
            if (current instanceof ObjectNode currentObject && entry.getValue().isObject()) {
                merge(currentObject, entry.getValue());
            } else {
                base.set(entry.getKey(), entry.getValue());
            }
        });
    }
}
