package io.nott.registry;

import static org.assertj.core.api.Assertions.assertThat;

import io.nott.registry.unit.StoredUnit;
import io.nott.registry.unit.UnitSpec;
import io.nott.registry.unit.repository.UnitRepository;
import io.nott.unit.model.Phase;
import io.nott.testsupport.RedisClusterResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Issue #17: a single change does not queue behind a bulk apply that is being decided and staged
 * (10,000 units take seconds), and the bulk apply stays atomic: the set, diffed against the
 * version before the single change, is refused by its commit script and decided again on the new
 * version, so the set applies whole, after the single change.
 */
@QuarkusTest
@QuarkusTestResource(RedisClusterResource.class)
class SingleChangeDuringBulkIT {

    @Inject
    UnitRepository units;

    @Test
    void aSingleChangeCommitsWhileABulkApplyIsDecidedAndTheSetIsDecidedAgainAfterIt() throws Exception {
        String single = Api.freshId("single");
        List<UnitSpec> set = new ArrayList<>(units.list().units().stream().map(StoredUnit::spec).toList());
        String bulk = Api.freshId("bulk");
        for (int i = 0; i < 3; i++) {
            set.add(UnitSpec.builder(bulk + "-" + i, Phase.ACCESS, "local n = " + i).build());
        }
        AtomicInteger decisions = new AtomicInteger();
        long[] seen = new long[3];
        UnitRepository.Committed[] written = new UnitRepository.Committed[1];
        ExecutorService other = Executors.newSingleThreadExecutor();
        try {
            UnitRepository.Applied applied = units.applyAll(set, "test", version -> {
                int n = decisions.incrementAndGet();
                seen[n - 1] = version;
                if (n == 1) {
                    // Another request's single change, on its own thread, while this set is being
                    // decided: it used to wait for the set's write lock (a deadlock here, ended by
                    // the bound below); now it commits at once.
                    try {
                        written[0] = other.submit(() -> units.commit(single, "test",
                                current -> new UnitRepository.Change(UnitSpec.builder(single, Phase.ACCESS, "local s = 1").build(),
                                        "create", "created"))).get(60, TimeUnit.SECONDS);
                    } catch (Exception e) {
                        throw new AssertionError("the single change did not commit while the set was decided", e);
                    }
                }
            });
            assertThat(decisions).as("the set is decided again on the single change's version").hasValue(2);
            assertThat(written[0].version()).isEqualTo(seen[0] + 1);
            assertThat(seen[1]).isEqualTo(written[0].version());
            assertThat(applied.version()).as("the set commits after the single change").isEqualTo(written[0].version() + 1);
            assertThat(applied.changes().deleted()).as("the set does not name the single change's unit, so it goes")
                    .containsExactly(single);
            assertThat(units.find(single)).isEmpty();
            for (int i = 0; i < 3; i++) {
                assertThat(units.find(bulk + "-" + i)).get().extracting(StoredUnit::version).isEqualTo(applied.version());
            }
            assertThat(units.globalVersion()).isEqualTo(applied.version());
        } finally {
            other.shutdownNow();
        }
    }
}
