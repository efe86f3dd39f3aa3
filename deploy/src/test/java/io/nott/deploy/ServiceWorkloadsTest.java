package io.nott.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.nott.deploy.RenderedChart.PodTemplate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The four Quarkus services as the chart runs them match the services as the repository
 * builds them: ports, health and metrics paths, configuration keys. Everything expected is
 * read from the modules' sources, so a service that moves a port or renames a key breaks this.
 */
class ServiceWorkloadsTest {

    /** Keys of Quarkus extensions that the chart sets without the service's properties naming them, with the extension. */
    private static final Map<String, String> EXTENSION_ENV = Map.of(
            "QUARKUS_REDIS_PASSWORD", "quarkus-redis-client");
    /**
     * Read by the JVM image's launcher (run-java.sh of the image in src/main/docker/Dockerfile.jvm),
     * not by the service: the JVM options (GC, heap) the chart sets (issue #21, edge.jvmOptions).
     */
    private static final java.util.Set<String> LAUNCHER_ENV = java.util.Set.of("JAVA_OPTS_APPEND");

    static Iterable<Variant> variants() {
        return Variant.all();
    }

    @ParameterizedTest
    @MethodSource("variants")
    void containerPortsAreThePortsTheServicesServe(Variant variant) {
        RenderedChart chart = Charts.render(variant);
        for (String component : ServiceModule.SERVICES.keySet()) {
            ServiceModule service = ServiceModule.of(component);
            PodTemplate pod = chart.podTemplate(component);
            assertThat(pod.namedPort("http")).as(variant + ": " + component + " http port, from "
                    + service.module() + "'s quarkus.http.port").contains(service.httpPort());
        }
        ServiceModule ingest = ServiceModule.of("ingest");
        PodTemplate ingestPod = chart.podTemplate("ingest");
        assertThat(ingestPod.namedPort("rtmp")).as("ingest.rtmp-port").contains(ingest.intValue("ingest.rtmp-port"));
        assertThat(ingestPod.namedPort("hls")).as("ingest.hls.http-port").contains(ingest.intValue("ingest.hls.http-port"));
    }

    @ParameterizedTest
    @MethodSource("variants")
    void probesAskTheHealthEndpointsOnTheServedPort(Variant variant) {
        RenderedChart chart = Charts.render(variant);
        for (String component : ServiceModule.SERVICES.keySet()) {
            ServiceModule service = ServiceModule.of(component);
            assertThat(service.dependsOn("quarkus-smallrye-health")).as(service.module() + " serves /q/health").isTrue();
            PodTemplate pod = chart.podTemplate(component);
            JsonNode container = pod.containers().findFirst().orElseThrow();
            String what = variant + ": " + component + " ";
            assertProbe(pod, container.path("livenessProbe"), service.healthPath("live"), service.httpPort(), what + "liveness");
            assertProbe(pod, container.path("readinessProbe"), service.healthPath("ready"), service.httpPort(), what + "readiness");
            assertProbe(pod, container.path("startupProbe"), service.healthPath("started"), service.httpPort(), what + "startup");
        }
    }

    @ParameterizedTest
    @MethodSource("variants")
    void scrapeAnnotationsPointAtTheMetricsEndpoint(Variant variant) {
        RenderedChart chart = Charts.render(variant);
        boolean annotations = !variant.equals(Variant.SERVICE_MONITOR);
        for (String component : ServiceModule.SERVICES.keySet()) {
            ServiceModule service = ServiceModule.of(component);
            assertThat(service.dependsOn("quarkus-micrometer-registry-prometheus")).as(service.module() + " serves metrics").isTrue();
            JsonNode podAnnotations = chart.podTemplate(component).workload().at("/spec/template/metadata/annotations");
            if (annotations) {
                assertThat(podAnnotations.path("prometheus.io/scrape").asText()).isEqualTo("true");
                assertThat(podAnnotations.path("prometheus.io/port").asText()).isEqualTo(String.valueOf(service.httpPort()));
                assertThat(podAnnotations.path("prometheus.io/path").asText()).isEqualTo(service.metricsPath());
            } else {
                assertThat(podAnnotations.path("prometheus.io/scrape").isMissingNode()).as(component).isTrue();
            }
        }
    }

    @ParameterizedTest
    @MethodSource("variants")
    void everyEnvironmentVariableIsAKeyTheServiceReads(Variant variant) {
        RenderedChart chart = Charts.render(variant);
        List<String> unknown = new ArrayList<>();
        for (String component : ServiceModule.SERVICES.keySet()) {
            ServiceModule service = ServiceModule.of(component);
            chart.podTemplate(component).containers().forEach(container -> container.path("env").forEach(env -> {
                String name = env.path("name").asText();
                String extension = EXTENSION_ENV.get(name);
                boolean known = LAUNCHER_ENV.contains(name)
                        || (extension != null ? service.dependsOn(extension) : service.declaresEnv(name));
                if (!known) {
                    unknown.add(component + ": " + name);
                }
            }));
        }
        assertThat(unknown).as(variant + ": environment variables that no configuration key of the service matches"
                + " (Quarkus env form of application.properties keys and @ConfigMapping keys)").isEmpty();
    }

    @ParameterizedTest
    @MethodSource("variants")
    void redisClientSettingsGoToTheServicesThatUseRedisAndOnlyThose(Variant variant) {
        RenderedChart chart = Charts.render(variant);
        for (String component : ServiceModule.SERVICES.keySet()) {
            ServiceModule service = ServiceModule.of(component);
            List<String> redisEnv = chart.podTemplate(component).containers()
                    .flatMap(c -> RenderedChart.stream(c.path("env")))
                    .map(e -> e.path("name").asText()).filter(n -> n.startsWith("QUARKUS_REDIS_")).toList();
            if (service.dependsOn("quarkus-redis-client")) {
                assertThat(redisEnv).as(variant + ": " + component)
                        .contains("QUARKUS_REDIS_HOSTS", "QUARKUS_REDIS_CLIENT_TYPE", "QUARKUS_REDIS_PASSWORD");
                JsonNode hosts = env(chart.podTemplate(component), "QUARKUS_REDIS_HOSTS");
                assertThat(hosts.path("value").asText().split(","))
                        .allMatch(h -> h.matches("rediss?://[a-z0-9.-]+:[0-9]+"))
                        .hasSizeGreaterThanOrEqualTo(3);
                assertThat(env(chart.podTemplate(component), "QUARKUS_REDIS_CLIENT_TYPE").path("value").asText())
                        .isEqualTo("cluster");
            } else {
                assertThat(redisEnv).as(variant + ": " + component + " has no Redis client").isEmpty();
            }
        }
    }

    @ParameterizedTest
    @MethodSource("variants")
    void imagesFollowTheChosenFlavour(Variant variant) {
        RenderedChart chart = Charts.render(variant);
        for (String component : ServiceModule.SERVICES.keySet()) {
            PodTemplate pod = chart.podTemplate(component);
            String image = pod.containers().findFirst().orElseThrow().path("image").asText();
            boolean native_ = variant.equals(Variant.NATIVE) || (variant.equals(Variant.SERVICE_MONITOR) && component.equals("edge"));
            assertThat(image).as(variant + ": " + component)
                    .startsWith("ghcr.io/nott/" + ServiceModule.SERVICES.get(component) + ":1.0.0");
            assertThat(image.endsWith("-native")).as(image).isEqualTo(native_);
            assertThat(pod.spec().at("/securityContext/runAsUser").asInt()).isEqualTo(native_ ? 1001 : 185);
        }
    }

    private static JsonNode env(PodTemplate pod, String name) {
        return pod.containers().flatMap(c -> RenderedChart.stream(c.path("env")))
                .filter(e -> e.path("name").asText().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError(pod.name() + " has no env " + name));
    }

    private static void assertProbe(PodTemplate pod, JsonNode probe, String path, int port, String what) {
        assertThat(probe.isObject()).as(what + " probe exists").isTrue();
        assertThat(probe.at("/httpGet/path").asText()).as(what + " path").isEqualTo(path);
        assertThat(pod.resolvePort(probe.at("/httpGet/port"))).as(what + " port").contains(port);
    }
}
