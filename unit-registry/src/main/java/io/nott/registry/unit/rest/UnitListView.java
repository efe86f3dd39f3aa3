package io.nott.registry.unit.rest;

import java.util.List;

/** {@code GET /units}: the global version (also the ETag), the registry's units, then the legacy ones. */
public record UnitListView(long version, List<UnitView> units) {
}
