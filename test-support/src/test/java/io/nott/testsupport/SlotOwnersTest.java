package io.nott.testsupport;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The views a cluster shows right after a master restarts without its data: the restarted node
 * still claims its old slots while the others name the replica that took them over. Every node
 * then reports {@code cluster_state:ok}, so only comparing the views tells the cluster is not settled.
 */
class SlotOwnersTest {

    private static final String PROMOTED_VIEW = """
            a1 127.0.0.1:7000@17000 master - 0 1 1 connected 5461-10922
            b2 127.0.0.1:7001@17001 myself,master - 0 0 2 connected 10923-16383
            c3 127.0.0.1:7002@17002 master - 0 1 7 connected 0-5460 [5000->-a1]
            d4 127.0.0.1:7003@17003 slave c3 0 1 7 connected
            """;
    private static final String RESTARTED_VIEW = """
            a1 127.0.0.1:7000@17000 master - 0 1 1 connected 5461-10922
            b2 127.0.0.1:7001@17001 master - 0 0 2 connected 10923-16383
            c3 127.0.0.1:7002@17002 slave d4 0 1 3 connected
            d4 127.0.0.1:7003@17003 myself,master - 0 1 3 connected 0-5460
            """;
    private static final String SETTLED_VIEW = """
            a1 127.0.0.1:7000@17000 master - 0 1 1 connected 5461-10922
            b2 127.0.0.1:7001@17001 master - 0 0 2 connected 10923-16383
            c3 127.0.0.1:7002@17002 master - 0 1 7 connected 0-5460
            d4 127.0.0.1:7003@17003 myself,slave c3 0 1 7 connected
            """;

    @Test
    void ownersAreReadPerSlotRangeLeavingMigratingSlotsOut() {
        assertThat(SlotOwners.of(PROMOTED_VIEW))
                .containsExactlyInAnyOrderEntriesOf(Map.of("5461-10922", "a1", "10923-16383", "b2", "0-5460", "c3"));
    }

    @Test
    void aRestartedMasterThatStillClaimsItsOldSlotsIsADisagreement() {
        Map<Integer, String> views = new LinkedHashMap<>();
        views.put(7001, PROMOTED_VIEW);
        views.put(7003, RESTARTED_VIEW);
        assertThat(SlotOwners.disagreement(views)).hasValueSatisfying(problem -> assertThat(problem)
                .contains("7001", "7003", "0-5460=c3", "0-5460=d4"));
    }

    @Test
    void viewsThatNameTheSameOwnersAgree() {
        Map<Integer, String> views = new LinkedHashMap<>();
        views.put(7001, PROMOTED_VIEW);
        views.put(7003, SETTLED_VIEW);
        assertThat(SlotOwners.disagreement(views)).isEmpty();
    }
}
