package io.nott.registry.unit;

import io.nott.unit.model.Budget;
import io.nott.unit.model.Canary;
import io.nott.unit.model.ComputingUnit;
import io.nott.unit.model.FailurePolicy;
import io.nott.unit.model.Phase;
import io.quarkus.runtime.annotations.RegisterForReflection;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * What an operator says about a unit (everything but the registry's bookkeeping), already
 * validated, in unit-core's types. In JSON (API and history) the phase is its Lua name
 * ({@code access}) and the failure policy {@code open}/{@code closed}; see
 * {@link io.nott.registry.config.CoreTypesJson}.
 */
@RegisterForReflection(targets = {UnitSpec.class, Canary.class})
public record UnitSpec(String id, Phase phase, String code, List<String> hosts, List<String> paths, int sampling,
        String samplingKey,
        int order, boolean enabled, Budget budget, FailurePolicy failure, Canary canary) {

    public UnitSpec {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(phase, "phase");
        Objects.requireNonNull(code, "code");
        hosts = hosts == null ? List.of() : List.copyOf(hosts);
        paths = paths == null ? List.of() : List.copyOf(paths);
        budget = budget == null ? Budget.DEFAULT : budget;
        failure = failure == null ? FailurePolicy.OPEN : failure;
    }

    /** A unit for every host and path, sampled 100%, order 0, enabled, default budget, failure open; change with the builder. */
    public static Builder builder(String id, Phase phase, String code) {
        return new Builder(id, phase, code);
    }

    public Builder toBuilder() {
        return new Builder(id, phase, code).hosts(hosts).paths(paths).sampling(sampling).samplingKey(samplingKey).order(order)
                .enabled(enabled).budget(budget).failure(failure).canary(canary);
    }

    /** This unit with another canary (null: none); a new canary's version is stamped when it is written. */
    public UnitSpec withCanary(Canary value) {
        return toBuilder().canary(value).build();
    }

    /** This unit with other code (a promoted canary's). */
    public UnitSpec withCode(String value) {
        return new UnitSpec(id, phase, value, hosts, paths, sampling, samplingKey, order, enabled, budget, failure, canary);
    }

    public UnitSpec withEnabled(boolean value) {
        return toBuilder().enabled(value).build();
    }

    public UnitSpec withSampling(int value) {
        return toBuilder().sampling(value).build();
    }

    public UnitSpec withOrder(int value) {
        return toBuilder().order(value).build();
    }

    public UnitSpec withHosts(List<String> value) {
        return toBuilder().hosts(value).build();
    }

    public UnitSpec withPaths(List<String> value) {
        return toBuilder().paths(value).build();
    }

    /**
     * The unit as unit-core runs it, stamped with the registry's bookkeeping. A canary not yet
     * stamped (version 0: just written) takes {@code version}, the write that brings it.
     */
    public ComputingUnit toCore(long version, Instant updatedAt, String updatedBy, boolean legacy) {
        Canary stamped = canary == null || canary.version() != 0 ? canary : canary.withVersion(version);
        return ComputingUnit.of(id, phase, code).withHosts(hosts).withPaths(paths).withSampling(sampling, samplingKey)
                .withOrder(order).withEnabled(enabled).withBudget(budget).withFailure(failure)
                .withAudit(version, updatedAt, updatedBy).withLegacy(legacy).withCanary(stamped);
    }

    /** The operator's part of a unit-core unit (its bookkeeping is dropped). */
    public static UnitSpec of(ComputingUnit u) {
        return builder(u.id(), u.phase(), u.code()).hosts(u.hosts()).paths(u.paths()).sampling(u.sampling())
                .samplingKey(u.samplingKey()).order(u.order()).enabled(u.enabled()).budget(u.budget())
                .failure(u.failure()).canary(u.canary()).build();
    }

    /** Named setters instead of ten positional arguments. */
    public static final class Builder {
        private final String id;
        private final Phase phase;
        private final String code;
        private List<String> hosts = List.of();
        private List<String> paths = List.of();
        private int sampling = 100;
        private String samplingKey;
        private int order;
        private boolean enabled = true;
        private Budget budget = Budget.DEFAULT;
        private FailurePolicy failure = FailurePolicy.OPEN;
        private Canary canary;

        private Builder(String id, Phase phase, String code) {
            this.id = id;
            this.phase = phase;
            this.code = code;
        }

        public Builder hosts(List<String> value) {
            hosts = value;
            return this;
        }

        /** nginx location specs ({@code = /x}, {@code /p}, {@code ^~ /p}, {@code ~ re}, {@code ~* re}); empty = every path. */
        public Builder paths(List<String> value) {
            paths = value;
            return this;
        }

        public Builder sampling(int percent) {
            sampling = percent;
            return this;
        }

        public Builder samplingKey(String variable) {
            samplingKey = variable;
            return this;
        }

        public Builder order(int value) {
            order = value;
            return this;
        }

        public Builder enabled(boolean value) {
            enabled = value;
            return this;
        }

        public Builder budget(Budget value) {
            budget = value;
            return this;
        }

        public Builder failure(FailurePolicy value) {
            failure = value;
            return this;
        }

        /** A second version of the code for a share of requests (issue #18); null for none. */
        public Builder canary(Canary value) {
            canary = value;
            return this;
        }

        public UnitSpec build() {
            return new UnitSpec(id, phase, code, hosts, paths, sampling, samplingKey, order, enabled, budget, failure,
                    canary);
        }
    }
}
