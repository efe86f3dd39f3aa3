package io.nott.testsupport;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PromQlTest {

    @Test
    void findsTheMetricsOfAHistogramQuantileWithGroupingAndGrafanaVariables() {
        assertThat(PromQl.metricNames("histogram_quantile(0.99, sum by (unit, phase, le) "
                + "(rate(cu_unit_duration_seconds_bucket{unit=~\"$unit\",phase!=\"log\"}[$__rate_interval])))"))
                .containsExactly("cu_unit_duration_seconds_bucket");
    }

    @Test
    void findsBothSidesOfABinaryOperationAndRecordingRuleNames() {
        assertThat(PromQl.metricNames("sum by (route) (rate(edge_requests_total{cache=~\"HIT|STALE\"}[5m]))\n/\n"
                + "ignoring (x) group_left nott:edge_cache_hit_ratio:rate5m > 0.5 and on (instance) up offset 5m"))
                .containsExactly("edge_requests_total", "nott:edge_cache_hit_ratio:rate5m", "up");
    }

    @Test
    void numbersDurationsAndKeywordsAreNotNames() {
        assertThat(PromQl.metricNames("1e3 > bool 2.5 or vector(1)")).isEmpty();
    }

    @Test
    void exposedNamesAreTheSampleNamesOfATextExposition() {
        String exposition = """
                # HELP edge_requests_total Requests
                # TYPE edge_requests_total counter
                edge_requests_total{route="hls",status="200"} 3.0
                cu_unit_duration_seconds_bucket{unit="a",le="0.001"} 1.0
                cu_unit_duration_seconds_count{unit="a"} 1.0
                """;
        assertThat(PromQl.exposedNames(exposition)).containsExactly("cu_unit_duration_seconds_bucket",
                "cu_unit_duration_seconds_count", "edge_requests_total");
    }
}
