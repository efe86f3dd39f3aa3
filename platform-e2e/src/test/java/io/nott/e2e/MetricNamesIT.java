package io.nott.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.nott.testsupport.PromQl;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Issue #20's acceptance for the Helm chart's observability: every metric a panel of the Grafana
 * dashboard or a rule of the PrometheusRule reads is served by a live {@code /q/metrics} of the
 * edge, the registry or the ingest of a real platform ({@code ./platform up} on free ports), after
 * a unit has shipped and run. Names a recording rule of the chart defines count as served.
 */
class MetricNamesIT {

    private static final Pattern EMPTY_HELP = Pattern.compile("(?m)^# HELP (\\S+)[ \\t]*$");
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static LocalPlatform platform;
    private static RegistryClient registry;

    @BeforeAll
    static void up() {
        platform = LocalPlatform.up("-metrics");
        registry = new RegistryClient(platform.registry(), platform.registryToken());
    }

    @AfterAll
    static void down() {
        if (platform != null) {
            platform.close();
        }
    }

    @Test
    void everyMetricOfTheDashboardAndTheRulesIsServed() throws Exception {
        // A unit that runs (and sleeps, so it runs off the event loop) on every request of this
        // test's own platform (Java's HttpClient may not set Host, so no host filter).
        String unit = "{\"phase\":\"access\",\"code\":\"ngx.sleep(0.001)\",\"enabled\":true}";
        // PUT is idempotent here (200 or 201): on a loaded machine the first write may outlast
        // RegistryClient's 10 s timeout while the registry warms up, so it is tried up to 3 times.
        for (int attempt = 1; ; attempt++) {
            try {
                registry.send("PUT", "/api/v1/units/metrics-probe", unit, 200, 201);
                break;
            } catch (AssertionError unreachable) {
                if (attempt == 3 || !String.valueOf(unreachable.getMessage()).contains("unreachable")) {
                    throw unreachable;
                }
            }
        }
        registry.awaitApplied(registry.version());

        Map<String, String> queries = new TreeMap<>();
        Set<String> recorded = new TreeSet<>();
        readChart(queries, recorded);
        assertThat(queries).hasSizeGreaterThan(30);
        Map<String, Set<String>> needed = new TreeMap<>();
        queries.forEach((where, expr) -> PromQl.metricNames(expr).stream().filter(n -> !recorded.contains(n))
                .forEach(name -> needed.computeIfAbsent(name, n -> new TreeSet<>()).add(where)));

        // Some meters appear only once something happened (the unit's first call, the first
        // propagation sample, which a change notice may bring after the edge reported the version
        // applied): requests go on through the edge and /q/metrics is read again until every name
        // is there or the deadline passes; then what is missing is named with who reads it.
        Set<String> served = new TreeSet<>();
        Set<String> withoutHelp = new TreeSet<>();
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        do {
            HttpResponse<String> answer = HTTP.send(HttpRequest.newBuilder(URI.create(platform.edge() + "/hls/colorbar.m3u8"))
                    .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
            served.clear();
            withoutHelp.clear();
            for (String service : List.of(platform.edge(), platform.registry(), platform.ingest())) {
                String exposition = HTTP.send(HttpRequest.newBuilder(URI.create(service + "/q/metrics"))
                        .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString()).body();
                served.addAll(PromQl.exposedNames(exposition));
                Matcher empty = EMPTY_HELP.matcher(exposition);
                while (empty.find()) {
                    withoutHelp.add(service + ": " + empty.group(1));
                }
            }
            if (served.containsAll(needed.keySet())) {
                break;
            }
            Thread.sleep(1000);
        } while (System.nanoTime() < deadline);

        List<String> missing = new ArrayList<>();
        needed.forEach((name, readers) -> {
            if (!served.contains(name)) {
                missing.add(name + " (read by " + String.join(", ", readers) + ")");
            }
        });
        assertThat(missing).as("metrics no service serves within 120 s (served: %s)", served).isEmpty();
        // Issue #20: every meter says what it measures (Quarkus' own binders leave some without; service-http's MeterHelp).
        assertThat(withoutHelp).as("meters with an empty # HELP line").isEmpty();
        System.out.println("MetricNamesIT: " + queries.size() + " queries reading " + needed.size()
                + " metric names checked against " + served.size() + " served metric names");
    }

    /** Every query of the dashboard's panels and variables and of the rules, by where it is; the rules' recorded names. */
    private static void readChart(Map<String, String> queries, Set<String> recorded) throws java.io.IOException {
        Path chart = Path.of(System.getProperty("platform.root", "..")).resolve("deploy/helm/nott-edge");
        JsonNode dashboard = new ObjectMapper().readTree(chart.resolve("dashboards/nott-edge.json").toFile());
        JsonNode rules = new YAMLMapper().readTree(chart.resolve("files/prometheus-rules.yaml").toFile());
        dashboard.path("panels").forEach(p -> p.path("targets").forEach(t ->
                queries.put("panel '" + p.path("title").asText() + "' " + t.path("refId").asText(), t.path("expr").asText())));
        dashboard.at("/templating/list").forEach(v -> {
            if (v.has("definition")) {
                queries.put("variable " + v.path("name").asText(), v.path("definition").asText()
                        .replaceAll("label_values\\(([^,]+),.*\\)", "$1"));
            }
        });
        rules.path("groups").forEach(g -> g.path("rules").forEach(r -> {
            if (r.has("record")) {
                recorded.add(r.path("record").asText());
            }
            queries.put("rule " + r.path(r.has("alert") ? "alert" : "record").asText(), r.path("expr").asText());
        }));
    }
}
