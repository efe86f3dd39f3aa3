package io.nott.edge.units.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nott.testsupport.MutableClock;
import io.nott.unit.runtime.InMemoryUnitRedisClient;
import io.nott.unit.runtime.UnitRedisCommand;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The opt-in read cache over units' Redis: {@code backing} stands for Redis as every node sees
 * it (writes to it directly are another node's), the cache for this node's view. TTLs are an hour
 * so a loaded machine's real time cannot expire an entry between two lines; the clock is moved.
 */
class ReadThroughCacheTest {

    private final MutableClock clock = new MutableClock();
    private final InMemoryUnitRedisClient backing = new InMemoryUnitRedisClient(clock);
    private final ReadThroughCache cache = new ReadThroughCache(backing, List.of("config:"), Duration.ofHours(1), 100, clock);

    @Test
    void readsUnderAPrefixComeFromMemoryUntilTheTtlThenFromRedis() {
        backing.set("ud:config:mode", "a", 0);
        backing.hset("ud:config:limits", "rate", "10");
        backing.sadd("ud:config:allowed", "10.0.0.1");
        assertThat(cache.get("ud:config:mode")).isEqualTo("a");
        assertThat(cache.hget("ud:config:limits", "rate")).isEqualTo("10");
        assertThat(cache.sismember("ud:config:allowed", "10.0.0.2")).isFalse();
        assertThat(cache.smembers("ud:config:allowed")).containsExactly("10.0.0.1");

        // Another node writes: this node keeps its answers for the TTL...
        backing.set("ud:config:mode", "b", 0);
        backing.hset("ud:config:limits", "rate", "20");
        backing.sadd("ud:config:allowed", "10.0.0.2");
        assertThat(cache.get("ud:config:mode")).isEqualTo("a");
        assertThat(cache.hget("ud:config:limits", "rate")).isEqualTo("10");
        assertThat(cache.sismember("ud:config:allowed", "10.0.0.2")).isFalse();
        assertThat(cache.smembers("ud:config:allowed")).containsExactly("10.0.0.1");

        // ...and sees the writes once it is over.
        clock.advance(Duration.ofHours(2));
        assertThat(cache.get("ud:config:mode")).isEqualTo("b");
        assertThat(cache.hget("ud:config:limits", "rate")).isEqualTo("20");
        assertThat(cache.sismember("ud:config:allowed", "10.0.0.2")).isTrue();
        assertThat(cache.smembers("ud:config:allowed")).containsExactlyInAnyOrder("10.0.0.1", "10.0.0.2");
    }

    @Test
    void anAbsentKeyIsCachedAsAbsent() {
        assertThat(cache.get("ud:config:missing")).isNull();
        backing.set("ud:config:missing", "now here", 0);
        assertThat(cache.get("ud:config:missing")).isNull();
        clock.advance(Duration.ofHours(2));
        assertThat(cache.get("ud:config:missing")).isEqualTo("now here");
    }

    @Test
    void aPipelineGoesToRedisWholeAndItsWritesDropTheCachedReads() {
        backing.set("ud:config:mode", "a", 0);
        assertThat(cache.get("ud:config:mode")).isEqualTo("a");
        backing.set("ud:config:mode", "b", 0); // another node's write: the cache still answers "a"
        assertThat(cache.pipeline(List.of(new UnitRedisCommand(UnitRedisCommand.Op.GET, "ud:config:mode", List.of()))))
                .as("a pipeline's read is Redis' answer").containsExactly("b");
        assertThat(cache.get("ud:config:mode")).as("and is not stored").isEqualTo("a");

        assertThat(cache.pipeline(List.of(new UnitRedisCommand(UnitRedisCommand.Op.SET, "ud:config:mode", List.of("c")))))
                .containsExactly("OK");
        assertThat(cache.get("ud:config:mode")).as("this node's pipelined write is seen at once").isEqualTo("c");
    }

    @Test
    void thisNodesWritesAreSeenAtOnce() {
        backing.set("ud:config:mode", "a", 0);
        assertThat(cache.get("ud:config:mode")).isEqualTo("a");
        cache.set("ud:config:mode", "c", 0);
        assertThat(cache.get("ud:config:mode")).isEqualTo("c");

        assertThat(cache.hget("ud:config:limits", "rate")).isNull();
        cache.hincrby("ud:config:limits", "rate", 5);
        assertThat(cache.hget("ud:config:limits", "rate")).isEqualTo("5");

        assertThat(cache.sismember("ud:config:allowed", "x")).isFalse();
        cache.sadd("ud:config:allowed", "x");
        assertThat(cache.sismember("ud:config:allowed", "x")).isTrue();
        cache.del("ud:config:allowed");
        assertThat(cache.smembers("ud:config:allowed")).isEmpty();
    }

    @Test
    void keysOutsideThePrefixesAlwaysGoToRedis() {
        backing.set("ud:counter", "1", 0);
        assertThat(cache.get("ud:counter")).isEqualTo("1");
        backing.set("ud:counter", "2", 0);
        assertThat(cache.get("ud:counter")).isEqualTo("2");
        assertThat(cache.cachedKeys()).isZero();
    }

    @Test
    void anIsolatedUnitsKeysMatchThePrefixAfterItsNamespace() {
        backing.set("ui:checkout:config:mode", "a", 0);
        assertThat(cache.get("ui:checkout:config:mode")).isEqualTo("a");
        backing.set("ui:checkout:config:mode", "b", 0);
        assertThat(cache.get("ui:checkout:config:mode")).isEqualTo("a");
    }

    @Test
    void theCacheNeverHoldsMoreThanItsMaximumOfKeys() {
        ReadThroughCache small = new ReadThroughCache(backing, List.of("config:"), Duration.ofHours(1), 2, clock);
        for (int i = 0; i < 10; i++) {
            small.get("ud:config:k" + i);
            assertThat(small.cachedKeys()).isLessThanOrEqualTo(2);
        }
        assertThat(small.cachedKeys()).isPositive();
    }

    @Test
    void aCacheWithoutPrefixesOrWithANonPositiveTtlIsRefusedWithTheSettingsName() {
        assertThatThrownBy(() -> new ReadThroughCache(backing, List.of(), Duration.ofSeconds(1), 10, clock))
                .hasMessageContaining("edge.units.redis-read-cache-prefixes");
        assertThatThrownBy(() -> new ReadThroughCache(backing, List.of("config:"), Duration.ZERO, 10, clock))
                .hasMessageContaining("edge.units.redis-read-cache-ttl");
    }
}
