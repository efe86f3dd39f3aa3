package io.nott.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.nott.deploy.RenderedChart.PodTemplate;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Objects that point at other objects point at ones that exist: Services, HPA, PDB, Ingress, ServiceMonitor. */
class ChartWiringTest {

    static Iterable<Variant> variants() {
        return Variant.all();
    }

    @ParameterizedTest
    @MethodSource("variants")
    void everyServiceSelectsPodsThatExistAndTargetsPortsTheyDeclare(Variant variant) {
        RenderedChart chart = Charts.render(variant);
        chart.kind("Service").forEach(service -> {
            String name = service.at("/metadata/name").asText();
            JsonNode selector = service.at("/spec/selector");
            assertThat(selector.isEmpty()).as(variant + ": Service " + name + " has a selector").isFalse();
            List<PodTemplate> selected = chart.podTemplates().stream()
                    .filter(p -> selector.properties().stream()
                            .allMatch(e -> e.getValue().asText().equals(p.labels().get(e.getKey()))))
                    .toList();
            assertThat(selected).as(variant + ": pods selected by Service " + name).hasSize(1);
            service.at("/spec/ports").forEach(port -> assertThat(selected.get(0).resolvePort(port.path("targetPort")))
                    .as(variant + ": Service " + name + " targetPort " + port.path("targetPort")).isPresent());
        });
    }

    @ParameterizedTest
    @MethodSource("variants")
    void workloadSelectorsMatchTheirOwnPodTemplates(Variant variant) {
        for (PodTemplate pod : Charts.render(variant).podTemplates()) {
            JsonNode selector = pod.workload().at("/spec/selector");
            if (pod.kind().equals("Job")) {
                continue; // the Job controller makes its own selector
            }
            assertThat(NetworkPolicies.matches(selector, pod.labels())).as(variant + ": " + pod.name()).isTrue();
        }
    }

    @Test
    void theEdgeIsALoadBalancerOnPort80ToTheHttpPortWithAnHpaOnCpuAndAPdb() {
        RenderedChart chart = Charts.render(Variant.DEFAULTS);
        JsonNode service = chart.one("Service", "nott-edge");
        assertThat(service.at("/spec/type").asText()).isEqualTo("LoadBalancer");
        assertThat(service.at("/spec/ports/0/port").asInt()).isEqualTo(80);
        assertThat(chart.podTemplate("edge").resolvePort(service.at("/spec/ports/0/targetPort"))).contains(8080);

        JsonNode hpa = chart.one("HorizontalPodAutoscaler", "nott-edge");
        assertThat(hpa.at("/spec/scaleTargetRef/kind").asText()).isEqualTo("Deployment");
        assertThat(chart.find("Deployment", hpa.at("/spec/scaleTargetRef/name").asText())).isPresent();
        assertThat(hpa.at("/spec/metrics/0/resource/name").asText()).isEqualTo("cpu");
        assertThat(chart.one("Deployment", "nott-edge").at("/spec/replicas").isMissingNode())
                .as("the HPA owns the replica count").isTrue();

        JsonNode pdb = chart.one("PodDisruptionBudget", "nott-edge");
        assertThat(NetworkPolicies.matches(pdb.at("/spec/selector"), chart.podTemplate("edge").labels())).isTrue();
    }

    @Test
    void withoutAutoscalingTheDeploymentCarriesTheReplicas() {
        RenderedChart chart = Charts.render(Variant.NO_AUTOSCALING);
        assertThat(chart.kind("HorizontalPodAutoscaler")).isEmpty();
        assertThat(chart.find("PodDisruptionBudget", "nott-edge")).isEmpty();
        assertThat(chart.one("Deployment", "nott-edge").at("/spec/replicas").asInt()).isEqualTo(4);
        assertThat(chart.one("Service", "nott-rtmp").at("/spec/type").asText()).isEqualTo("LoadBalancer");
        assertThat(chart.one("Service", "nott-rtmp").at("/spec/ports/0/port").asInt()).isEqualTo(1935);
    }

    @Test
    void theRegistryIngressRoutesToTheRegistryService() {
        RenderedChart chart = Charts.render(Variant.INGRESS);
        JsonNode ingress = chart.one("Ingress", "nott-registry");
        JsonNode backend = ingress.at("/spec/rules/0/http/paths/0/backend/service");
        JsonNode service = chart.one("Service", backend.path("name").asText());
        assertThat(RenderedChart.stream(service.at("/spec/ports")).map(p -> p.path("name").asText()))
                .contains(backend.at("/port/name").asText());
        assertThat(ingress.at("/spec/tls/0/secretName").asText()).isEqualTo("registry-tls");
        assertThat(ingress.at("/spec/ingressClassName").asText()).isEqualTo("nginx");
        assertThat(Charts.render(Variant.DEFAULTS).kind("Ingress")).isEmpty();
    }

    @Test
    void theServiceMonitorSelectsTheServicesWithAnHttpPort() {
        RenderedChart chart = Charts.render(Variant.SERVICE_MONITOR);
        JsonNode monitor = chart.kind("ServiceMonitor").findFirst().orElseThrow();
        assertThat(monitor.at("/metadata/labels/release").asText()).isEqualTo("prometheus");
        assertThat(monitor.at("/spec/endpoints/0/path").asText()).isEqualTo("/q/metrics");
        List<String> scraped = chart.kind("Service")
                .filter(s -> NetworkPolicies.matches(monitor.at("/spec/selector"),
                        RenderedChart.labels(s.at("/metadata/labels"))))
                .filter(s -> RenderedChart.stream(s.at("/spec/ports")).anyMatch(p -> p.path("name").asText().equals("http")))
                .map(s -> s.at("/metadata/name").asText()).sorted().toList();
        assertThat(scraped).containsExactly("nott-edge", "nott-ingest", "nott-player", "nott-registry");
        assertThat(Charts.render(Variant.DEFAULTS).kind("ServiceMonitor")).isEmpty();
    }

    @Test
    void theRedisClusterIsSixNodesWithVolumesAndAJobThatFormsIt() {
        RenderedChart chart = Charts.render(Variant.DEFAULTS);
        JsonNode redis = chart.one("StatefulSet", "nott-redis");
        assertThat(redis.at("/spec/replicas").asInt()).isEqualTo(6);
        assertThat(redis.at("/spec/volumeClaimTemplates/0/spec/resources/requests/storage").asText()).isEqualTo("1Gi");
        JsonNode redisPdb = chart.one("PodDisruptionBudget", "nott-redis");
        assertThat(redisPdb.at("/spec/maxUnavailable").asInt()).isEqualTo(1);
        assertThat(NetworkPolicies.matches(redisPdb.at("/spec/selector"), chart.podTemplate("redis").labels())).isTrue();
        JsonNode headless = chart.one("Service", redis.at("/spec/serviceName").asText());
        assertThat(headless.at("/spec/clusterIP").asText()).isEqualTo("None");

        PodTemplate job = chart.podTemplate("redis-cluster-init");
        String nodes = job.containers().findFirst().orElseThrow().path("env").findValuesAsText("value").get(0);
        assertThat(nodes.split(" ")).containsExactly(
                "nott-redis-0.nott-redis-nodes", "nott-redis-1.nott-redis-nodes", "nott-redis-2.nott-redis-nodes",
                "nott-redis-3.nott-redis-nodes", "nott-redis-4.nott-redis-nodes", "nott-redis-5.nott-redis-nodes");
        String script = chart.one("ConfigMap", "nott-redis-scripts").at("/data/create-cluster.sh").asText();
        assertThat(script).contains("redis-cli --cluster create $addresses --cluster-replicas 1 --cluster-yes");

        String hosts = chart.podTemplate("edge").containers().findFirst().orElseThrow().path("env")
                .findParents("name").stream().filter(e -> e.path("name").asText().equals("QUARKUS_REDIS_HOSTS"))
                .findFirst().orElseThrow().path("value").asText();
        assertThat(hosts).isEqualTo(String.join(",", java.util.stream.IntStream.range(0, 6)
                .mapToObj(i -> "redis://nott-redis-" + i + ".nott-redis-nodes:6379").toList()));
    }

    @Test
    void theClusterJobIsRenamedWhenWhatItRunsChangesSoUpgradesNeverPatchAnImmutableJob() {
        String name = Charts.render(Variant.DEFAULTS).podTemplate("redis-cluster-init").name();
        String again = Charts.parse(Charts.renderText(Variant.DEFAULTS, Map.of())).podTemplate("redis-cluster-init").name();
        String changed = Charts.parse(Charts.renderText(Variant.DEFAULTS, Map.of("redis.clusterInit.waitSeconds", 120)))
                .podTemplate("redis-cluster-init").name();
        assertThat(name).startsWith("nott-redis-cluster-init-").isEqualTo(again).isNotEqualTo(changed);
    }

    @Test
    void anExternalRedisClusterReplacesTheStatefulSet() {
        RenderedChart chart = Charts.render(Variant.EXTERNAL_REDIS);
        assertThat(chart.kind("StatefulSet")).isEmpty();
        assertThat(chart.kind("Job")).isEmpty();
        assertThat(chart.podTemplates()).extracting(PodTemplate::component)
                .containsExactlyInAnyOrder("edge", "registry", "ingest", "player");
        for (String component : List.of("edge", "registry")) {
            Map<String, JsonNode> env = new java.util.HashMap<>();
            chart.podTemplate(component).containers().findFirst().orElseThrow().path("env")
                    .forEach(e -> env.put(e.path("name").asText(), e));
            assertThat(env.get("QUARKUS_REDIS_HOSTS").path("value").asText())
                    .isEqualTo("redis://redis-a.data.svc:6379,redis://redis-b.data.svc:6379,redis://redis-c.data.svc:6379");
            assertThat(env.get("QUARKUS_REDIS_PASSWORD").at("/valueFrom/secretKeyRef/name").asText()).isEqualTo("shared-redis");
            assertThat(env.get("QUARKUS_REDIS_PASSWORD").at("/valueFrom/secretKeyRef/key").asText()).isEqualTo("redis-password");
        }
    }
}
