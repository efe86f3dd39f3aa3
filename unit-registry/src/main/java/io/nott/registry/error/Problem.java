package io.nott.registry.error;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * One thing wrong with a request: the field it concerns (or {@code null}), what to fix, and
 * for Lua that does not compile the line in the unit's code.
 */
@Schema(description = "One thing wrong with a request")
public record Problem(
        @Schema(description = "The field, as a path (budget.instructions, hosts[0]); null when the whole request is meant",
                example = "sampling") String field,
        @Schema(required = true) String message,
        @Schema(description = "The line of the unit's Lua code, for compile errors") Integer line) {

    public Problem(String field, String message) {
        this(field, message, null);
    }
}
