package io.nott.registry.unit.rest;

/** {@code POST /units/{id}/rollback}: the version whose content becomes the newest version. */
public record RollbackRequest(Long version) {
}
