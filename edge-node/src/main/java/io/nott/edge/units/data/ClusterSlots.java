package io.nott.edge.units.data;

import io.vertx.redis.client.Response;
import io.vertx.redis.client.impl.ZModem;
import java.util.HashMap;
import java.util.Map;

/**
 * Which master holds each of the cluster's 16384 slots, read once per connection from
 * {@code CLUSTER SLOTS}; a {@code MOVED} reply corrects one slot ({@link #moved}). Read on any
 * loop, corrected on any loop: a stale entry costs one redirect, never a wrong answer (Redis
 * refuses a key it does not hold).
 */
final class ClusterSlots {

    /** A master's address; one instance per master, so sockets can be looked up by it. */
    record Master(String host, int port) {
        @Override
        public String toString() {
            return host + ":" + port;
        }
    }

    private static final int SLOTS = 16384;

    private final Master[] bySlot = new Master[SLOTS];
    private final Map<String, Master> masters = new HashMap<>();

    /**
     * @param reply       {@code CLUSTER SLOTS}' reply
     * @param askedHost   the host the reply came from (a master listed without a host is on it)
     */
    ClusterSlots(Response reply, String askedHost) {
        for (Response range : reply) {
            Response node = range.get(2);
            String host = node.get(0) == null || node.get(0).toString().isEmpty() ? askedHost : node.get(0).toString();
            Master master = master(host, node.get(1).toInteger());
            for (int slot = range.get(0).toInteger(), last = range.get(1).toInteger(); slot <= last; slot++) {
                bySlot[slot] = master;
            }
        }
    }

    /** The master of {@code key}'s slot, or null when no master holds it (the cluster is incomplete). */
    Master masterOf(String key) {
        return bySlot[ZModem.generate(key)];
    }

    /**
     * A {@code MOVED <slot> <host>:<port>} reply's correction: the slot is that master's from now
     * on (a migrated slot or a failover). Anything else is ignored.
     */
    void moved(String error) {
        String[] parts = error.split(" ");
        int colon = parts.length == 3 ? parts[2].lastIndexOf(':') : -1;
        if (colon > 0) {
            try {
                int slot = Integer.parseInt(parts[1]);
                Master master = master(parts[2].substring(0, colon), Integer.parseInt(parts[2].substring(colon + 1)));
                if (slot >= 0 && slot < SLOTS) {
                    bySlot[slot] = master;
                }
            } catch (NumberFormatException e) {
                // not a MOVED we understand: the redirect still goes through Vert.x' client
            }
        }
    }

    private synchronized Master master(String host, int port) {
        return masters.computeIfAbsent(host + ":" + port, k -> new Master(host, port));
    }
}
