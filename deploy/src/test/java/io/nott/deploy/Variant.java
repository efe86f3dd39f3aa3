package io.nott.deploy;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * A set of values the chart is tested with: the defaults, or the defaults overlaid with one
 * file from src/test/resources/variants.
 */
record Variant(String name, Optional<Path> valuesFile) {

    static final Variant DEFAULTS = new Variant("defaults", Optional.empty());
    static final Variant NATIVE = of("native");
    static final Variant EXTERNAL_REDIS = of("external-redis");
    static final Variant INGRESS = of("ingress");
    static final Variant NO_AUTOSCALING = of("no-autoscaling");
    static final Variant SERVICE_MONITOR = of("service-monitor");
    /** The values deploy/k8s is rendered with. */
    static final Variant PLAIN_MANIFESTS = new Variant("plain-manifests", Optional.of(RenderManifests.VALUES));

    static List<Variant> all() {
        return List.of(DEFAULTS, NATIVE, EXTERNAL_REDIS, INGRESS, NO_AUTOSCALING, SERVICE_MONITOR, PLAIN_MANIFESTS);
    }

    private static Variant of(String name) {
        return new Variant(name, Optional.of(Path.of("src", "test", "resources", "variants", name + ".yaml")));
    }

    List<Path> valuesFiles() {
        return valuesFile.map(List::of).orElse(List.of());
    }

    @Override
    public String toString() {
        return name;
    }
}
