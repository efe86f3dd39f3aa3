package io.nott.registry.dict;

/** The body of {@code PUT /api/v1/shared-dicts/{name}}: the size in nginx's syntax, e.g. {@code "10m"}. */
public record SharedDictRequest(String size) {
}
