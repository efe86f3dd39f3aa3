package io.nott.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import io.nott.testsupport.PromQl;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The Grafana dashboard of the chart ({@code dashboards/nott-edge.json}): it loads, passes the
 * dashboard schema ({@code grafana-dashboard.schema.json}), its panels do not overlap, every
 * query reads the platform's metrics or the chart's recording rules, and the chart ships it in a
 * ConfigMap Grafana's sidecar picks up. That each metric exists on a live service is not tested
 * yet.
 */
class DashboardTest {

    static final Path DASHBOARD = Charts.DEPLOY_DIR.resolve("helm/nott-edge/dashboards/nott-edge.json");
    private static final ObjectMapper JSON = new ObjectMapper();

    static JsonNode dashboard() throws IOException {
        return JSON.readTree(DASHBOARD.toFile());
    }

    /** Every PromQL expression of the dashboard's panels. */
    static List<String> queries(JsonNode dashboard) {
        List<String> queries = new ArrayList<>();
        dashboard.path("panels").forEach(p -> p.path("targets").forEach(t -> queries.add(t.path("expr").asText())));
        return queries;
    }

    @Test
    void theDashboardPassesTheSchema() throws IOException {
        assertThat(problems(dashboard())).isEmpty();
    }

    @Test
    void theSchemaRefusesABrokenDashboard() throws IOException {
        ObjectNode broken = (ObjectNode) dashboard();
        ObjectNode panel = (ObjectNode) broken.path("panels").get(1);
        panel.remove("targets");
        ((ObjectNode) panel.path("gridPos")).put("w", 30);
        broken.remove("uid");
        assertThat(problems(broken)).hasSize(3);
    }

    @Test
    void panelsHaveUniqueIdsAndDoNotOverlap() throws IOException {
        List<JsonNode> panels = new ArrayList<>();
        dashboard().path("panels").forEach(panels::add);
        assertThat(panels.stream().map(p -> p.path("id").asInt()).collect(Collectors.toSet())).hasSize(panels.size());
        Set<String> cells = new HashSet<>();
        for (JsonNode p : panels) {
            JsonNode g = p.path("gridPos");
            assertThat(g.path("x").asInt() + g.path("w").asInt()).as(p.path("title").asText() + " fits 24 columns")
                    .isLessThanOrEqualTo(24);
            for (int x = g.path("x").asInt(); x < g.path("x").asInt() + g.path("w").asInt(); x++) {
                for (int y = g.path("y").asInt(); y < g.path("y").asInt() + g.path("h").asInt(); y++) {
                    assertThat(cells.add(x + "," + y)).as(p.path("title").asText() + " overlaps at " + x + "," + y).isTrue();
                }
            }
        }
    }

    @Test
    void theDashboardCoversFleetUnitsCacheAndVideo() throws IOException {
        List<String> rows = new ArrayList<>();
        dashboard().path("panels").forEach(p -> {
            if (p.path("type").asText().equals("row")) {
                rows.add(p.path("title").asText());
            }
        });
        assertThat(rows).containsExactly("Fleet", "Units", "Cache", "Video");
    }

    @Test
    void everyQueryReadsAPlatformMetricOrARecordingRuleOfTheChart() throws IOException {
        Set<String> recorded = PrometheusRulesTest.recordedNames();
        List<String> queries = queries(dashboard());
        assertThat(queries).hasSizeGreaterThan(20);
        for (String query : queries) {
            Set<String> names = PromQl.metricNames(query);
            assertThat(names).as(query).isNotEmpty();
            for (String name : names) {
                if (name.contains(":")) {
                    assertThat(recorded).as(query + " reads a recording rule of files/prometheus-rules.yaml").contains(name);
                } else {
                    assertThat(name).as(query).matches("(edge|cu|registry|ingest)_[a-z0-9_]+");
                }
            }
        }
    }

    @Test
    void theChartShipsTheDashboardToGrafanasSidecar() throws IOException {
        RenderedChart chart = Charts.render(Variant.SERVICE_MONITOR);
        JsonNode configMap = chart.one("ConfigMap", "nott-dashboard");
        assertThat(configMap.at("/metadata/labels/grafana_dashboard").asText()).isEqualTo("1");
        assertThat(configMap.at("/metadata/annotations/grafana_folder").asText()).isEqualTo("NOTT");
        assertThat(JSON.readTree(configMap.at("/data/nott-edge.json").asText())).isEqualTo(dashboard());
        assertThat(Charts.render(Variant.DEFAULTS).find("ConfigMap", "nott-dashboard")).isEmpty();
    }

    private static Set<ValidationMessage> problems(JsonNode dashboard) throws IOException {
        try (InputStream schema = DashboardTest.class.getResourceAsStream("/grafana-dashboard.schema.json")) {
            JsonSchema validator = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012)
                    .getSchema(JSON.readTree(schema));
            return validator.validate(dashboard);
        }
    }
}
