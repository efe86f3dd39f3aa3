package io.nott.unit.model;

import java.util.Objects;

/**
 * A second version of a unit's code that runs beside the stable one for a deterministic share of
 * requests (issue #18, gradual rollout). Everything but the code (phase, hosts, paths, budget,
 * failure policy) is the unit's own: a canary changes what the unit does, not where it runs, so
 * the two sides see the same traffic and their health figures compare.
 *
 * @param code    Lua source of the canary version
 * @param percent share of requests that run the canary, 0-100
 * @param key     the nginx variable whose value picks the side ({@code remote_addr} by default,
 *                {@code cookie_<name>} or {@code http_<name>} for a cookie or header): hashed with the
 *                unit id, so one viewer stays on one side across requests and edges
 * @param version the registry version that wrote this canary (0 before the registry stamps it):
 *                the health figures and the rollout controller tell canaries apart by it
 */
public record Canary(String code, int percent, String key, long version) {

    /** The sampling key when none is named: the client address, as nginx's {@code split_clients} uses. */
    public static final String DEFAULT_KEY = "remote_addr";

    public Canary {
        Objects.requireNonNull(code, "code");
        key = key == null || key.isBlank() ? DEFAULT_KEY : key;
    }

    public Canary withPercent(int newPercent) {
        return new Canary(code, newPercent, key, version);
    }

    public Canary withVersion(long newVersion) {
        return new Canary(code, percent, key, newVersion);
    }
}
