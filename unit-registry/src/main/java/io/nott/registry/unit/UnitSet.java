package io.nott.registry.unit;

import java.util.List;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * A whole set of registry units as one document (GitOps): what {@code GET /units/export} answers
 * and {@code PUT /units} applies. Legacy ({@code coding_units}) units are not part of it.
 */
@Schema(description = "Every registry unit as one document; PUT /api/v1/units makes the registry's units exactly these")
public record UnitSet(
        @Schema(description = "The global version the document was exported at (informational on PUT: send it as "
                + "If-Match to apply only on that version)", example = "42") Long version,
        @Schema(description = "The units, each with its id", required = true) List<UnitRequest> units) {
}
