package io.nott.registry.rest;

import io.nott.unit.model.FailurePolicy;
import io.nott.unit.model.Phase;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.openapi.OASFactory;
import org.eclipse.microprofile.openapi.OASFilter;
import org.eclipse.microprofile.openapi.models.OpenAPI;
import org.eclipse.microprofile.openapi.models.Operation;
import org.eclipse.microprofile.openapi.models.media.Schema;
import org.eclipse.microprofile.openapi.models.responses.APIResponse;
import org.eclipse.microprofile.openapi.models.responses.APIResponses;

/**
 * Completes the generated document in two ways the annotations cannot express once for all.
 * <p>
 * Every optional property may be {@code null}: the API writes absent values as JSON null, and
 * OpenAPI 3.1 needs that said ({@code type: [string, "null"]}), or a client generated from the
 * document would reject real answers.
 * <p>
 * It adds to every API operation the answers any of them can give, so that the per-operation
 * annotations list only what is particular to each: 401 (no or unknown token), 406 (Accept),
 * 500 (a bug, with an id to find in the log) and 503 (Redis unavailable, with Retry-After);
 * for operations with a body also 400 (unreadable JSON, unknown field), 413 and 415. All in the
 * one error schema ({@code ErrorBody}).
 */
public class OpenApiFilter implements OASFilter {

    private static final Map<String, String> EVERY = Map.of(
            "401", "No token, or a token this registry does not know (WWW-Authenticate: Bearer)",
            "406", "The Accept header asks for something other than application/json",
            "500", "Unexpected error; the message carries an id to find in the registry's log",
            "503", "Redis is unavailable (or a dry run is refused under load); retry after Retry-After seconds");
    private static final Map<String, String> WITH_BODY = Map.of(
            "400", "The body is not valid JSON, a field has the wrong type or is unknown, or the values are invalid; "
                    + "problems names each field",
            "413", "The body is larger than the registry takes",
            "415", "The body was not sent as Content-Type: application/json");

    @Override
    public void filterOpenAPI(OpenAPI openAPI) {
        if (openAPI.getComponents() != null && openAPI.getComponents().getSchemas() != null) {
            Map<String, Schema> schemas = openAPI.getComponents().getSchemas();
            // The core enums travel as their wire names (CoreTypesJson), not as Java constant names.
            wireNames(schemas.get("Phase"), Arrays.stream(Phase.values()).map(Phase::luaName).toList());
            wireNames(schemas.get("FailurePolicy"), Arrays.stream(FailurePolicy.values()).map(FailurePolicy::wireName).toList());
            schemas.values().forEach(OpenApiFilter::optionalMayBeNull);
        }
        if (openAPI.getPaths() == null || openAPI.getPaths().getPathItems() == null) {
            return;
        }
        openAPI.getPaths().getPathItems().forEach((path, item) -> {
            if (!path.startsWith("/api/")) {
                return;
            }
            item.getOperations().forEach((method, operation) -> {
                add(operation, EVERY);
                if (operation.getRequestBody() != null) {
                    add(operation, WITH_BODY);
                }
            });
        });
    }

    private static void wireNames(Schema schema, List<String> names) {
        if (schema != null) {
            schema.setEnumeration(new ArrayList<>(names));
        }
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
        APIResponses existing = operation.getResponses();
        responses.forEach((status, description) -> {
            if (!existing.hasAPIResponse(status)) {
                existing.addAPIResponse(status, error(description));
            }
        });
    }

    static APIResponse error(String description) {
        return OASFactory.createAPIResponse().description(description)
                .content(OASFactory.createContent().addMediaType("application/json",
                        OASFactory.createMediaType().schema(OASFactory.createSchema().ref("ErrorBody"))));
    }
}
