import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.nott.edge.units.data.RedisUnitDataClient;
import io.nott.edge.units.data.UnitRedisConnection;
import io.nott.edge.units.run.OffLoop;
import io.nott.unit.runtime.LoopStep;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisClientType;
import io.vertx.redis.client.RedisConnection;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.Request;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * What one {@code edge_computing.redis_client} command costs the node, apart from the machine's
 * load: the bytes every thread allocated (JVM counters, {@code ThreadMXBean}) and the CPU time the
 * JVM spent (user and system, {@code /proc/self/stat}), each divided by the commands sent, for INCRs
 * against a redis-server, layer by layer, each mode run with {@code inFlight} commands in flight
 * as the edge's event loop has under load:
 * <ul>
 *   <li>{@code bare}: Vert.x' Redis connection alone, commands sent from the event loop;</li>
 *   <li>{@code onloop}: {@link RedisUnitDataClient#incrby} in a {@link LoopStep} started on the
 *   event loop per command, as a request step with {@code edge.units.redis-on-loop=true};</li>
 *   <li>{@code offloop}: the same on a virtual thread through {@link OffLoop#call} per command,
 *   as a Redis-calling request step runs by default (loop → virtual thread → loop);</li>
 *   <li>{@code virtual}: from {@code inFlight} virtual threads calling in a loop (no step hop).</li>
 * </ul>
 * The CPU differences between modes are what each layer costs per command; wall time is printed
 * but only means something on a quiet machine. Run it pinned as the edge bench pins the edge:
 *
 * <pre>
 * ./mvnw -B -pl edge-node -am package -DskipTests
 * taskset -c 1 redis-server --port 16391 --save "" --daemonize yes   # add --cluster-enabled yes and
 *   # redis-cli -p 16391 cluster addslotsrange 0 16383, and -Dcluster=true below, for the cluster client
 * CP="edge-node/target/quarkus-app/app/*:edge-node/target/quarkus-app/lib/main/*:edge-node/target/quarkus-app/lib/boot/*"
 * javac -cp "$CP" -d /tmp/rca edge-node/bench/RedisCommandAlloc.java
 * for mode in bare onloop offloop virtual; do
 *   taskset -c 0 java --add-exports java.base/jdk.internal.vm=ALL-UNNAMED -cp "/tmp/rca:$CP" RedisCommandAlloc 16391 100000 $mode 32
 * done
 * </pre>
 */
public class RedisCommandAlloc {

    static final String KEY = "ud:bench";

    public static void main(String[] a) throws Exception {
        int port = Integer.parseInt(a[0]);
        int n = Integer.parseInt(a[1]);
        String mode = a.length > 2 ? a[2] : "virtual";
        int inFlight = a.length > 3 ? Integer.parseInt(a[3]) : 1;
        boolean cluster = Boolean.getBoolean("cluster");
        // One event loop, as the edge bench runs the edge (quarkus.vertx.event-loops-pool-size=1).
        Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1));
        var reg = new SimpleMeterRegistry();
        Supplier<RedisOptions> options = () -> new RedisOptions()
                .setType(cluster ? RedisClientType.CLUSTER : RedisClientType.STANDALONE)
                .setConnectionString("redis://127.0.0.1:" + port).setMaxWaitingHandlers(4096);
        UnitRedisConnection conn = new UnitRedisConnection(vertx, options, Duration.ofSeconds(5), Duration.ofSeconds(1), reg);
        RedisUnitDataClient client = new RedisUnitDataClient(conn, Duration.ofSeconds(2), 1000, reg);
        RedisConnection bare = Redis.createClient(vertx, options.get()).connect().toCompletionStage().toCompletableFuture().get();
        OffLoop offLoop = new OffLoop();
        Context loop = vertx.getOrCreateContext();
        var mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        System.out.printf("mode %s, %d in flight, %s client, %d cores%n", mode, inFlight, cluster ? "cluster" : "standalone",
                Runtime.getRuntime().availableProcessors());
        for (int round = 0; round < 6; round++) {
            long allBefore = all(mx);
            long[] cpuBefore = cpuTicks();
            long t0 = System.nanoTime();
            int failures = switch (mode) {
                case "bare" -> chains(loop, n, inFlight, () -> bare.send(Request.cmd(Command.INCRBY).arg(KEY).arg("1")));
                case "onloop" -> chains(loop, n, inFlight, () -> {
                    Promise<Object> done = Promise.promise();
                    LoopStep.start(() -> client.incrby(KEY, 1), task -> loop.runOnContext(v -> task.run()),
                            (value, failure) -> {
                                if (failure != null) {
                                    done.fail(failure);
                                } else {
                                    done.complete(value);
                                }
                            });
                    return done.future();
                });
                case "offloop" -> chains(loop, n, inFlight, () -> offLoop.call(loop, () -> client.incrby(KEY, 1)));
                case "virtual" -> virtualThreads(client, n, inFlight);
                default -> throw new IllegalArgumentException("mode is bare, onloop, offloop or virtual, not " + mode);
            };
            long t = System.nanoTime() - t0;
            long[] cpuAfter = cpuTicks();
            long allBytes = all(mx) - allBefore;
            double tick = 1e6 / 100; // µs per clock tick (USER_HZ)
            System.out.printf("round %d: %d commands (%d failed), all threads %.0f B/cmd, CPU %.1f µs/cmd (user %.1f, system %.1f),"
                            + " %.1f µs/cmd wall%n", round, n, failures, allBytes / (double) n,
                    (cpuAfter[0] + cpuAfter[1] - cpuBefore[0] - cpuBefore[1]) * tick / n,
                    (cpuAfter[0] - cpuBefore[0]) * tick / n, (cpuAfter[1] - cpuBefore[1]) * tick / n, t / 1000.0 / n);
        }
        offLoop.close();
        conn.close();
        vertx.close();
    }

    /**
     * Runs {@code n} commands as {@code inFlight} chains started on the event loop, each sending
     * its next command when its last one is answered; returns the failed ones.
     */
    static int chains(Context loop, int n, int inFlight, Supplier<Future<?>> command) throws InterruptedException {
        AtomicInteger left = new AtomicInteger(n);
        AtomicInteger failed = new AtomicInteger();
        CountDownLatch done = new CountDownLatch(inFlight);
        loop.runOnContext(v -> {
            for (int i = 0; i < inFlight; i++) {
                next(command, left, failed, done);
            }
        });
        done.await();
        return failed.get();
    }

    static void next(Supplier<Future<?>> command, AtomicInteger left, AtomicInteger failed, CountDownLatch done) {
        if (left.getAndDecrement() <= 0) {
            done.countDown();
            return;
        }
        command.get().onComplete(r -> {
            if (r.failed()) {
                failed.incrementAndGet();
            }
            next(command, left, failed, done);
        });
    }

    static int virtualThreads(RedisUnitDataClient client, int n, int threads) throws InterruptedException {
        AtomicInteger left = new AtomicInteger(n);
        AtomicInteger failed = new AtomicInteger();
        Thread[] started = new Thread[threads];
        for (int i = 0; i < threads; i++) {
            started[i] = Thread.ofVirtual().start(() -> {
                while (left.getAndDecrement() > 0) {
                    try {
                        client.incrby(KEY, 1);
                    } catch (RuntimeException e) {
                        failed.incrementAndGet();
                    }
                }
            });
        }
        for (Thread t : started) {
            t.join();
        }
        return failed.get();
    }

    /** This JVM's user and system CPU so far, in clock ticks. */
    static long[] cpuTicks() throws java.io.IOException {
        String stat = Files.readString(Path.of("/proc/self/stat"));
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return new long[] {Long.parseLong(f[11]), Long.parseLong(f[12])};
    }

    static long all(com.sun.management.ThreadMXBean mx) {
        long sum = 0;
        for (long id : mx.getAllThreadIds()) {
            long b = mx.getThreadAllocatedBytes(id);
            if (b > 0) {
                sum += b;
            }
        }
        return sum;
    }
}
