package io.nott.registry.unit;

import io.quarkus.runtime.annotations.RegisterForReflection;
import java.util.List;

/**
 * What an operator says about a unit (everything but the bookkeeping), already validated and
 * normalised: {@code phase} is the Lua name ({@code access}), {@code failure} is
 * {@code open} or {@code closed}.
 */
@RegisterForReflection
public record UnitSpec(String id, String phase, String code, List<String> hosts, int sampling, String samplingKey,
        int order, boolean enabled, UnitBudget budget, String failure) {

    public UnitSpec {
        hosts = List.copyOf(hosts);
    }

    public UnitSpec withEnabled(boolean value) {
        return new UnitSpec(id, phase, code, hosts, sampling, samplingKey, order, value, budget, failure);
    }

    public UnitSpec withSampling(int value) {
        return new UnitSpec(id, phase, code, hosts, value, samplingKey, order, enabled, budget, failure);
    }

    public UnitSpec withOrder(int value) {
        return new UnitSpec(id, phase, code, hosts, sampling, samplingKey, value, enabled, budget, failure);
    }

    public UnitSpec withHosts(List<String> value) {
        return new UnitSpec(id, phase, code, value, sampling, samplingKey, order, enabled, budget, failure);
    }
}
