package io.nott.registry.rollout.service;

import io.nott.registry.rollout.UnitHealthView;
import io.nott.registry.rollout.repository.EdgeHealthRepository;
import io.nott.unit.runtime.UnitHealth;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Adds the edges' per-version figures up (issue #18): counts are summed, and so are the duration
 * histograms, bucket by bucket, before the percentiles are taken; a percentile of percentiles
 * would mean nothing.
 */
@ApplicationScoped
public class HealthService {

    private final EdgeHealthRepository edges;

    public HealthService(EdgeHealthRepository edges) {
        this.edges = edges;
    }

    public UnitHealthView of(String unitId) {
        return of(unitId, edges.read());
    }

    /** Every unit's figures from one reading of the fleet, by unit id (the controller judges all running rollouts on one). */
    public Map<String, UnitHealthView> all() {
        EdgeHealthRepository.Fleet fleet = edges.read();
        Map<String, UnitHealthView> out = new LinkedHashMap<>();
        fleet.figures().stream().map(EdgeHealthRepository.Reported::unitId).distinct()
                .forEach(id -> out.put(id, of(id, fleet)));
        return out;
    }

    static UnitHealthView of(String unitId, EdgeHealthRepository.Fleet fleet) {
        record Key(String role, long version) {
        }
        Map<Key, long[]> sums = new LinkedHashMap<>();
        int fields = 4 + 4 + UnitHealth.BUCKETS;
        for (EdgeHealthRepository.Reported r : fleet.figures()) {
            if (!r.unitId().equals(unitId)) {
                continue;
            }
            long[] s = sums.computeIfAbsent(new Key(r.role(), r.version()), k -> new long[fields]);
            s[0] += r.calls();
            s[1] += r.errors();
            s[2] += r.timeouts();
            s[3] += r.breakerTrips();
            for (int i = 0; i < 4 && i < r.exits().length; i++) {
                s[4 + i] += r.exits()[i];
            }
            for (int i = 0; i < UnitHealth.BUCKETS && i < r.histogram().length; i++) {
                s[8 + i] += r.histogram()[i];
            }
        }
        List<UnitHealthView.Version> versions = new ArrayList<>();
        sums.forEach((k, s) -> {
            long[] histogram = java.util.Arrays.copyOfRange(s, 8, fields);
            versions.add(new UnitHealthView.Version(k.version(), k.role(), s[0], s[1], s[2], s[3],
                    new UnitHealthView.Exits(s[4], s[5], s[6], s[7]), UnitHealth.percentileMillis(histogram, 0.5),
                    UnitHealth.percentileMillis(histogram, 0.99)));
        });
        versions.sort(Comparator.comparing(UnitHealthView.Version::role).reversed()
                .thenComparing(Comparator.comparingLong(UnitHealthView.Version::version).reversed()));
        return new UnitHealthView(unitId, fleet.windowSeconds(), fleet.edges(), versions);
    }
}
