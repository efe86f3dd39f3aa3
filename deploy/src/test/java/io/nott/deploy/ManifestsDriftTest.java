package io.nott.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** deploy/k8s is what the chart renders: nothing edited by hand, nothing stale, nothing missing. */
class ManifestsDriftTest {

    private static final String FIX = "deploy/k8s has drifted from the chart: run deploy/render-manifests.sh and commit the result";

    @Test
    void committedManifestsEqualAFreshRender() throws IOException {
        Map<Path, String> rendered = RenderManifests.render(Charts.DEPLOY_DIR);
        Path k8s = Charts.DEPLOY_DIR.resolve(RenderManifests.OUTPUT);

        assertThat(committedFiles(k8s)).as(FIX).isEqualTo(new TreeSet<>(rendered.keySet()));
        for (Map.Entry<Path, String> file : rendered.entrySet()) {
            assertThat(Files.readString(k8s.resolve(file.getKey()))).as(FIX + " (" + file.getKey() + ")")
                    .isEqualTo(file.getValue());
        }
    }

    @Test
    void everyGeneratedFileCarriesTheBanner() {
        RenderManifests.render(Charts.DEPLOY_DIR).forEach((path, content) ->
                assertThat(content).as(path.toString()).startsWith(RenderManifests.BANNER)
                        .contains("DO NOT EDIT").contains("deploy/render-manifests.sh"));
    }

    @Test
    void theKustomizationListsEveryManifestAndGeneratesTheSecretsTheyReference() throws IOException {
        Path k8s = Charts.DEPLOY_DIR.resolve(RenderManifests.OUTPUT);
        var kustomization = Charts.YAML.readTree(k8s.resolve("kustomization.yaml").toFile());
        Set<String> resources = new TreeSet<>();
        kustomization.path("resources").forEach(r -> resources.add(r.asText()));
        try (Stream<Path> manifests = Files.list(k8s.resolve("manifests"))) {
            assertThat(resources).isEqualTo(manifests.map(p -> "manifests/" + p.getFileName()).collect(Collectors.toCollection(TreeSet::new)));
        }
        Set<String> generated = new TreeSet<>();
        kustomization.path("secretGenerator").forEach(s -> generated.add(s.path("name").asText()));
        RenderedChart chart = Charts.render(Variant.PLAIN_MANIFESTS);
        assertThat(chart.kind("Secret")).as("plain manifests must not carry credentials").isEmpty();
        Set<String> referenced = new TreeSet<>();
        chart.podTemplates().forEach(p -> p.containers().forEach(c -> c.path("env").forEach(e -> {
            if (e.at("/valueFrom/secretKeyRef").isObject()) {
                referenced.add(e.at("/valueFrom/secretKeyRef/name").asText());
            }
        })));
        assertThat(generated).isEqualTo(referenced).containsExactlyInAnyOrderElementsOf(RenderManifests.SECRETS);
    }

    private static Set<Path> committedFiles(Path k8s) throws IOException {
        try (Stream<Path> files = Files.walk(k8s)) {
            return files.filter(Files::isRegularFile)
                    .map(k8s::relativize)
                    .filter(p -> !p.startsWith("secrets"))
                    .collect(Collectors.toCollection(TreeSet::new));
        }
    }
}
