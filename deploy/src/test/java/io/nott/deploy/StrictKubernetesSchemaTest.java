package io.nott.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

/** Every rendered object is a valid Kubernetes API object, and the check itself catches mistakes. */
class StrictKubernetesSchemaTest {

    private final StrictKubernetesSchema schema = new StrictKubernetesSchema();

    static Iterable<Variant> variants() {
        return Variant.all();
    }

    @ParameterizedTest
    @MethodSource("variants")
    void everyRenderedObjectDeserialisesStrictlyIntoItsApiType(Variant variant) {
        RenderedChart chart = Charts.render(variant);
        assertThat(chart.documents()).isNotEmpty();
        for (JsonNode document : chart.documents()) {
            if (document.path("kind").asText().equals("ServiceMonitor")
                    || document.path("kind").asText().equals("PrometheusRule")) {
                assertThat(document.path("apiVersion").asText()).isEqualTo("monitoring.coreos.com/v1");
                continue; // CRDs the fabric8 core model does not carry; ChartWiringTest and PrometheusRulesTest check them
            }
            assertThatCode(() -> schema.check(document)).as(variant + ": " + document.path("kind"))
                    .doesNotThrowAnyException();
        }
    }

    @Test
    void aMisspeltFieldFails() {
        ObjectNode deployment = edgeDeployment();
        ObjectNode container = (ObjectNode) deployment.at("/spec/template/spec/containers/0");
        container.set("livenesProbe", container.remove("livenessProbe"));
        assertThatThrownBy(() -> schema.check(deployment))
                .hasMessageContaining("livenesProbe").hasMessageContaining("Deployment nott-edge");
    }

    @Test
    void aFieldAtTheWrongLevelFails() {
        ObjectNode deployment = edgeDeployment();
        ((ObjectNode) deployment.at("/spec/template/spec")).put("image", "somewhere/else:1");
        assertThatThrownBy(() -> schema.check(deployment)).hasMessageContaining("\"image\"");
    }

    @Test
    void aNumberWhereTheApiWantsAStringFails() {
        ObjectNode deployment = edgeDeployment();
        ((ObjectNode) deployment.at("/spec/template/spec/containers/0/env/0")).remove("valueFrom");
        ((ObjectNode) deployment.at("/spec/template/spec/containers/0/env/0")).put("value", 8080);
        assertThatThrownBy(() -> schema.check(deployment)).isInstanceOf(StrictKubernetesSchema.SchemaViolation.class);
    }

    @Test
    void aStringWhereTheApiWantsANumberFails() {
        ObjectNode deployment = edgeDeployment();
        ((ObjectNode) deployment.at("/spec/template/spec/containers/0/ports/0")).put("containerPort", "8080");
        assertThatThrownBy(() -> schema.check(deployment)).isInstanceOf(StrictKubernetesSchema.SchemaViolation.class);
    }

    @Test
    void anUnknownKindFails() {
        ObjectNode deployment = edgeDeployment();
        deployment.put("apiVersion", "extensions/v1beta1");
        assertThatThrownBy(() -> schema.check(deployment)).hasMessageContaining("extensions/v1beta1/Deployment");
    }

    @Test
    void theUnchangedObjectPassesAndKeepsItsValues() {
        Deployment deployment = (Deployment) schema.check(edgeDeployment());
        assertThat(deployment.getSpec().getTemplate().getSpec().getContainers().get(0).getPorts().get(0).getContainerPort())
                .isEqualTo(8080);
    }

    private static ObjectNode edgeDeployment() {
        return Charts.render(Variant.DEFAULTS).one("Deployment", "nott-edge").deepCopy();
    }
}
