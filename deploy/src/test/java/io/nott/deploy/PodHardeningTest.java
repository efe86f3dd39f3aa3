package io.nott.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.nott.deploy.RenderedChart.PodTemplate;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Every pod runs non-root with a read-only root filesystem, bounded resources and writable emptyDirs where it writes. */
class PodHardeningTest {

    static Iterable<Variant> variants() {
        return Variant.all();
    }

    @ParameterizedTest
    @MethodSource("variants")
    void everyContainerIsNonRootReadOnlyAndDropsCapabilities(Variant variant) {
        for (PodTemplate pod : Charts.render(variant).podTemplates()) {
            String what = variant + ": " + pod.name();
            assertThat(pod.spec().at("/securityContext/runAsNonRoot").asBoolean()).as(what).isTrue();
            assertThat(pod.spec().at("/securityContext/runAsUser").asInt()).as(what).isPositive();
            assertThat(pod.spec().at("/automountServiceAccountToken").asBoolean(true)).as(what + " needs no API token").isFalse();
            pod.containers().forEach(container -> {
                JsonNode security = container.path("securityContext");
                assertThat(security.path("readOnlyRootFilesystem").asBoolean()).as(what).isTrue();
                assertThat(security.path("allowPrivilegeEscalation").asBoolean(true)).as(what).isFalse();
                assertThat(RenderedChart.stream(security.at("/capabilities/drop")).map(JsonNode::asText)).as(what).contains("ALL");
            });
        }
    }

    @ParameterizedTest
    @MethodSource("variants")
    void everyContainerHasRequestsAndAMemoryLimit(Variant variant) {
        for (PodTemplate pod : Charts.render(variant).podTemplates()) {
            pod.containers().forEach(container -> {
                JsonNode resources = container.path("resources");
                String what = variant + ": " + pod.name() + "/" + container.path("name").asText();
                assertThat(resources.at("/requests/cpu").asText()).as(what).isNotEmpty();
                assertThat(resources.at("/requests/memory").asText()).as(what).isNotEmpty();
                assertThat(resources.at("/limits/memory").asText()).as(what).isNotEmpty();
            });
        }
    }

    @ParameterizedTest
    @MethodSource("variants")
    void writablePathsAreEmptyDirsOrVolumes(Variant variant) {
        RenderedChart chart = Charts.render(variant);
        for (String component : ServiceModule.SERVICES.keySet()) {
            PodTemplate pod = chart.podTemplate(component);
            assertThat(mountPaths(pod)).as(variant + ": " + component + " JVM/native temp files").contains("/tmp");
        }
        PodTemplate ingest = chart.podTemplate("ingest");
        JsonNode env = ingest.containers().findFirst().orElseThrow().path("env");
        for (String dirVariable : List.of("INGEST_NGINX_WORK_DIR", "INGEST_HLS_DIRECTORY")) {
            String dir = env.findParents("name").stream().filter(e -> e.path("name").asText().equals(dirVariable))
                    .findFirst().orElseThrow(() -> new AssertionError("ingest has no " + dirVariable)).path("value").asText();
            assertThat(mountPaths(ingest)).as(dirVariable + " is a mounted emptyDir").contains(dir);
        }
    }

    @ParameterizedTest
    @MethodSource("variants")
    void theEdgeKeepsItsSnapshotOnAVolume(Variant variant) {
        PodTemplate edge = Charts.render(variant).podTemplate("edge");
        String file = edge.containers().findFirst().orElseThrow().path("env").findParents("name").stream()
                .filter(e -> e.path("name").asText().equals("EDGE_SYNC_SNAPSHOT_FILE")).findFirst()
                .orElseThrow(() -> new AssertionError("edge has no EDGE_SYNC_SNAPSHOT_FILE")).path("value").asText();
        assertThat(mountPaths(edge)).as("the snapshot's directory is a mounted volume")
                .contains(file.substring(0, file.lastIndexOf('/')));
    }

    private static List<String> mountPaths(PodTemplate pod) {
        return pod.containers().flatMap(c -> RenderedChart.stream(c.path("volumeMounts")))
                .map(m -> m.path("mountPath").asText()).toList();
    }
}
