package io.nott.edge.cache;

import io.netty.buffer.ByteBuf;
import io.vertx.core.buffer.Buffer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Comparator;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.jboss.logging.Logger;

/**
 * Where large cached bodies are kept so that they go out with {@code sendfile} (nginx's
 * {@code proxy_cache_path} with {@code sendfile on}): one file per body in a directory of this cache's
 * own, by default on {@code /dev/shm}, so the files are memory the kernel sends from without a copy.
 *
 * <p>The directory is {@code <base>/nott-edge-cache-<n>}, held by a lock on
 * {@code <base>/nott-edge-cache-<n>.lock} for the cache's life, so several edges (or test caches) can
 * share a base. Starting, a cache deletes every directory of the base whose lock nobody holds: what a
 * stopped or crashed edge left. Closing deletes its own.
 *
 * <p>Bytes are bounded by the cache's {@code max-size} like any body (the weigher counts them); a body
 * the directory cannot take (a full tmpfs: Docker gives {@code /dev/shm} 64 MiB) stays in memory.
 */
public final class BodyFiles implements AutoCloseable {

    /** Smaller bodies stay in memory: a file costs an open and a few stats per response, which a small copy does not. */
    static final int MIN_BYTES = 16 * 1024;
    private static final Logger LOG = Logger.getLogger(BodyFiles.class);
    private static final String PREFIX = "nott-edge-cache-";
    private static final String LOCK_SUFFIX = ".lock";
    private static final Path SHARED_MEMORY = Path.of("/dev/shm");
    /**
     * The lock files this JVM holds. Never opened again here: closing any channel to a file drops the
     * process's every lock on it (POSIX record locks), which would hand a live cache's directory to the
     * next edge that starts.
     */
    private static final Set<Path> HELD_HERE = ConcurrentHashMap.newKeySet();

    private final Path directory;
    private final FileChannel lockChannel;
    private final Path lockFile;
    private final AtomicLong names = new AtomicLong();
    private final AtomicBoolean refusedOnce = new AtomicBoolean();

    private BodyFiles(Path directory, FileChannel lockChannel, Path lockFile) {
        this.directory = directory;
        this.lockChannel = lockChannel;
        this.lockFile = lockFile;
    }

    /** Every body stays in memory. */
    public static BodyFiles none() {
        return new BodyFiles(null, null, null);
    }

    /** {@code /dev/shm} when this system has it writable (memory the page cache sends from), else the JVM's temporary directory. */
    public static Path defaultBase() {
        return Files.isDirectory(SHARED_MEMORY) && Files.isWritable(SHARED_MEMORY) ? SHARED_MEMORY
                : Path.of(System.getProperty("java.io.tmpdir"));
    }

    /**
     * A directory of this cache's own under {@code base}, after deleting those that stopped edges left there.
     * One cache at a time opens or closes in a JVM, so none looks at another's lock file half made.
     */
    public static synchronized BodyFiles open(Path base) {
        try {
            Files.createDirectories(base);
            removeAbandoned(base);
            for (int attempt = 0; attempt < 5; attempt++) {
                Path lockFile = Files.createTempFile(base, PREFIX, LOCK_SUFFIX);
                FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.WRITE);
                // Another edge's start may have taken it for abandoned between creation and lock: then take another.
                if (tryLock(channel) != null && Files.exists(lockFile)) {
                    HELD_HERE.add(lockFile.toAbsolutePath());
                    Path directory = Files.createDirectories(base.resolve(stem(lockFile)));
                    return new BodyFiles(directory, channel, lockFile);
                }
                channel.close();
            }
            throw new IOException("no lock of its own after 5 attempts");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot keep cached bodies under " + base + " (" + e.getMessage()
                    + "): set edge.cache.path to a writable directory, or edge.cache.sendfile=false to keep them in memory", e);
        }
    }

    /** The directory bodies are written to; null when they all stay in memory. */
    Path directory() {
        return directory;
    }

    /**
     * {@code body} written to a file of its own, or null when it stays in memory: smaller than
     * {@link #MIN_BYTES}, files off, or the directory could not take it.
     */
    BodyFile store(Buffer body) {
        int length = body.length();
        if (directory == null || length < MIN_BYTES) {
            return null;
        }
        // Numbers only: Vert.x would add a Content-Type guessed from a file name's extension.
        Path file = directory.resolve(Long.toString(names.incrementAndGet()));
        try (FileChannel out = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            ByteBuf bytes = body.getByteBuf();
            int written = 0;
            while (written < length) {
                written += bytes.getBytes(written, out, written, length - written);
            }
        } catch (IOException e) {
            try {
                Files.deleteIfExists(file);
            } catch (IOException ignored) {
                // the write's failure is the one to report
            }
            if (refusedOnce.compareAndSet(false, true)) {
                LOG.warnf("cannot write a cached body under %s (%s): bodies that do not fit stay in memory", directory, e);
            }
            return null;
        }
        return new BodyFile(file, length);
    }

    /** Deletes this cache's files; a response still sending one keeps its open file until done. */
    @Override
    public void close() {
        if (directory == null) {
            return;
        }
        synchronized (BodyFiles.class) {
            try (lockChannel) {
                deleteTree(directory);
                Files.deleteIfExists(lockFile);
            } catch (IOException e) {
                LOG.warnf("could not delete the cached bodies under %s: %s", directory, e);
            } finally {
                HELD_HERE.remove(lockFile.toAbsolutePath());
            }
        }
    }

    private static void removeAbandoned(Path base) throws IOException {
        try (DirectoryStream<Path> locks = Files.newDirectoryStream(base, PREFIX + "*" + LOCK_SUFFIX)) {
            for (Path lockFile : locks) {
                if (HELD_HERE.contains(lockFile.toAbsolutePath())) {
                    continue;
                }
                try (FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.WRITE)) {
                    if (tryLock(channel) == null) {
                        continue; // a running edge's
                    }
                    deleteTree(base.resolve(stem(lockFile)));
                    Files.deleteIfExists(lockFile);
                } catch (NoSuchFileException gone) {
                    // removed meanwhile by another edge's start
                } catch (IOException e) {
                    LOG.warnf("left %s in place: %s", lockFile, e); // another user's, or not ours to judge
                }
            }
        }
    }

    /** The lock, or null when another process holds it or this JVM does (another cache here). */
    private static FileLock tryLock(FileChannel channel) throws IOException {
        try {
            return channel.tryLock();
        } catch (OverlappingFileLockException heldHere) {
            return null;
        }
    }

    private static String stem(Path lockFile) {
        String name = lockFile.getFileName().toString();
        return name.substring(0, name.length() - LOCK_SUFFIX.length());
    }

    private static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        }
    }
}
