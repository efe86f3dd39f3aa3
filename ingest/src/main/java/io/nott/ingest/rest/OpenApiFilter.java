package io.nott.ingest.rest;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.openapi.OASFactory;
import org.eclipse.microprofile.openapi.OASFilter;
import org.eclipse.microprofile.openapi.models.OpenAPI;
import org.eclipse.microprofile.openapi.models.Operation;
import org.eclipse.microprofile.openapi.models.media.Schema;

/**
 * Completes the generated document as the registry's filter does: optional properties may be
 * null (the API writes absent values as JSON null), and every operation lists the answers any of
 * them can give (406, 413, 500; 415 with a body) in the one error schema, {@code ErrorBody}.
 */
public class OpenApiFilter implements OASFilter {

    private static final Map<String, String> EVERY = Map.of(
            "406", "The Accept header asks for a type this endpoint does not answer",
            "413", "The body is larger than quarkus.http.limits.max-body-size",
            "500", "Unexpected error; the message carries an id to find in the ingest's log");

    @Override
    public void filterOpenAPI(OpenAPI openAPI) {
        if (openAPI.getComponents() != null && openAPI.getComponents().getSchemas() != null) {
            openAPI.getComponents().getSchemas().values().forEach(OpenApiFilter::optionalMayBeNull);
        }
        if (openAPI.getPaths() == null || openAPI.getPaths().getPathItems() == null) {
            return;
        }
        openAPI.getPaths().getPathItems().forEach((path, item) -> item.getOperations().forEach((method, operation) -> {
            add(operation, EVERY);
            if (operation.getRequestBody() != null) {
                add(operation, Map.of("415", "The body was not sent as the Content-Type this endpoint takes"));
            }
        }));
    }

    private static void optionalMayBeNull(Schema schema) {
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

    private static void add(Operation operation, Map<String, String> responses) {
        if (operation.getResponses() == null) {
            operation.setResponses(OASFactory.createAPIResponses());
        }
        responses.forEach((status, description) -> {
            if (!operation.getResponses().hasAPIResponse(status)) {
                operation.getResponses().addAPIResponse(status, OASFactory.createAPIResponse().description(description)
                        .content(OASFactory.createContent().addMediaType("application/json",
                                OASFactory.createMediaType().schema(OASFactory.createSchema().ref("ErrorBody")))));
            }
        });
    }
}
