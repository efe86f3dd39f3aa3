package io.nott.unit.runtime.shared;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.nott.unit.model.SharedDictSpec;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The store's semantics, each as lua-nginx-module's shdict behaves (see the differential cases in shared-dict.t). */
class SharedDictTest {

    final ManualClock clock = new ManualClock();
    final SharedDict dict = new SharedDict("dogs", 1 << 20, clock);

    static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void storesWithFlagsAndOps() {
        assertThat(dict.store(SharedDict.Op.SET, "a", 1.0, 0, 0)).isEqualTo(new SharedDict.Stored(true, null, false));
        assertThat(dict.store(SharedDict.Op.ADD, "a", 2.0, 0, 0)).isEqualTo(new SharedDict.Stored(false, "exists", false));
        assertThat(dict.store(SharedDict.Op.REPLACE, "zz", 2.0, 0, 0))
                .isEqualTo(new SharedDict.Stored(false, "not found", false));
        dict.store(SharedDict.Op.SET, "b", b("x"), 0, 7);
        SharedDict.Value v = dict.get("b", false);
        assertThat(new String((byte[]) v.value(), StandardCharsets.UTF_8)).isEqualTo("x");
        assertThat(v.flags()).isEqualTo(7);
        dict.store(SharedDict.Op.SET, "b", b("y"), 0, 0);
        assertThat(dict.get("b", false).flags()).isZero();
        assertThat(dict.store(SharedDict.Op.SET, "b", null, 0, 0).ok()).isTrue();
        assertThat(dict.get("b", false)).isNull();
    }

    @Test
    void expiresLazilyAndGetStaleSeesExpiredEntries() {
        dict.store(SharedDict.Op.SET, "f", 1.0, 1000, 0);
        clock.advance(999);
        assertThat(dict.get("f", false)).isNotNull();
        clock.advance(12);
        assertThat(dict.ttl("f")).isEqualTo(-0.011);
        assertThat(dict.get("f", true)).isEqualTo(new SharedDict.Value(1.0, 0, true));
        assertThat(dict.incr("f", 1, null, 0).err()).isEqualTo("not found");
        assertThat(dict.store(SharedDict.Op.ADD, "f", 5.0, 0, 0).ok()).isTrue();
        assertThat(dict.get("f", false).value()).isEqualTo(5.0);
        assertThat(dict.ttl("f")).isEqualTo(0.0);
        assertThat(dict.ttl("nope")).isNull();
    }

    @Test
    void flushAllExpiresEverythingAndFlushExpiredFrees() {
        for (int i = 0; i < 5; i++) {
            dict.store(SharedDict.Op.SET, "k" + i, (double) i, 0, 0);
        }
        dict.flushAll();
        assertThat(dict.keys(0)).isEmpty();
        assertThat(dict.size()).isEqualTo(2); // nginx frees three at once (shared-dict.t shows it)
        assertThat(dict.get("k4", true).stale()).isTrue();
        assertThat(dict.flushExpired(1)).isEqualTo(1);
        assertThat(dict.flushExpired(0)).isEqualTo(1);
        assertThat(dict.used()).isZero();
    }

    @Test
    void incrWithInitAndInitTtl() {
        assertThat(dict.incr("i", 1, 0.0, 5000)).isEqualTo(new SharedDict.Incremented(1.0, null, false));
        assertThat(dict.ttl("i")).isEqualTo(5.0);
        assertThat(dict.incr("i", 1.5, null, 0).value()).isEqualTo(2.5);
        dict.store(SharedDict.Op.SET, "s", b("x"), 0, 0);
        assertThat(dict.incr("s", 1, null, 0).err()).isEqualTo("not a number");
    }

    @Test
    void lists() {
        assertThat(dict.push("l", b("v1"), true).length()).isEqualTo(1);
        assertThat(dict.push("l", 2.0, false).length()).isEqualTo(2);
        assertThat(dict.get("l", false).value()).isSameAs(SharedDict.LIST);
        assertThat(dict.llen("l").length()).isEqualTo(2);
        assertThat(new String((byte[]) dict.pop("l", true).value(), StandardCharsets.UTF_8)).isEqualTo("v1");
        assertThat(dict.pop("l", false).value()).isEqualTo(2.0);
        assertThat(dict.pop("l", false)).isEqualTo(new SharedDict.Popped(null, null));
        assertThat(dict.get("l", false)).isNull(); // an emptied list is removed
        dict.store(SharedDict.Op.SET, "a", 1.0, 0, 0);
        assertThat(dict.push("a", 1.0, true).err()).isEqualTo("value not a list");
        assertThat(dict.llen("a").err()).isEqualTo("value not a list");
        assertThat(dict.used()).isEqualTo(SlabModel.entry(1, 8));
    }

    @Test
    void fullDictEvictsLeastRecentlyUsedAndSaysForcible() {
        SharedDict small = new SharedDict("small", 64 * 1024, clock);
        long usable = SlabModel.usable(64 * 1024);
        byte[] value = new byte[900]; // 68 + 2..3 + 900 -> a 1024-byte slab
        int fits = (int) (usable / 1024);
        for (int i = 0; i < fits; i++) {
            assertThat(small.store(SharedDict.Op.SET, "k" + i, value, 0, 0).forcible()).isFalse();
        }
        small.get("k0", false); // k0 becomes the most recently used: k1 goes first
        assertThat(small.store(SharedDict.Op.SAFE_SET, "new", value, 0, 0))
                .isEqualTo(new SharedDict.Stored(false, "no memory", false));
        assertThat(small.store(SharedDict.Op.SET, "new", value, 0, 0)).isEqualTo(new SharedDict.Stored(true, null, true));
        assertThat(small.get("k1", false)).isNull();
        assertThat(small.get("k0", false)).isNotNull();
        assertThat(small.evictions()).isEqualTo(1);
        assertThat(small.used()).isLessThanOrEqualTo(usable);
        assertThat(small.store(SharedDict.Op.SET, "huge", new byte[usable > 0 ? (int) usable + 1 : 1], 0, 0).err())
                .isEqualTo("no memory");
    }

    @Test
    void memoryNeverPassesTheDeclaredSize() {
        SharedDict small = new SharedDict("small", 100 * 1024, clock);
        for (int i = 0; i < 20_000; i++) {
            small.store(SharedDict.Op.SET, "key-" + i, new byte[i % 300], i % 3 == 0 ? 10 : 0, 0);
            small.incr("n-" + i, 1, 0.0, 0);
            small.push("l-" + (i % 50), b("item"), true);
            clock.advance(1);
            assertThat(small.used()).isLessThanOrEqualTo(SlabModel.usable(100 * 1024));
        }
        assertThat(small.evictions()).isPositive();
        assertThat(small.capacity()).isEqualTo(100 * 1024);
    }

    @Test
    void slabModelMatchesNginxFreeSpaceOfNewZones() {
        assertThat(new SharedDict("a", 1 << 20, clock).freeSpace()).isEqualTo(1032192); // nginx 1.22, 1m
        assertThat(new SharedDict("b", 12 * 1024, clock).freeSpace()).isZero(); // nginx 1.22, 12k
    }

    @Test
    void concurrentIncrementsAddUp() throws Exception {
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 8; t++) {
            threads.add(Thread.ofPlatform().start(() -> {
                for (int i = 0; i < 10_000; i++) {
                    dict.incr("hits", 1, 0.0, 0);
                    dict.store(SharedDict.Op.SET, "k" + (i % 100), (double) i, 0, 0);
                }
            }));
        }
        for (Thread t : threads) {
            t.join();
        }
        assertThat(dict.get("hits", false).value()).isEqualTo(80_000.0);
    }

    @Test
    void resizeKeepsContentsAndEvictsWhenShrinking() {
        for (int i = 0; i < 200; i++) {
            dict.store(SharedDict.Op.SET, "k" + i, new byte[900], 0, 0);
        }
        dict.resize(2 << 20);
        assertThat(dict.size()).isEqualTo(200);
        dict.resize(64 * 1024);
        assertThat(dict.used()).isLessThanOrEqualTo(SlabModel.usable(64 * 1024));
        assertThat(dict.get("k199", false)).isNotNull(); // the most recent stay
        assertThat(dict.get("k0", false)).isNull();
    }

    @Test
    void nodeAppliesDeclarationsWithinItsTotalBoundAndMeters() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        SharedDicts dicts = new SharedDicts(clock, registry, 3 << 20);
        dicts.apply(1, List.of(new SharedDictSpec("a", 1 << 20), new SharedDictSpec("b", 2 << 20),
                new SharedDictSpec("c", 1 << 20)));
        assertThat(dicts.names()).containsExactly("a", "b");
        assertThat(dicts.refused()).containsExactly("c");
        dicts.get("a").store(SharedDict.Op.SET, "x", 1.0, 0, 0);
        assertThat(registry.get("cu.shared_dict.capacity").tag("dict", "a").gauge().value()).isEqualTo(1 << 20);
        assertThat(registry.get("cu.shared_dict.used").tag("dict", "a").gauge().value()).isEqualTo(128);
        assertThat(registry.get("cu.shared_dict.keys").tag("dict", "a").gauge().value()).isEqualTo(1);
        // resize a, drop b and c: a keeps its contents; an older snapshot's declarations change nothing
        List<SharedDictSpec> v2 = List.of(new SharedDictSpec("a", 2 << 20));
        dicts.apply(2, v2);
        dicts.apply(1, List.of(new SharedDictSpec("b", 1 << 20)));
        assertThat(dicts.names()).containsExactly("a");
        assertThat(dicts.get("a").get("x", false).value()).isEqualTo(1.0);
        assertThat(registry.find("cu.shared_dict.capacity").tag("dict", "b").gauge()).isNull();
        assertThat(registry.get("cu.shared_dict.capacity").tag("dict", "a").gauge().value()).isEqualTo(2 << 20);
    }
}
