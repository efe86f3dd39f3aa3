package io.nott.unit.codec;

import java.util.Optional;

/**
 * The value of {@link RedisSchema#VERSION_COMMITTED_AT}: which version the registry committed
 * and when, by its clock. The version travels with the time so that an edge that applied
 * version 7 never measures it against the commit time of version 8.
 */
public record VersionCommit(long version, long epochMillis) {

    public String encode() {
        return version + " " + epochMillis;
    }

    /** Empty for a missing or unreadable value (a registry older than this key, or a hand-edited one). */
    public static Optional<VersionCommit> parse(String value) {
        if (value == null) {
            return Optional.empty();
        }
        String[] parts = value.strip().split(" ");
        if (parts.length != 2) {
            return Optional.empty();
        }
        try {
            return Optional.of(new VersionCommit(Long.parseLong(parts[0]), Long.parseLong(parts[1])));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }
}
