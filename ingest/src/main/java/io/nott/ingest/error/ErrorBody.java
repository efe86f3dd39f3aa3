package io.nott.ingest.error;

import java.util.List;

/**
 * The JSON every error answers with; the same shape as the unit registry's, so one client
 * reads both: {@code problems} lists what is wrong per field (empty when the message says it all).
 */
public record ErrorBody(int status, String error, List<Problem> problems) {

    /** One thing wrong with a request: the field it concerns (or {@code null}) and what to fix. */
    public record Problem(String field, String message) {
    }

    public static ErrorBody of(int status, String error) {
        return new ErrorBody(status, error, List.of());
    }
}
