package io.nott.registry.rest;

import io.nott.service.http.OpenApiErrorAnswers;
import io.nott.unit.model.FailurePolicy;
import io.nott.unit.model.Phase;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.openapi.OASFilter;
import org.eclipse.microprofile.openapi.models.OpenAPI;
import org.eclipse.microprofile.openapi.models.media.Schema;

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
            schemas.values().forEach(OpenApiErrorAnswers::optionalMayBeNull);
        }
        if (openAPI.getPaths() == null || openAPI.getPaths().getPathItems() == null) {
            return;
        }
        openAPI.getPaths().getPathItems().forEach((path, item) -> {
            if (!path.startsWith("/api/")) {
                return;
            }
            item.getOperations().forEach((method, operation) -> {
                OpenApiErrorAnswers.addErrorAnswers(operation, EVERY);
                if (operation.getRequestBody() != null) {
                    OpenApiErrorAnswers.addErrorAnswers(operation, WITH_BODY);
                }
            });
        });
    }

    private static void wireNames(Schema schema, List<String> names) {
        if (schema != null) {
            schema.setEnumeration(new ArrayList<>(names));
        }
    }
}
