package io.nott.unit.model;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * A computing unit: Lua code attached to one request phase.
 *
 * @param id          {@code [a-z0-9][a-z0-9._-]{0,63}}
 * @param phase       the request phase it runs in
 * @param code        Lua source (the body of a chunk; it receives {@code edge_computing} as a global and as {@code ...})
 * @param hosts       empty = every host; otherwise exact names, {@code *.example.com} or {@code www.example.*} wildcards or {@code ~regex}
 * @param paths       empty = every path; otherwise nginx {@code location} specs: {@code = /exact},
 *                    {@code /prefix}, {@code ^~ /prefix}, {@code ~ regex}, {@code ~* regex}. The edge
 *                    picks one location per request among the paths of all units for the request's
 *                    host, as nginx picks one {@code location} block; the unit runs when it is one of
 *                    its own (see unit-core's README, "Path scopes")
 * @param sampling    percent of requests that run it, 0-100
 * @param samplingKey null for random sampling; otherwise an nginx variable name (e.g. {@code remote_addr})
 *                    whose value decides deterministically, so one client is always in or always out
 * @param order       lower runs first; ties by id
 * @param enabled     disabled units are kept but never run
 * @param budget      instruction and wall-clock budget per call
 * @param failure     what an error or timeout does to the request
 * @param version     the registry version that last changed this unit (0 for legacy units)
 * @param updatedAt   when it was last changed, null if unknown
 * @param updatedBy   who changed it last, null if unknown
 * @param legacy      true when read from the seed's {@code coding_units} / {@code phase||code} format
 * @param canary      null, or a second version of the code run for a share of requests (issue #18)
 */
public record ComputingUnit(
        String id,
        Phase phase,
        String code,
        List<String> hosts,
        List<String> paths,
        int sampling,
        String samplingKey,
        int order,
        boolean enabled,
        Budget budget,
        FailurePolicy failure,
        long version,
        Instant updatedAt,
        String updatedBy,
        boolean legacy,
        Canary canary) {

    public ComputingUnit {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(phase, "phase");
        Objects.requireNonNull(code, "code");
        hosts = hosts == null ? List.of() : List.copyOf(hosts);
        paths = paths == null ? List.of() : List.copyOf(paths);
        budget = budget == null ? Budget.DEFAULT : budget;
        failure = failure == null ? FailurePolicy.OPEN : failure;
        if (samplingKey != null && samplingKey.isBlank()) {
            samplingKey = null;
        }
    }

    /** A unit without a canary: the shape before gradual rollouts existed. */
    public ComputingUnit(String id, Phase phase, String code, List<String> hosts, List<String> paths, int sampling,
            String samplingKey, int order, boolean enabled, Budget budget, FailurePolicy failure, long version,
            Instant updatedAt, String updatedBy, boolean legacy) {
        this(id, phase, code, hosts, paths, sampling, samplingKey, order, enabled, budget, failure, version,
                updatedAt, updatedBy, legacy, null);
    }

    /** A unit for every path (no {@code paths}): the shape before path scopes existed. */
    public ComputingUnit(String id, Phase phase, String code, List<String> hosts, int sampling, String samplingKey,
            int order, boolean enabled, Budget budget, FailurePolicy failure, long version, Instant updatedAt,
            String updatedBy, boolean legacy) {
        this(id, phase, code, hosts, List.of(), sampling, samplingKey, order, enabled, budget, failure, version,
                updatedAt, updatedBy, legacy);
    }

    /** An enabled unit for every host, sampled 100%, order 0, default budget, failure open. */
    public static ComputingUnit of(String id, Phase phase, String code) {
        return new ComputingUnit(id, phase, code, List.of(), List.of(), 100, null, 0, true, Budget.DEFAULT,
                FailurePolicy.OPEN, 0, null, null, false);
    }

    public ComputingUnit withHosts(List<String> newHosts) {
        return new ComputingUnit(id, phase, code, newHosts, paths, sampling, samplingKey, order, enabled, budget, failure,
                version, updatedAt, updatedBy, legacy, canary);
    }

    public ComputingUnit withPaths(List<String> newPaths) {
        return new ComputingUnit(id, phase, code, hosts, newPaths, sampling, samplingKey, order, enabled, budget,
                failure, version, updatedAt, updatedBy, legacy, canary);
    }

    public ComputingUnit withSampling(int percent, String key) {
        return new ComputingUnit(id, phase, code, hosts, paths, percent, key, order, enabled, budget, failure,
                version, updatedAt, updatedBy, legacy, canary);
    }

    public ComputingUnit withOrder(int newOrder) {
        return new ComputingUnit(id, phase, code, hosts, paths, sampling, samplingKey, newOrder, enabled, budget, failure,
                version, updatedAt, updatedBy, legacy, canary);
    }

    public ComputingUnit withEnabled(boolean newEnabled) {
        return new ComputingUnit(id, phase, code, hosts, paths, sampling, samplingKey, order, newEnabled, budget, failure,
                version, updatedAt, updatedBy, legacy, canary);
    }

    public ComputingUnit withBudget(Budget newBudget) {
        return new ComputingUnit(id, phase, code, hosts, paths, sampling, samplingKey, order, enabled, newBudget, failure,
                version, updatedAt, updatedBy, legacy, canary);
    }

    public ComputingUnit withFailure(FailurePolicy newFailure) {
        return new ComputingUnit(id, phase, code, hosts, paths, sampling, samplingKey, order, enabled, budget, newFailure,
                version, updatedAt, updatedBy, legacy, canary);
    }

    public ComputingUnit withCode(String newCode) {
        return new ComputingUnit(id, phase, newCode, hosts, paths, sampling, samplingKey, order, enabled, budget, failure,
                version, updatedAt, updatedBy, legacy, canary);
    }

    public ComputingUnit withPhase(Phase newPhase) {
        return new ComputingUnit(id, newPhase, code, hosts, paths, sampling, samplingKey, order, enabled, budget, failure,
                version, updatedAt, updatedBy, legacy, canary);
    }

    /** Bookkeeping stamped by the registry on each change. */
    public ComputingUnit withAudit(long newVersion, Instant newUpdatedAt, String newUpdatedBy) {
        return new ComputingUnit(id, phase, code, hosts, paths, sampling, samplingKey, order, enabled, budget, failure,
                newVersion, newUpdatedAt, newUpdatedBy, legacy, canary);
    }

    public ComputingUnit withLegacy(boolean newLegacy) {
        return new ComputingUnit(id, phase, code, hosts, paths, sampling, samplingKey, order, enabled, budget, failure,
                version, updatedAt, updatedBy, newLegacy, canary);
    }

    public ComputingUnit withCanary(Canary newCanary) {
        return new ComputingUnit(id, phase, code, hosts, paths, sampling, samplingKey, order, enabled, budget, failure,
                version, updatedAt, updatedBy, legacy, newCanary);
    }

    /**
     * The canary side as a unit of its own: this unit with the canary's code and version and no
     * canary. Null when there is no canary.
     */
    public ComputingUnit canaryUnit() {
        if (canary == null) {
            return null;
        }
        return new ComputingUnit(id, phase, canary.code(), hosts, paths, sampling, samplingKey, order, enabled, budget,
                failure, canary.version(), updatedAt, updatedBy, legacy, null);
    }
}
