package io.nott.deploy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Renders the chart into plain manifests under {@code deploy/k8s/} for {@code kubectl apply -k}
 * (and {@code -f deploy/k8s/manifests}) users: one file per chart template, a kustomization that
 * lists them in Helm's install order and generates the three Secrets from env files that
 * {@code deploy/make-k8s-secrets.sh} writes (never committed). Run by
 * {@code deploy/render-manifests.sh}; {@code ManifestsDriftTest} fails when the committed files
 * differ from what this renders.
 */
public final class RenderManifests {

    /** Release name of the plain manifests: objects are called nott-edge, nott-registry, ... */
    public static final String RELEASE = "nott";

    /** Values for the plain manifests: existing Secrets instead of generated ones. */
    public static final Path VALUES = Path.of("k8s-values.yaml");

    /** Where the manifests go, relative to the deploy module. */
    public static final Path OUTPUT = Path.of("k8s");

    /** The Secrets the kustomization generates, each from k8s/secrets/NAME.env. */
    public static final List<String> SECRETS = List.of("nott-redis-auth", "nott-registry-auth", "nott-ingest-auth");

    public static final String BANNER = """
            # GENERATED FILE - DO NOT EDIT.
            # Rendered from the Helm chart deploy/helm/nott-edge (the source of truth) with
            # deploy/k8s-values.yaml by deploy/render-manifests.sh. Change the chart, then run that script.
            """;

    private static final Pattern SOURCE = Pattern.compile("(?m)^# Source: [^/]+/templates/(\\S+)$");

    private RenderManifests() {
    }

    public static void main(String[] args) {
        Path deployDir = Path.of(args.length > 0 ? args[0] : "deploy");
        Map<Path, String> files = render(deployDir);
        write(deployDir, files);
        System.out.printf("rendered %d files into %s%n", files.size(), deployDir.resolve(OUTPUT));
    }

    /** Every file under deploy/k8s that the chart renders to, keyed by path relative to deploy/k8s. */
    public static Map<Path, String> render(Path deployDir) {
        String manifest = ChartRenderer.of(deployDir)
                .template(RELEASE, "default", List.of(deployDir.resolve(VALUES)), Map.of());
        if (Pattern.compile("(?m)^kind: Secret$").matcher(manifest).find()) {
            throw new IllegalStateException("the plain manifests would carry a Secret with credentials: "
                    + deployDir.resolve(VALUES) + " must name existing Secrets for every credential");
        }
        Map<String, StringBuilder> bySource = new LinkedHashMap<>();
        for (String document : manifest.split("(?m)^---\\s*$")) {
            Matcher source = SOURCE.matcher(document);
            if (document.isBlank() || !source.find()) {
                continue;
            }
            String body = document.substring(source.end()).strip();
            if (body.isEmpty()) {
                continue;
            }
            StringBuilder file = bySource.computeIfAbsent(source.group(1).replace('/', '-'), name -> new StringBuilder());
            file.append("---\n").append(body).append('\n');
        }
        Map<Path, String> files = new LinkedHashMap<>();
        List<String> resources = new ArrayList<>();
        bySource.forEach((name, body) -> {
            files.put(Path.of("manifests", name), BANNER + body);
            resources.add("manifests/" + name);
        });
        files.put(Path.of("kustomization.yaml"), kustomization(resources));
        return files;
    }

    private static String kustomization(List<String> resources) {
        StringBuilder out = new StringBuilder(BANNER);
        out.append("""
                # Before `kubectl apply -k deploy/k8s`, run deploy/make-k8s-secrets.sh once: it writes the
                # env files below (random credentials, git-ignored) that the Secrets are generated from.
                apiVersion: kustomize.config.k8s.io/v1beta1
                kind: Kustomization
                resources:
                """);
        resources.forEach(resource -> out.append("  - ").append(resource).append('\n'));
        out.append("generatorOptions:\n  disableNameSuffixHash: true\nsecretGenerator:\n");
        for (String secret : SECRETS) {
            out.append("  - name: ").append(secret).append('\n')
                    .append("    envs:\n")
                    .append("      - secrets/").append(secret).append(".env\n");
        }
        return out.toString();
    }

    /** Replaces deploy/k8s/kustomization.yaml and deploy/k8s/manifests with the given files. */
    public static void write(Path deployDir, Map<Path, String> files) {
        Path output = deployDir.resolve(OUTPUT);
        try {
            Path manifests = output.resolve("manifests");
            if (Files.isDirectory(manifests)) {
                try (Stream<Path> stale = Files.list(manifests)) {
                    for (Path file : stale.toList()) {
                        Files.delete(file);
                    }
                }
            }
            for (Map.Entry<Path, String> file : files.entrySet()) {
                Path target = output.resolve(file.getKey());
                Files.createDirectories(target.getParent());
                Files.writeString(target, file.getValue(), StandardCharsets.UTF_8);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the manifests into " + output, e);
        }
    }
}
