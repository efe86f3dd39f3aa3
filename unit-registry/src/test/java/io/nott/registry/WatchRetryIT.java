package io.nott.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nott.registry.error.RegistryException;
import io.nott.registry.unit.UnitSpec;
import io.nott.registry.unit.repository.UnitRepository;
import io.nott.testsupport.InjectRedisCluster;
import io.nott.testsupport.RedisCluster;
import io.nott.testsupport.RedisClusterResource;
import io.nott.unit.model.Budget;
import io.nott.unit.model.Phase;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Another registry replica commits between our read and our commit: our commit script must write
 * nothing and the change be decided again on the new state, so neither write is lost. (The name
 * is from when the check was WATCH + MULTI/EXEC.)
 */
@QuarkusTest
@QuarkusTestResource(RedisClusterResource.class)
class WatchRetryIT {

    @InjectRedisCluster
    RedisCluster cluster;

    @Inject
    UnitRepository units;

    @Test
    void aWriteThatLosesTheWatchRaceIsDecidedAgain() {
        String id = Api.freshId("watch");
        UnitSpec spec = UnitSpec.builder(id, Phase.ACCESS, "local a = 1").budget(new Budget(1000, 10)).build();
        AtomicInteger decisions = new AtomicInteger();
        long[] seen = new long[2];
        UnitRepository.Committed committed = units.commit(id, "test", current -> {
            int n = decisions.incrementAndGet();
            seen[n - 1] = current.globalVersion();
            if (n == 1) {
                // the "other replica": changes a watched key on its own connection
                cluster.cli(cluster.masterOf("{cu}:version"), "INCR", "{cu}:version");
            }
            return new UnitRepository.Change(spec, "create", "created");
        });
        assertThat(decisions).hasValue(2);
        assertThat(seen[1]).isEqualTo(seen[0] + 1);
        assertThat(committed.version()).isEqualTo(seen[1] + 1);
        assertThat(units.history(id)).hasSize(1);
        assertThat(units.find(id)).get().extracting(u -> u.version()).isEqualTo(committed.version());
    }

    @Test
    void aFencedWriteWhoseLeaseMovesBeforeItsCommitWritesNothing() {
        String id = Api.freshId("fence");
        String lease = "{cu}:test-lease:" + id;
        cluster.cli(cluster.masterOf(lease), "SET", lease, "mine");
        UnitSpec spec = UnitSpec.builder(id, Phase.ACCESS, "local a = 1").budget(new Budget(1000, 10)).build();
        AtomicInteger decisions = new AtomicInteger();
        assertThatThrownBy(() -> units.commit(id, "test", new UnitRepository.Fence(lease, "mine"), current -> {
            if (decisions.incrementAndGet() == 1) {
                // another replica takes the lease after our read, before our commit
                cluster.cli(cluster.masterOf(lease), "SET", lease, "theirs");
            }
            return new UnitRepository.Change(spec, "create", "created");
        })).isInstanceOfSatisfying(RegistryException.class, e -> {
            assertThat(e.status()).isEqualTo(409);
            assertThat(e.getMessage()).contains("theirs");
        });
        assertThat(decisions).hasValue(1);
        assertThat(units.find(id)).isEmpty();
        assertThat(units.history(id)).isEmpty();
    }
}
