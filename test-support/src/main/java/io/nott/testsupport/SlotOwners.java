package io.nott.testsupport;

import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Who owns which slots, in one node's own words (its {@code CLUSTER NODES} answer), and whether
 * every node says the same.
 *
 * <p>Each node's {@code cluster_state:ok} is not enough: a master restarted with its old identity
 * (and no data) still believes it owns its old slots until gossip brings it an UPDATE naming the
 * newer epoch that took them over. Until then it reports {@code cluster_state:ok}, a client that
 * asks it for the slot map is sent to an empty master, and the next test reads or writes there
 * (a version read as 80 right after a commit answered 81). The cluster is settled only when every
 * running node names the same owner for every slot range.
 */
final class SlotOwners {

    private SlotOwners() {
    }

    /**
     * Owner node id by slot range ({@code "0-5460"}), as one node's {@code CLUSTER NODES} output
     * tells it. Slots being migrated ({@code [..]}) are left out: they name no stable owner.
     */
    static Map<String, String> of(String clusterNodes) {
        Map<String, String> owners = new TreeMap<>();
        for (String line : clusterNodes.split("\n")) {
            if (line.isBlank() || !ClusterNodesLine.hasSlots(line)) {
                continue;
            }
            String id = ClusterNodesLine.id(line);
            for (String range : ClusterNodesLine.slotRanges(line)) {
                owners.put(range, id);
            }
        }
        return owners;
    }

    /**
     * The first disagreement between the views of the nodes (port to {@code CLUSTER NODES}
     * output), worded for a test failure, or empty when every node names the same owners.
     */
    static Optional<String> disagreement(Map<Integer, String> clusterNodesByPort) {
        Integer firstPort = null;
        Map<String, String> first = null;
        for (Map.Entry<Integer, String> view : clusterNodesByPort.entrySet()) {
            Map<String, String> owners = of(view.getValue());
            if (first == null) {
                firstPort = view.getKey();
                first = owners;
            } else if (!owners.equals(first)) {
                return Optional.of("nodes " + firstPort + " and " + view.getKey()
                        + " disagree on who owns which slots (slot range=owner id): " + first + " vs " + owners);
            }
        }
        return Optional.empty();
    }
}
