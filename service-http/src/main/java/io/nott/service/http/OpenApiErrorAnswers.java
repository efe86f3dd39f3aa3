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
}
