package io.nott.edge.cache;

import static org.assertj.core.api.Assertions.assertThat;

import io.nott.edge.proxy.ResponseBody;
import io.vertx.core.buffer.Buffer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Body files: what is kept where, when a file goes, and what a start cleans. */
class BodyFilesTest {

    @TempDir
    Path base;

    private static Buffer randomBody(int length) {
        byte[] bytes = new byte[length];
        ThreadLocalRandom.current().nextBytes(bytes);
        return Buffer.buffer(bytes);
    }

    private static Path pathOf(ResponseBody.InFile body) {
        return Path.of(body.path());
    }

    @Test
    void aLargeBodyGoesToAFileWithTheSameBytesAndASmallOneStaysInMemory() throws IOException {
        try (BodyFiles files = BodyFiles.open(base)) {
            Buffer body = randomBody(100 * 1024);
            BodyFile file = files.store(body);
            ResponseBody.InFile sent = file.lease();

            assertThat(sent.length()).isEqualTo(body.length());
            assertThat(Files.readAllBytes(pathOf(sent))).isEqualTo(body.getBytes());
            assertThat(sent.read().getBytes()).isEqualTo(body.getBytes());
            // No extension: Vert.x's sendFile would add a Content-Type guessed from one.
            assertThat(pathOf(sent).getFileName().toString()).doesNotContain(".");
            assertThat(files.store(randomBody(BodyFiles.MIN_BYTES - 1))).isNull();
            assertThat(BodyFiles.none().store(body)).isNull();
        }
    }

    @Test
    void theFileOutlivesItsEvictionUntilTheLastResponseSendingItLetsGo() {
        try (BodyFiles files = BodyFiles.open(base)) {
            BodyFile file = files.store(randomBody(64 * 1024));
            ResponseBody.InFile first = file.lease();
            ResponseBody.InFile second = file.lease();

            file.dropped(); // evicted while two responses send it
            assertThat(pathOf(first)).exists();
            first.discard();
            first.discard(); // a second path giving the same body up must not take another response's hold
            assertThat(pathOf(first)).exists();
            second.discard();
            assertThat(pathOf(first)).doesNotExist();
            assertThat(file.lease()).as("a lookup that raced the eviction finds no body").isNull();
        }
    }

    @Test
    void aFileNoResponseHoldsGoesWithItsEviction() {
        try (BodyFiles files = BodyFiles.open(base)) {
            BodyFile file = files.store(randomBody(64 * 1024));
            ResponseBody.InFile sent = file.lease();
            sent.discard();
            assertThat(pathOf(sent)).exists();
            file.dropped();
            assertThat(pathOf(sent)).doesNotExist();
        }
    }

    @Test
    void aStartDeletesWhatStoppedEdgesLeftButNotALiveCachesFiles() throws Exception {
        Path abandoned = Files.createDirectories(base.resolve("nott-edge-cache-1"));
        Files.write(abandoned.resolve("7"), new byte[100]);
        Files.createFile(base.resolve("nott-edge-cache-1.lock"));
        Path heldElsewhere = Files.createDirectories(base.resolve("nott-edge-cache-2"));
        Files.write(heldElsewhere.resolve("3"), new byte[100]);
        Path lockElsewhere = Files.createFile(base.resolve("nott-edge-cache-2.lock"));
        // Another process's lock (POSIX record locks, as the JDK's FileChannel.lock takes them).
        Process holder = new ProcessBuilder("python3", "-c", """
                import fcntl, sys, time
                f = open(sys.argv[1], 'w'); fcntl.lockf(f, fcntl.LOCK_EX); print('locked', flush=True); time.sleep(60)
                """, lockElsewhere.toString()).redirectErrorStream(true).start();
        try {
            assertThat(holder.inputReader().readLine()).isEqualTo("locked");
        } catch (IOException | AssertionError e) {
            holder.destroy();
            throw e;
        }
        try (BodyFiles live = BodyFiles.open(base)) {
            BodyFile kept = live.store(randomBody(32 * 1024));
            ResponseBody.InFile keptBody = kept.lease();

            try (BodyFiles next = BodyFiles.open(base)) {
                assertThat(abandoned).doesNotExist();
                assertThat(base.resolve("nott-edge-cache-1.lock")).doesNotExist();
                assertThat(heldElsewhere.resolve("3")).as("another running edge's").exists();
                assertThat(pathOf(keptBody)).as("a live cache's of this JVM").exists();
                assertThat(next.directory()).isNotEqualTo(live.directory());
            }
            assertThat(pathOf(keptBody)).as("closing one cache leaves the others' files").exists();
            assertThat(lockedByAnotherProcess(Path.of(live.directory() + ".lock")))
                    .as("the live cache still holds its lock for other edges to see").isTrue();
            keptBody.discard();
        } finally {
            holder.destroy();
            holder.waitFor(10, TimeUnit.SECONDS);
        }
    }

    /** Whether another process finds {@code lockFile} locked (it tries without waiting). */
    private static boolean lockedByAnotherProcess(Path lockFile) throws Exception {
        Process probe = new ProcessBuilder("python3", "-c", """
                import fcntl, sys
                f = open(sys.argv[1], 'a')
                try:
                    fcntl.lockf(f, fcntl.LOCK_EX | fcntl.LOCK_NB)
                except OSError:
                    sys.exit(3)
                """, lockFile.toString()).redirectErrorStream(true).start();
        assertThat(probe.waitFor(30, TimeUnit.SECONDS)).isTrue();
        return probe.exitValue() == 3;
    }

    @Test
    void closingDeletesTheCachesDirectoryAndLaterBodiesStayInMemory() {
        BodyFiles files = BodyFiles.open(base);
        BodyFile file = files.store(randomBody(64 * 1024));
        Path path = pathOf(file.lease());

        files.close();
        assertThat(path).doesNotExist();
        assertThat(files.directory()).doesNotExist();
        assertThat(files.store(randomBody(64 * 1024))).as("the directory cannot take it: memory").isNull();
    }
}
