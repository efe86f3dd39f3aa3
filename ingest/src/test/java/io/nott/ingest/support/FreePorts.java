package io.nott.ingest.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.util.HashSet;
import java.util.Set;

/** Ports nobody listens on right now, distinct from each other. */
public final class FreePorts {

    private FreePorts() {
    }

    public static int[] take(int count) {
        Set<Integer> ports = new HashSet<>();
        while (ports.size() < count) {
            try (ServerSocket s = new ServerSocket(0)) {
                ports.add(s.getLocalPort());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return ports.stream().mapToInt(Integer::intValue).toArray();
    }
}
