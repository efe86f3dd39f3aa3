package io.nott.ingest.rest;

import io.nott.service.http.OpenApiErrorAnswers;
import java.util.Map;
import org.eclipse.microprofile.openapi.OASFilter;
import org.eclipse.microprofile.openapi.models.OpenAPI;
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
            openAPI.getComponents().getSchemas().values().forEach(OpenApiErrorAnswers::optionalMayBeNull);
        }
        if (openAPI.getPaths() == null || openAPI.getPaths().getPathItems() == null) {
            return;
        }
        openAPI.getPaths().getPathItems().forEach((path, item) -> item.getOperations().forEach((method, operation) -> {
            OpenApiErrorAnswers.addErrorAnswers(operation, EVERY);
            if (operation.getRequestBody() != null) {
                OpenApiErrorAnswers.addErrorAnswers(operation, Map.of("415", "The body was not sent as the Content-Type this endpoint takes"));
            }
        }));
    }
}
