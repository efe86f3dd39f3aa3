package io.nott.registry.unit;

import java.util.List;

/** The body of {@code PATCH /units/{id}}: only the operational switches and the scope; absent fields stay as they are. */
public record UnitPatch(Boolean enabled, Integer sampling, Integer order, List<String> hosts, List<String> paths) {
}
