package io.nott.registry.error;

import java.util.List;

/** The JSON every error answers with. */
public record ErrorBody(int status, String error, List<Problem> problems) {
}
