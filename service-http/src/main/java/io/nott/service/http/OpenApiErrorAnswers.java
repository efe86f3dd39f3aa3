package io.nott.service.http;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.openapi.OASFactory;
import org.eclipse.microprofile.openapi.models.Operation;
import org.eclipse.microprofile.openapi.models.media.Schema;
import org.eclipse.microprofile.openapi.models.responses.APIResponse;

/**
 * What the services' OpenAPI filters do the same way: optional properties may be JSON null, and
 * operations list the answers any of them can give, each in the one error schema {@code ErrorBody}.
 */
public final class OpenApiErrorAnswers {

    private OpenApiErrorAnswers() {
    }

    /**
     * Every property that is not required may be {@code null}: the APIs write absent values as JSON
     * null, and OpenAPI 3.1 needs that said, or a client generated from the document rejects real answers.
     */
    public static void optionalMayBeNull(Schema schema) {
        if (schema.getProperties() == null) {
            return;
        }
        List<String> required = schema.getRequired() == null ? List.of() : schema.getRequired();
        Map<String, Schema> properties = new LinkedHashMap<>(schema.getProperties());
        properties.forEach((name, property) -> {
            if (required.contains(name)) {
                return;
            }
            if (property.getRef() != null) {
                properties.put(name, OASFactory.createSchema().anyOf(List.of(
                        OASFactory.createSchema().ref(property.getRef()),
                        OASFactory.createSchema().addType(Schema.SchemaType.NULL))));
                return;
            }
            if (property.getType() != null && !property.getType().contains(Schema.SchemaType.NULL)) {
                property.addType(Schema.SchemaType.NULL);
            }
            if (property.getEnumeration() != null && !property.getEnumeration().contains(null)) {
                List<Object> values = new ArrayList<>(property.getEnumeration());
                values.add(null);
                property.setEnumeration(values);
            }
        });
        schema.setProperties(properties);
    }

    /** Adds each status with its description unless the operation already documents that status. */
    public static void addErrorAnswers(Operation operation, Map<String, String> answers) {
        if (operation.getResponses() == null) {
            operation.setResponses(OASFactory.createAPIResponses());
        }
        answers.forEach((status, description) -> {
            if (!operation.getResponses().hasAPIResponse(status)) {
                operation.getResponses().addAPIResponse(status, error(description));
            }
        });
    }

    /** An answer in the error schema. */
    public static APIResponse error(String description) {
        return OASFactory.createAPIResponse().description(description)
                .content(OASFactory.createContent().addMediaType("application/json",
                        OASFactory.createMediaType().schema(OASFactory.createSchema().ref("ErrorBody"))));
    }

    /**
     * The one error shape as a schema, for a document not generated from a service's
     * {@code ErrorBody} record (the edge's): the same properties the registry's and the ingest's
     * records give theirs. Put it in {@code components.schemas} under the name {@code ErrorBody}.
     */
    public static Schema errorBodySchema() {
        Schema problem = OASFactory.createSchema().addType(Schema.SchemaType.OBJECT)
                .description("One thing wrong with a request")
                .addProperty("field", OASFactory.createSchema().addType(Schema.SchemaType.STRING)
                        .addType(Schema.SchemaType.NULL)
                        .description("The field, as a path; null when the whole request is meant"))
                .addProperty("message", OASFactory.createSchema().addType(Schema.SchemaType.STRING))
                .addProperty("line", OASFactory.createSchema().addType(Schema.SchemaType.INTEGER)
                        .addType(Schema.SchemaType.NULL).description("The line of a unit's Lua code, for compile errors"))
                .required(List.of("message"));
        return OASFactory.createSchema().addType(Schema.SchemaType.OBJECT)
                .description("Every 4xx and 5xx answer: the status, what happened and what to do, and the problems "
                        + "per field (empty when the message says it all)")
                .addProperty("status", OASFactory.createSchema().addType(Schema.SchemaType.INTEGER).format("int32")
                        .examples(List.<Object>of(502)))
                .addProperty("error", OASFactory.createSchema().addType(Schema.SchemaType.STRING)
                        .description("What happened and what to do"))
                .addProperty("problems", OASFactory.createSchema().addType(Schema.SchemaType.ARRAY).items(problem))
                .required(List.of("status", "error", "problems"));
    }
}
