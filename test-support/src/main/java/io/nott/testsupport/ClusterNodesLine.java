package io.nott.testsupport;

import java.util.ArrayList;
import java.util.List;

/** Reads the slot ranges of one line of {@code CLUSTER NODES} output. */
final class ClusterNodesLine {

    private static final int FIRST_SLOT_FIELD = 8;

    private ClusterNodesLine() {
    }

    /** The node id a line describes (its first field). */
    static String id(String line) {
        return line.trim().split(" ")[0];
    }

    /** The slot fields of a line ({@code 0-5460}, {@code 7000}), without slots being migrated. */
    static List<String> slotRanges(String line) {
        String[] fields = line.trim().split(" ");
        List<String> ranges = new ArrayList<>();
        for (int i = FIRST_SLOT_FIELD; i < fields.length; i++) {
            if (!fields[i].startsWith("[")) {
                ranges.add(fields[i]);
            }
        }
        return ranges;
    }

    static boolean hasSlots(String line) {
        return line.trim().split(" ").length > FIRST_SLOT_FIELD;
    }

    /** The client port of the node a line describes ({@code ip:port@busport}). */
    static int port(String line) {
        String address = line.trim().split(" ")[1];
        return Integer.parseInt(address.substring(address.indexOf(':') + 1, address.indexOf('@')));
    }

    static boolean servesSlot(String line, int slot) {
        String[] fields = line.trim().split(" ");
        for (int i = FIRST_SLOT_FIELD; i < fields.length; i++) {
            String range = fields[i];
            if (range.startsWith("[")) {
                continue; // a slot being migrated or imported
            }
            int dash = range.indexOf('-');
            int from = Integer.parseInt(dash < 0 ? range : range.substring(0, dash));
            int to = dash < 0 ? from : Integer.parseInt(range.substring(dash + 1));
            if (slot >= from && slot <= to) {
                return true;
            }
        }
        return false;
    }
}
