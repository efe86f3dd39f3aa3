package io.nott.ingest.support;

import io.nott.ingest.config.IngestConfig;
import io.quarkus.runtime.configuration.DurationConverter;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/** Builds the typed configuration the way Quarkus does, for plain JUnit tests. */
public final class TestConfigs {

    private TestConfigs() {
    }

    public static IngestConfig ingest(Map<String, String> overrides) {
        Map<String, String> values = new HashMap<>();
        values.put("quarkus.http.port", "8082");
        values.putAll(overrides);
        SmallRyeConfig config = new SmallRyeConfigBuilder()
                .addDefaultInterceptors()
                .addSystemSources()
                .withMapping(IngestConfig.class)
                // Quarkus' "4s"-style durations, as the application sees them
                .withConverter(Duration.class, 200, new DurationConverter())
                .withDefaultValues(values)
                .build();
        return config.getConfigMapping(IngestConfig.class);
    }
}
