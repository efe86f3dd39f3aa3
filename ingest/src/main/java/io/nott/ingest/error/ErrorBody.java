package io.nott.ingest.error;

import java.util.List;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * The JSON every error answers with; the same shape as the unit registry's, so one client
 * reads both: {@code problems} lists what is wrong per field (empty when the message says it all).
 */
@Schema(name = "ErrorBody", description = "Every 4xx and 5xx answer: the status, what happened and what to do, and the "
        + "problems per field (empty when the message says it all)")
public record ErrorBody(
        @Schema(required = true, example = "404") int status,
        @Schema(required = true, description = "What happened and what to do",
                example = "Stream colorbar is not being published") String error,
        @Schema(required = true) List<Problem> problems) {

    /** One thing wrong with a request: the field it concerns (or {@code null}) and what to fix. */
    public record Problem(String field, @Schema(required = true) String message) {
    }

    public static ErrorBody of(int status, String error) {
        return new ErrorBody(status, error, List.of());
    }
}
