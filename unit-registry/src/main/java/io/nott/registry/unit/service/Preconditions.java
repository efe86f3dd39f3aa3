package io.nott.registry.unit.service;

import io.nott.registry.error.RegistryException;
import io.nott.registry.unit.StoredUnit;
import java.util.Optional;

/**
 * HTTP conditional headers against a unit's version (its ETag is {@code "<version>"}).
 * Checked on the state the commit script then requires to be unchanged, so a check that passed cannot be overtaken.
 */
public record Preconditions(String ifMatch, String ifNoneMatch) {

    public static final Preconditions NONE = new Preconditions(null, null);

    public static String etag(long version) {
        return "\"" + version + "\"";
    }

    public void check(String id, Optional<StoredUnit> current) {
        if (ifNoneMatch != null && !ifNoneMatch.isBlank()) {
            if (current.isPresent() && (ifNoneMatch.strip().equals("*") || matches(ifNoneMatch, current.get().version()))) {
                throw RegistryException.preconditionFailed("Unit " + id + " already exists at version "
                        + current.get().version() + " (If-None-Match: " + ifNoneMatch.strip() + ")");
            }
        }
        if (ifMatch != null && !ifMatch.isBlank()) {
            if (current.isEmpty()) {
                throw RegistryException.preconditionFailed("Unit " + id + " does not exist (If-Match: " + ifMatch.strip() + ")");
            }
            if (!ifMatch.strip().equals("*") && !matches(ifMatch, current.get().version())) {
                throw RegistryException.preconditionFailed("Unit " + id + " is at version " + current.get().version()
                        + ", not " + ifMatch.strip() + " (If-Match); read it again and re-apply your change");
            }
        }
    }

    /**
     * {@code If-Match} against the registry's global version (the ETag of {@code GET /units}), for
     * a write of the whole set of units.
     */
    public void checkGlobal(long globalVersion) {
        if (ifMatch != null && !ifMatch.isBlank() && !ifMatch.strip().equals("*") && !matches(ifMatch, globalVersion)) {
            throw RegistryException.preconditionFailed("The registry is at version " + globalVersion + ", not "
                    + ifMatch.strip() + " (If-Match); export again (GET /api/v1/units/export), merge and re-apply");
        }
    }

    private static boolean matches(String header, long version) {
        for (String tag : header.split(",")) {
            String t = tag.strip();
            if (t.startsWith("W/")) {
                t = t.substring(2);
            }
            if (t.startsWith("\"") && t.endsWith("\"") && t.length() >= 2) {
                t = t.substring(1, t.length() - 1);
            }
            if (t.equals(String.valueOf(version))) {
                return true;
            }
        }
        return false;
    }
}
