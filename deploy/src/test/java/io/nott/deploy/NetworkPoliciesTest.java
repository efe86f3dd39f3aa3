package io.nott.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.nott.deploy.NetworkPolicies.Pod;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The NetworkPolicies admit exactly the traffic the platform needs: a matrix of every pod of
 * the release plus strangers (another pod of the namespace, a pod of another namespace, the
 * monitoring namespace) against every port the pods declare, compared with what must be open.
 */
class NetworkPoliciesTest {

    private static final String NS = Charts.NAMESPACE;

    static Iterable<Variant> variants() {
        return Variant.all();
    }

    @ParameterizedTest
    @MethodSource("variants")
    void everyPodOfTheReleaseIsIsolated(Variant variant) {
        RenderedChart chart = Charts.render(variant);
        NetworkPolicies policies = new NetworkPolicies(chart, NS);
        chart.podTemplates().forEach(template ->
                assertThat(policies.isolated(Pod.of(template, NS))).as(variant + ": " + template.name()).isTrue());
    }

    @ParameterizedTest
    @MethodSource("variants")
    void admitsWhatMustTalkAndNothingElse(Variant variant) {
        RenderedChart chart = Charts.render(variant);
        NetworkPolicies policies = new NetworkPolicies(chart, NS);
        boolean registryOpen = !variant.equals(Variant.INGRESS); // that variant limits the admin API to the ingress controller

        Map<String, Pod> sources = new java.util.LinkedHashMap<>();
        chart.podTemplates().forEach(t -> sources.put(t.component(), Pod.of(t, NS)));
        sources.put("neighbour", Pod.elsewhere("another pod of the namespace", NS, Map.of("app", "other")));
        sources.put("stranger", Pod.elsewhere("a pod of another namespace", "other", Map.of("app", "other")));
        sources.put("monitoring", Pod.elsewhere("Prometheus", "monitoring", Map.of("app", "prometheus")));
        sources.put("ingress-controller", Pod.elsewhere("the ingress controller", "ingress-nginx", Map.of("app", "ingress-nginx")));

        List<String> wrong = new ArrayList<>();
        for (var target : chart.podTemplates()) {
            Pod to = Pod.of(target, NS);
            for (var port : target.containers().flatMap(c -> RenderedChart.stream(c.path("ports"))).toList()) {
                int number = port.path("containerPort").asInt();
                String portName = target.component() + ":" + port.path("name").asText();
                for (var source : sources.entrySet()) {
                    boolean expected = mustAdmit(source.getKey(), portName, registryOpen);
                    if (policies.admits(source.getValue(), to, number) != expected) {
                        wrong.add((expected ? "blocked " : "admitted ") + source.getKey() + " -> " + portName + " (" + number + ")");
                    }
                }
            }
        }
        assertThat(wrong).as(variant.name()).isEmpty();
    }

    @Test
    void onlyTheEdgeAndTheRegistryReachRedis() {
        RenderedChart chart = Charts.render(Variant.DEFAULTS);
        NetworkPolicies policies = new NetworkPolicies(chart, NS);
        Pod redis = Pod.of(chart.podTemplate("redis"), NS);
        List<String> reaching = chart.podTemplates().stream()
                .filter(t -> policies.admits(Pod.of(t, NS), redis, 6379))
                .map(t -> t.component()).sorted().toList();
        assertThat(reaching).containsExactly("edge", "redis", "redis-cluster-init", "registry");
    }

    @Test
    void aPortNobodyDeclaredIsClosed() {
        RenderedChart chart = Charts.render(Variant.DEFAULTS);
        NetworkPolicies policies = new NetworkPolicies(chart, NS);
        Pod stranger = Pod.elsewhere("stranger", "other", Map.of());
        for (var target : chart.podTemplates()) {
            assertThat(policies.admits(stranger, Pod.of(target, NS), 9999)).as(target.name()).isFalse();
        }
    }

    /** The traffic the platform needs, as component:port-name; everything else must be refused. */
    private static boolean mustAdmit(String source, String target, boolean registryOpen) {
        return switch (target) {
            case "edge:http" -> true;                          // viewers, through the LoadBalancer
            case "registry:http" -> registryOpen || source.equals("ingress-controller") || source.equals("monitoring");
            case "ingest:http" -> source.equals("edge") || source.equals("monitoring"); // /api/v1/streams via the edge
            case "ingest:hls" -> source.equals("edge");        // /hls via the edge
            case "ingest:rtmp" -> true;                        // publishers
            case "player:http" -> source.equals("edge") || source.equals("monitoring");
            case "redis:redis" -> List.of("edge", "registry", "redis", "redis-cluster-init").contains(source);
            case "redis:cluster-bus" -> source.equals("redis");
            default -> throw new AssertionError("a port the test does not know: " + target + "; say who may reach it");
        };
    }
}
