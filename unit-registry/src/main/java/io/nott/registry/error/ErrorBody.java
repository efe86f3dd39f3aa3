package io.nott.registry.error;

import java.util.List;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** The JSON every error answers with (the ingest answers the same shape). */
@Schema(name = "ErrorBody", description = "Every 4xx and 5xx answer: the status, what happened and what to do, and the "
        + "problems per field (empty when the message says it all)",
        example = "{\"status\": 400, \"error\": \"field 'sampling' must be a whole number from 0 to 100 (percent of "
                + "requests), e.g. \\\"sampling\\\": 50, not \\\"half\\\"\", \"problems\": [{\"field\": \"sampling\", "
                + "\"message\": \"field 'sampling' must be ...\", \"line\": null}]}")
public record ErrorBody(
        @Schema(required = true, example = "400") int status,
        @Schema(required = true, description = "What happened and what to do") String error,
        @Schema(required = true) List<Problem> problems) {
}
