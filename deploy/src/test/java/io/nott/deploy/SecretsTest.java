package io.nott.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Credentials (registry tokens, ingest stream key, Redis password) live in Secrets only: never
 * in values.yaml, never inlined into a pod or a ConfigMap, generated when not given and kept
 * across upgrades by reading the Secret already in the cluster (Helm's lookup, answered here
 * by {@link FakeKubernetesApi}).
 */
class SecretsTest {

    private static final Pattern CREDENTIAL = Pattern.compile(".*(TOKEN|PASSWORD|SECRET|KEY|AUTH).*");

    private final FakeKubernetesApi api = FakeKubernetesApi.start();

    @AfterEach
    void forgetSecrets() {
        api.clear();
    }

    static Iterable<Variant> variants() {
        return Variant.all();
    }

    @Test
    void valuesYamlCarriesNoCredential() throws IOException {
        JsonNode values = Charts.YAML.readTree(Files.readString(Charts.DEPLOY_DIR.resolve(ChartRenderer.CHART).resolve("values.yaml")));
        List<String> found = new ArrayList<>();
        collectCredentials("", values, found);
        assertThat(found).as("values that look like credentials").isEmpty();
    }

    @ParameterizedTest
    @MethodSource("variants")
    void credentialsReachPodsOnlyAsSecretReferences(Variant variant) {
        RenderedChart chart = Charts.render(variant);
        chart.podTemplates().forEach(pod -> pod.containers().forEach(container -> container.path("env").forEach(env -> {
            String name = env.path("name").asText();
            if (CREDENTIAL.matcher(name).matches()) {
                assertThat(env.has("value")).as(variant + ": " + pod.name() + " " + name + " is inlined").isFalse();
                assertThat(env.at("/valueFrom/secretKeyRef/name").asText()).as(variant + ": " + name).isNotEmpty();
            }
        })));
    }

    @ParameterizedTest
    @MethodSource("variants")
    void everySecretReferenceNamesARenderedSecretKeyOrAConfiguredExistingSecret(Variant variant) {
        RenderedChart chart = Charts.render(variant);
        List<String> existing = List.of("shared-redis", "nott-redis-auth", "nott-registry-auth", "nott-ingest-auth");
        chart.podTemplates().forEach(pod -> pod.containers().forEach(container -> container.path("env").forEach(env -> {
            JsonNode ref = env.at("/valueFrom/secretKeyRef");
            if (ref.isMissingNode()) {
                return;
            }
            var secret = chart.find("Secret", ref.path("name").asText());
            if (secret.isPresent()) {
                assertThat(secret.get().at("/data").has(ref.path("key").asText()))
                        .as(variant + ": Secret " + ref.path("name").asText() + " has key " + ref.path("key").asText()).isTrue();
            } else {
                assertThat(existing).as(variant + ": " + pod.name() + " refers to a Secret the chart neither renders nor was given")
                        .contains(ref.path("name").asText());
            }
        })));
    }

    @Test
    void generatedCredentialsAreRandomAndAppearInNoOtherObject() {
        RenderedChart first = Charts.render(Variant.DEFAULTS);
        RenderedChart second = Charts.parse(Charts.renderText(Variant.DEFAULTS, Map.of()));
        for (String name : List.of("nott-redis-auth", "nott-registry-auth", "nott-ingest-auth")) {
            JsonNode secret = first.one("Secret", name);
            assertThat(secret.has("stringData")).isFalse();
            assertThat(secret.at("/metadata/annotations/helm.sh~1resource-policy").asText()).isEqualTo("keep");
            secret.at("/data").properties().forEach(entry -> {
                String value = new String(Base64.getDecoder().decode(entry.getValue().asText()), StandardCharsets.UTF_8);
                assertThat(value).as(name + "/" + entry.getKey()).matches("[A-Za-z0-9]{24,}");
                assertThat(second.one("Secret", name).at("/data/" + entry.getKey()).asText())
                        .as("without a Secret in the cluster each render draws a new " + entry.getKey())
                        .isNotEqualTo(entry.getValue().asText());
                first.documents().stream().filter(d -> !d.path("kind").asText().equals("Secret")).forEach(d ->
                        assertThat(d.toString()).as(entry.getKey() + " leaks into " + d.at("/metadata/name"))
                                .doesNotContain(value).doesNotContain(entry.getValue().asText()));
            });
        }
    }

    @Test
    void anUpgradeKeepsTheCredentialsAlreadyInTheCluster() {
        api.putSecret(Charts.NAMESPACE, "nott-redis-auth", Map.of("password", "redisPasswordFromTheCluster"));
        api.putSecret(Charts.NAMESPACE, "nott-registry-auth",
                Map.of("editor-token", "editorTokenFromTheCluster", "viewer-token", "viewerTokenFromTheCluster"));
        api.putSecret(Charts.NAMESPACE, "nott-ingest-auth", Map.of("stream-key", "streamKeyFromTheCluster"));

        RenderedChart upgrade = Charts.parse(Charts.renderText(Variant.DEFAULTS, Map.of()));

        assertThat(decoded(upgrade, "nott-redis-auth", "password")).isEqualTo("redisPasswordFromTheCluster");
        assertThat(decoded(upgrade, "nott-registry-auth", "editor-token")).isEqualTo("editorTokenFromTheCluster");
        assertThat(decoded(upgrade, "nott-registry-auth", "viewer-token")).isEqualTo("viewerTokenFromTheCluster");
        assertThat(decoded(upgrade, "nott-ingest-auth", "stream-key")).isEqualTo("streamKeyFromTheCluster");
    }

    @Test
    void aSecretInAnotherNamespaceIsNotReused() {
        api.putSecret("elsewhere", "nott-redis-auth", Map.of("password", "notOurs"));
        RenderedChart chart = Charts.parse(Charts.renderText(Variant.DEFAULTS, Map.of()));
        assertThat(decoded(chart, "nott-redis-auth", "password")).isNotEqualTo("notOurs");
    }

    @Test
    void namedExistingSecretsReplaceTheGeneratedOnes() {
        RenderedChart chart = Charts.render(Variant.PLAIN_MANIFESTS);
        assertThat(chart.kind("Secret")).isEmpty();
    }

    @Test
    void anExternalClusterWithAuthNeedsItsSecretNamed() {
        assertThatThrownBy(() -> Charts.renderText(Variant.DEFAULTS, Map.of(
                "redis.enabled", false, "redis.external.hosts[0]", "redis://r:6379")))
                .hasMessageContaining("redis.auth.existingSecret");
    }

    @Test
    void anExternalClusterNeedsItsAddresses() {
        assertThatThrownBy(() -> Charts.renderText(Variant.DEFAULTS, Map.of(
                "redis.enabled", false, "redis.auth.existingSecret", "s")))
                .hasMessageContaining("redis.external.hosts");
    }

    @Test
    void anExternalClusterWithoutAuthGetsNoPassword() {
        RenderedChart chart = Charts.parse(Charts.renderText(Variant.DEFAULTS, Map.of(
                "redis.enabled", false, "redis.auth.enabled", false, "redis.external.hosts[0]", "redis://r:6379")));
        assertThat(chart.find("Secret", "nott-redis-auth")).isEmpty();
        assertThat(chart.podTemplate("edge").container("edge-node").path("env").findValuesAsText("name"))
                .contains("QUARKUS_REDIS_HOSTS").doesNotContain("QUARKUS_REDIS_PASSWORD");
    }

    private static String decoded(RenderedChart chart, String secret, String key) {
        return new String(Base64.getDecoder().decode(chart.one("Secret", secret).at("/data/" + key).asText()), StandardCharsets.UTF_8);
    }

    private static void collectCredentials(String path, JsonNode node, List<String> found) {
        if (node.isObject()) {
            node.properties().forEach(e -> collectCredentials(path + "." + e.getKey(), e.getValue(), found));
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                collectCredentials(path + "[" + i + "]", node.get(i), found);
            }
        } else {
            String key = path.substring(path.lastIndexOf('.') + 1).toLowerCase(java.util.Locale.ROOT);
            boolean credentialKey = (key.contains("token") || key.contains("password") || key.contains("streamkey"))
                    && !key.startsWith("existingsecret");
            if (credentialKey && !node.asText().isEmpty()) {
                found.add(path + "=" + node.asText());
            }
        }
    }
}
