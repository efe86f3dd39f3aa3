package io.nott.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.stream.Stream;

/** The objects of one {@code helm template} run, as JSON trees. */
record RenderedChart(String text, List<JsonNode> documents) {

    /** A workload's pod template: Deployment, StatefulSet or Job. */
    record PodTemplate(String kind, String name, Map<String, String> labels, JsonNode spec, JsonNode workload) {

        String component() {
            return labels.getOrDefault("app.kubernetes.io/component", "");
        }

        Stream<JsonNode> containers() {
            return Stream.concat(stream(spec.path("initContainers")), stream(spec.path("containers")));
        }

        JsonNode container(String name) {
            return containers().filter(c -> c.path("name").asText().equals(name)).findFirst()
                    .orElseThrow(() -> new NoSuchElementException(kind + " " + this.name + " has no container " + name));
        }

        /** The container port called {@code name} in any container, or empty. */
        Optional<Integer> namedPort(String name) {
            return containers().flatMap(c -> stream(c.path("ports")))
                    .filter(p -> p.path("name").asText().equals(name))
                    .map(p -> p.path("containerPort").asInt())
                    .findFirst();
        }

        /** Resolves an IntOrString port (a number, or a container port's name). */
        Optional<Integer> resolvePort(JsonNode port) {
            if (port.isInt()) {
                return Optional.of(port.asInt());
            }
            return namedPort(port.asText());
        }
    }

    Stream<JsonNode> kind(String kind) {
        return documents.stream().filter(d -> d.path("kind").asText().equals(kind));
    }

    JsonNode one(String kind, String name) {
        return find(kind, name).orElseThrow(() -> new NoSuchElementException("no " + kind + " " + name + " rendered"));
    }

    Optional<JsonNode> find(String kind, String name) {
        return kind(kind).filter(d -> d.path("metadata").path("name").asText().equals(name)).findFirst();
    }

    List<PodTemplate> podTemplates() {
        return documents.stream()
                .filter(d -> List.of("Deployment", "StatefulSet", "Job", "DaemonSet").contains(d.path("kind").asText()))
                .map(d -> new PodTemplate(d.path("kind").asText(), d.path("metadata").path("name").asText(),
                        labels(d.path("spec").path("template").path("metadata").path("labels")),
                        d.path("spec").path("template").path("spec"), d))
                .toList();
    }

    PodTemplate podTemplate(String component) {
        return podTemplates().stream().filter(p -> p.component().equals(component)).findFirst()
                .orElseThrow(() -> new NoSuchElementException("no workload for component " + component));
    }

    static Map<String, String> labels(JsonNode node) {
        Map<String, String> labels = new LinkedHashMap<>();
        node.properties().forEach(e -> labels.put(e.getKey(), e.getValue().asText()));
        return labels;
    }

    static Stream<JsonNode> stream(JsonNode array) {
        if (array == null || !array.isArray()) {
            return Stream.empty();
        }
        return java.util.stream.StreamSupport.stream(array.spliterator(), false);
    }
}
