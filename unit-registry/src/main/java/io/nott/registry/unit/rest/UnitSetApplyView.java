package io.nott.registry.unit.rest;

import java.util.List;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** The answer of {@code PUT /units}: the version now current and what the apply changed. */
@Schema(description = "What applying a set of units changed")
public record UnitSetApplyView(
        @Schema(description = "The global version after the apply (unchanged when nothing differed)") long version,
        @Schema(required = true) List<String> created,
        @Schema(required = true) List<String> updated,
        @Schema(required = true) List<String> deleted,
        @Schema(description = "Units of the document equal to the stored ones (not written)") int unchanged) {
}
