package io.nott.edge.units.sync;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** A set moved on by a few changed hashes holds what a copy with those changes would, and the set it came from is left as it was. */
class FetchedUnitsTest {

    private static Map<String, String> hash(String id, String code) {
        return Map.of("id", id, "phase", "access", "code", code);
    }

    @Test
    void withPutsAndRemovesTheChangedHashesAndLeavesTheBaseAsItWas() {
        Map<String, Map<String, String>> read = new LinkedHashMap<>();
        for (int i = 0; i < 1000; i++) {
            read.put(String.format("t%04d", i), hash(String.format("t%04d", i), "return"));
        }
        FetchedUnits base = new FetchedUnits(5, read, Map.of());
        Map<String, Map<String, String>> changed = new HashMap<>();
        changed.put("t0001", hash("t0001", "-- changed\nreturn"));
        changed.put("t0002", null);
        changed.put("new", hash("new", "return"));

        FetchedUnits next = base.with(6, changed, Map.of(), Map.of("cache", "1024"));
        FetchedUnits after = next.with(7, Map.of("t0003", hash("t0003", "-- again")), Map.of(), Map.of());

        Map<String, Map<String, String>> expected = new TreeMap<>(read);
        expected.put("t0001", changed.get("t0001"));
        expected.remove("t0002");
        expected.put("new", changed.get("new"));
        assertThat(next.version()).isEqualTo(6);
        assertThat(next.hashes()).isEqualTo(expected);
        assertThat(next.hashes().keySet()).containsExactlyElementsOf(expected.keySet());
        assertThat(next.sharedDicts()).containsEntry("cache", "1024");
        assertThat(base.hashes()).isEqualTo(read).containsKey("t0002");
        assertThat(after.hashes()).hasSize(expected.size()).containsEntry("t0003", hash("t0003", "-- again"));
        assertThat(next.hashes().get("t0003")).isEqualTo(hash("t0003", "return"));
        assertThat(after.hashes().get("t0500")).isSameAs(read.get("t0500"));
    }
}
