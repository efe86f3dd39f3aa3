package io.nott.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The chart's alerts and recording rules ({@code files/prometheus-rules.yaml}): Prometheus' own
 * {@code promtool check rules} accepts them (and refuses a broken copy, so the check can fail),
 * the five alerts of issue #20 are there with what an operator needs, and the chart's
 * PrometheusRule carries the file unchanged. promtool comes from Debian's {@code prometheus}
 * package, which {@code ./platform test} installs; without it this test fails, it never skips.
 */
class PrometheusRulesTest {

    static final Path RULES = Charts.DEPLOY_DIR.resolve("helm/nott-edge/files/prometheus-rules.yaml");

    @TempDir
    Path temp;

    static JsonNode rules() throws IOException {
        return Charts.YAML.readTree(RULES.toFile());
    }

    static Set<String> recordedNames() throws IOException {
        Set<String> names = new TreeSet<>();
        rules().path("groups").forEach(g -> g.path("rules").forEach(r -> {
            if (r.has("record")) {
                names.add(r.path("record").asText());
            }
        }));
        return names;
    }

    /** Every PromQL expression of the rules. */
    static List<String> expressions() throws IOException {
        List<String> expressions = new ArrayList<>();
        rules().path("groups").forEach(g -> g.path("rules").forEach(r -> expressions.add(r.path("expr").asText())));
        return expressions;
    }

    @Test
    void promtoolAcceptsTheRules() throws Exception {
        Result result = promtool(RULES);
        assertThat(result.exitCode()).as(result.output()).isZero();
        assertThat(result.output()).contains("SUCCESS: 7 rules found");
    }

    @Test
    void promtoolRefusesABrokenRule() throws Exception {
        Path broken = temp.resolve("broken.yaml");
        Files.writeString(broken, Files.readString(RULES).replace("edge_units_sync_behind) > 0", "edge_units_sync_behind) >"));
        Result result = promtool(broken);
        assertThat(result.exitCode()).as(result.output()).isNotZero();
        assertThat(result.output()).contains("EdgeBehindOnUnitVersions");
    }

    @Test
    void theFiveAlertsOfIssue20SayWhatToDo() throws IOException {
        List<String> alerts = new ArrayList<>();
        rules().path("groups").forEach(g -> g.path("rules").forEach(r -> {
            if (r.has("alert")) {
                alerts.add(r.path("alert").asText());
                assertThat(r.path("for").asText()).as(r.path("alert").asText()).isNotEmpty();
                assertThat(r.at("/labels/severity").asText()).isIn("warning", "critical");
                assertThat(r.at("/annotations/summary").asText()).isNotBlank();
                assertThat(r.at("/annotations/description").asText()).hasSizeGreaterThan(60);
            }
        }));
        assertThat(alerts).containsExactlyInAnyOrder("EdgeBehindOnUnitVersions", "UnitErrorRateHigh",
                "UnitCircuitBreakerOpen", "StreamStalled", "RedisDown");
    }

    @Test
    void thePrometheusRuleCarriesTheFileUnchanged() throws IOException {
        RenderedChart chart = Charts.render(Variant.SERVICE_MONITOR);
        JsonNode rule = chart.kind("PrometheusRule").findFirst().orElseThrow();
        assertThat(rule.path("apiVersion").asText()).isEqualTo("monitoring.coreos.com/v1");
        assertThat(rule.at("/metadata/labels/release").asText()).isEqualTo("prometheus");
        assertThat(rule.at("/spec/groups")).isEqualTo(rules().path("groups"));
        assertThat(Charts.render(Variant.DEFAULTS).kind("PrometheusRule")).isEmpty();
    }

    record Result(int exitCode, String output) {
    }

    private Result promtool(Path rules) throws IOException, InterruptedException {
        String promtool = System.getProperty("nott.promtool.path", "/usr/bin/promtool");
        assertThat(Path.of(promtool)).as("promtool is missing: install Debian's prometheus package "
                + "(apt-get install -y prometheus; ./platform test does) or point -Dnott.promtool.path at one").isExecutable();
        Process process = new ProcessBuilder(promtool, "check", "rules", rules.toString()).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("promtool ended").isTrue();
        return new Result(process.exitValue(), output);
    }
}
