package io.nott.edge.cache;

import io.nott.edge.proxy.ResponseBody;
import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.lang.ref.Cleaner;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import org.jboss.logging.Logger;

/**
 * A cached body kept in a file ({@link BodyFiles}), which responses send with {@code sendfile}.
 *
 * <p>Counted references decide when the file goes: the cache holds one while the entry is stored,
 * each response sending the body holds one from the lookup until its last byte is out (or it is given
 * up). The last to let go deletes the file, so an eviction never pulls a file from under a response
 * in flight, and an evicted body's bytes leave the disk as soon as nothing sends them. A response
 * that lost its body without letting go (a failure path that forgot it) cannot keep the file
 * forever: once nothing refers to this object the GC's cleaner deletes it.
 */
public final class BodyFile {

    private static final Logger LOG = Logger.getLogger(BodyFile.class);
    private static final Cleaner UNREACHED = Cleaner.create();

    private final String path;
    private final int length;
    private final AtomicInteger holders = new AtomicInteger(1); // the cache's
    private final Cleaner.Cleanable delete;

    BodyFile(Path path, int length) {
        this.path = path.toString();
        this.length = length;
        this.delete = UNREACHED.register(this, () -> delete(path));
    }

    public int length() {
        return length;
    }

    /**
     * The body for one response, holding the file until the response lets go ({@link ResponseBody#discard()});
     * null when the file is already gone (the entry was evicted since it was looked up).
     */
    ResponseBody.InFile lease() {
        int n;
        do {
            n = holders.get();
            if (n == 0) {
                return null;
            }
        } while (!holders.compareAndSet(n, n + 1));
        return new ResponseBody.InFile(path, length, new Lease(this));
    }

    /** The cache lets go (the entry was evicted, replaced or dropped). */
    void dropped() {
        release();
    }

    private void release() {
        if (holders.decrementAndGet() == 0) {
            delete.clean(); // runs once; the GC's cleaner then has nothing left to do
        }
    }

    private static void delete(Path path) {
        try {
            Files.deleteIfExists(path);
        } catch (IOException e) {
            LOG.warnf("could not delete the cached body %s: %s", path, e);
        }
    }

    /** One response's hold: lets go once, however many paths give the body up. */
    private static final class Lease implements Runnable {
        private static final VarHandle RELEASED;

        static {
            try {
                RELEASED = MethodHandles.lookup().findVarHandle(Lease.class, "released", boolean.class);
            } catch (ReflectiveOperationException e) {
                throw new ExceptionInInitializerError(e);
            }
        }

        private final BodyFile file;
        @SuppressWarnings("unused") // through RELEASED
        private volatile boolean released;

        Lease(BodyFile file) {
            this.file = file;
        }

        @Override
        public void run() {
            if (RELEASED.compareAndSet(this, false, true)) {
                file.release();
            }
        }
    }
}
