package io.nott.registry.unit.rest;

import java.util.List;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * {@code GET /units}: the global version (also the ETag), the registry's units, then the legacy
 * ones, filtered and paged as asked ({@link UnitListQuery}).
 */
public record UnitListView(long version, List<UnitView> units,
        @Schema(description = "How many units match the filters, over every page") int total,
        @Schema(description = "The offset of the next page; null on the last one") Integer next) {
}
