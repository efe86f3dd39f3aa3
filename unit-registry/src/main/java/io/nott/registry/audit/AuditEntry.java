package io.nott.registry.audit;

/** One change as {@code {cu}:audit} recorded it. */
public record AuditEntry(String id, String at, String actor, String action, String unit, Long version, String summary) {
}
