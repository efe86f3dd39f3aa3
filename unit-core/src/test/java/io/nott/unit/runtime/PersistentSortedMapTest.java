package io.nott.unit.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** The persistent map agrees with a TreeMap after every change, and every earlier version stays as it was. */
class PersistentSortedMapTest {

    @Test
    void agreesWithATreeMapAndKeepsEveryVersion() {
        Random random = new Random(42);
        PersistentSortedMap<Integer, String> map = PersistentSortedMap.empty();
        TreeMap<Integer, String> expected = new TreeMap<>();
        List<PersistentSortedMap<Integer, String>> versions = new ArrayList<>();
        List<List<String>> contents = new ArrayList<>();
        for (int step = 0; step < 3000; step++) {
            int key = random.nextInt(500);
            if (random.nextInt(3) == 0) {
                map = map.without(key);
                expected.remove(key);
            } else {
                map = map.with(key, "v" + step);
                expected.put(key, "v" + step);
            }
            assertThat(map.size()).isEqualTo(expected.size());
            assertThat(map.get(key)).isEqualTo(expected.get(key));
            if (step % 100 == 0) {
                assertThat(map.values()).containsExactlyElementsOf(expected.values());
                int i = random.nextInt(Math.max(1, expected.size()));
                if (!expected.isEmpty()) {
                    assertThat(map.values().get(i)).isEqualTo(new ArrayList<>(expected.values()).get(i));
                }
                versions.add(map);
                contents.add(List.copyOf(expected.values()));
            }
        }
        for (int v = 0; v < versions.size(); v++) {
            assertThat(versions.get(v).values()).as("version %d", v).containsExactlyElementsOf(contents.get(v));
        }
    }

    @Test
    void theSameKeysGiveTheSameListWhateverTheOrderOfChanges() {
        PersistentSortedMap<String, Integer> a = PersistentSortedMap.empty();
        PersistentSortedMap<String, Integer> b = PersistentSortedMap.empty();
        for (int i = 0; i < 1000; i++) {
            a = a.with("u" + i, i);
            b = b.with("u" + (999 - i), 999 - i);
        }
        b = b.with("gone", -1).without("gone");
        List<String> keys = new ArrayList<>();
        List<Integer> values = new ArrayList<>();
        a.forEach((k, v) -> {
            keys.add(k);
            values.add(v);
        });
        PersistentSortedMap<String, Integer> built = PersistentSortedMap.ofSorted(keys, values);
        assertThat(built.values()).containsExactlyElementsOf(a.values());
        assertThat(built.size()).isEqualTo(1000);
        assertThat(built.get("u500")).isEqualTo(500);
        assertThat(built.with("u1000", 1000).without("u3").values()).containsExactlyElementsOf(
                a.with("u1000", 1000).without("u3").values());
        assertThat(a.values()).containsExactlyElementsOf(b.values());
        assertThat(a.without("u5").get("u5")).isNull();
        assertThat(a.get("u5")).isEqualTo(5);
    }

    @Test
    void asAMapItIsAReadOnlyViewInKeyOrderAndFromGivesTheTreeBack() {
        java.util.Map<String, Integer> plain = new java.util.HashMap<>();
        for (int i = 0; i < 300; i++) {
            plain.put("u" + i, i);
        }
        PersistentSortedMap<String, Integer> tree = PersistentSortedMap.from(plain);
        java.util.Map<String, Integer> view = tree.asMap();
        assertThat(view).isEqualTo(plain).hasSize(300);
        assertThat(new ArrayList<>(view.keySet())).containsExactlyElementsOf(new TreeMap<>(plain).keySet());
        assertThat(view.get("u7")).isEqualTo(7);
        assertThat(view.containsKey("u7")).isTrue();
        assertThat(view.containsKey("nope")).isFalse();
        assertThat(view.get(42)).isNull();
        assertThat(PersistentSortedMap.from(view)).isSameAs(tree);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> view.put("x", 1))
                .isInstanceOf(UnsupportedOperationException.class);
        java.util.Map<String, Integer> changed = tree.with("u7", 70).without("u8").asMap();
        assertThat(changed.get("u7")).isEqualTo(70);
        assertThat(changed).doesNotContainKey("u8").hasSize(299);
        assertThat(view.get("u7")).isEqualTo(7);
        assertThat(view).containsKey("u8");
    }
}
