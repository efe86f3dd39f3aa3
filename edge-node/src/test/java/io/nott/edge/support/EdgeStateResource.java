package io.nott.edge.support;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/** Gives the test application its own node id and snapshot file, so runs never share state. */
public class EdgeStateResource implements QuarkusTestResourceLifecycleManager {

    private static volatile Path snapshotFile;
    private static volatile String nodeId;

    @Override
    public Map<String, String> start() {
        try {
            snapshotFile = Files.createTempDirectory("edge-snapshot-").resolve("units-snapshot.json");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        nodeId = "test-edge-" + Long.toHexString(System.nanoTime());
        return Map.of("edge.sync.snapshot-file", snapshotFile.toString(), "edge.node-id", nodeId);
    }

    public static Path snapshotFile() {
        return snapshotFile;
    }

    public static String nodeId() {
        return nodeId;
    }

    @Override
    public void stop() {
    }
}
