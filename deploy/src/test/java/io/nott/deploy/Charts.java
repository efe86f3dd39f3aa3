package io.nott.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** Renders the chart once per variant (Helm runs in-process) and parses the result. */
final class Charts {

    /** Tests run with the deploy module as working directory (Surefire's default). */
    static final Path DEPLOY_DIR = Path.of("").toAbsolutePath();
    static final Path REPO_ROOT = DEPLOY_DIR.getParent();
    static final String RELEASE = "nott";
    static final String NAMESPACE = "video";
    static final ObjectMapper YAML = new YAMLMapper();

    private static final Map<Variant, RenderedChart> CACHE = new ConcurrentHashMap<>();

    private Charts() {
    }

    static ChartRenderer renderer() {
        FakeKubernetesApi.start();
        return ChartRenderer.of(DEPLOY_DIR);
    }

    static RenderedChart render(Variant variant) {
        return CACHE.computeIfAbsent(variant, v -> parse(renderText(v, Map.of())));
    }

    static String renderText(Variant variant, Map<String, Object> set) {
        List<Path> files = variant.valuesFiles().stream().map(DEPLOY_DIR::resolve).toList();
        return renderer().template(RELEASE, NAMESPACE, files, set);
    }

    static RenderedChart parse(String manifest) {
        List<JsonNode> documents = new ArrayList<>();
        try (var parser = new YAMLFactory().createParser(manifest)) {
            var iterator = YAML.readValues(parser, JsonNode.class);
            while (iterator.hasNext()) {
                JsonNode document = iterator.next();
                if (document != null && !document.isNull() && !document.isEmpty()) {
                    documents.add(document);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("helm template gave YAML that does not parse", e);
        }
        return new RenderedChart(manifest, documents);
    }
}
