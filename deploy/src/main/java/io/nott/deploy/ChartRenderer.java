package io.nott.deploy;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import com.marcnuri.helm.TemplateCommand;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Runs Helm (bundled by helm-java as a native library, so no helm binary and no network)
 * over the platform's chart.
 */
public final class ChartRenderer {

    /** The chart's location inside the deploy module. */
    public static final Path CHART = Path.of("helm", "nott-edge");

    private final Path chart;

    public ChartRenderer(Path chart) {
        this.chart = chart.toAbsolutePath().normalize();
    }

    /** The chart of the deploy module at {@code deployDir}. */
    public static ChartRenderer of(Path deployDir) {
        return new ChartRenderer(deployDir.resolve(CHART));
    }

    public Path chart() {
        return chart;
    }

    /**
     * {@code helm template} with the given values files (applied in order) and {@code --set}
     * values; fails with Helm's message when the chart does not render.
     */
    public String template(String release, String namespace, List<Path> valuesFiles, Map<String, Object> set) {
        TemplateCommand command = new Helm(chart).template().withName(release).withNamespace(namespace);
        for (Path valuesFile : valuesFiles) {
            command = command.withValuesFile(valuesFile.toAbsolutePath());
        }
        for (Map.Entry<String, Object> entry : set.entrySet()) {
            command = command.set(entry.getKey(), entry.getValue());
        }
        return command.call();
    }

    /** {@code helm lint --strict} over the chart's own values.yaml. */
    public LintResult lintStrict() {
        return new Helm(chart).lint().strict().call();
    }
}
