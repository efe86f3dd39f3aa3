package io.nott.deploy;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** values.schema.json refuses what would otherwise be ignored or render something broken. */
class ValuesSchemaTest {

    @Test
    void aMisspeltKeyIsRefused() {
        assertThatThrownBy(() -> Charts.renderText(Variant.DEFAULTS, Map.of("edge.autoscalling.enabled", false)))
                .hasMessageContaining("autoscalling");
    }

    @Test
    void anUnknownImageFlavourIsRefused() {
        assertThatThrownBy(() -> Charts.renderText(Variant.DEFAULTS, Map.of("global.imageFlavour", "graal")))
                .hasMessageContaining("imageFlavour");
    }

    @Test
    void anExternalRedisAddressMustBeARedisUrl() {
        assertThatThrownBy(() -> Charts.renderText(Variant.DEFAULTS, Map.of("redis.enabled", false,
                "redis.auth.existingSecret", "s", "redis.external.hosts[0]", "redis-0:6379")))
                .hasMessageContaining("hosts");
    }

    @Test
    void everyVariantSatisfiesTheSchema() {
        for (Variant variant : Variant.all()) {
            assertThatCode(() -> Charts.render(variant)).as(variant.name()).doesNotThrowAnyException();
        }
    }
}
