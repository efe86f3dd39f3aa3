package io.nott.deploy;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.BeanDescription;
import com.fasterxml.jackson.databind.DeserializationConfig;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.deser.BeanDeserializerBuilder;
import com.fasterxml.jackson.databind.deser.BeanDeserializerModifier;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.type.LogicalType;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * A schema check against the Kubernetes API's types: each object is deserialised into its
 * fabric8 model class with every leniency off. fabric8's classes swallow unknown fields into
 * {@code additionalProperties} (a Jackson any-setter); that setter is removed here, so a
 * misspelt or misplaced field fails with Jackson's path to it. Scalars are not coerced
 * either: a number where the API wants a string (an env value) fails, as the API server
 * would refuse it.
 */
final class StrictKubernetesSchema {

    /** apiVersion/kind to model class, for every kind the chart renders. */
    private static final Map<String, Class<? extends HasMetadata>> TYPES = List.of(
                    Deployment.class, StatefulSet.class, Job.class, Service.class, Secret.class, ConfigMap.class,
                    HorizontalPodAutoscaler.class, PodDisruptionBudget.class, NetworkPolicy.class, Ingress.class)
            .stream()
            .collect(Collectors.toMap(
                    type -> HasMetadata.getApiVersion(type) + "/" + HasMetadata.getKind(type), Function.identity()));

    private final ObjectMapper mapper;

    StrictKubernetesSchema() {
        SimpleModule noAnySetter = new SimpleModule("no-additional-properties");
        noAnySetter.setDeserializerModifier(new BeanDeserializerModifier() {
            @Override
            public BeanDeserializerBuilder updateBuilder(
                    DeserializationConfig config, BeanDescription description, BeanDeserializerBuilder builder) {
                if (description.getBeanClass().getName().startsWith("io.fabric8.")) {
                    builder.setAnySetter(null);
                }
                return builder;
            }
        });
        JsonMapper strict = JsonMapper.builder()
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
                .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY)
                .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
                .addModule(noAnySetter)
                .build();
        for (LogicalType type : List.of(LogicalType.Textual, LogicalType.Integer, LogicalType.Boolean, LogicalType.Float)) {
            for (CoercionInputShape shape : CoercionInputShape.values()) {
                strict.coercionConfigFor(type).setCoercion(shape, CoercionAction.Fail);
            }
        }
        // A string stays a string; only a real string token may fill one.
        strict.coercionConfigFor(LogicalType.Textual).setCoercion(CoercionInputShape.String, CoercionAction.TryConvert);
        this.mapper = strict;
    }

    /** The kinds this check knows. */
    static boolean knows(JsonNode document) {
        return TYPES.containsKey(key(document));
    }

    /**
     * Deserialises the document into its model class; throws {@link SchemaViolation} naming the
     * object and the offending field.
     */
    HasMetadata check(JsonNode document) {
        Class<? extends HasMetadata> type = TYPES.get(key(document));
        if (type == null) {
            throw new SchemaViolation(describe(document) + ": apiVersion/kind " + key(document)
                    + " is not one of the known API types " + TYPES.keySet());
        }
        try {
            return mapper.treeToValue(document, type);
        } catch (JsonProcessingException | IllegalArgumentException e) {
            throw new SchemaViolation(describe(document) + " does not match " + type.getName() + ": " + e.getMessage());
        }
    }

    private static String key(JsonNode document) {
        return document.path("apiVersion").asText() + "/" + document.path("kind").asText();
    }

    private static String describe(JsonNode document) {
        return document.path("kind").asText() + " " + document.path("metadata").path("name").asText();
    }

    static final class SchemaViolation extends RuntimeException {
        SchemaViolation(String message) {
            super(message);
        }
    }
}
