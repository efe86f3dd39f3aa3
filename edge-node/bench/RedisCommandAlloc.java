import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.nott.edge.units.data.RedisUnitDataClient;
import io.nott.edge.units.data.UnitRedisConnection;
import io.vertx.core.Vertx;
import io.vertx.redis.client.RedisOptions;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What one {@code edge_computing.redis_client} command costs the node in allocation, apart from
 * the machine's load: {@link RedisUnitDataClient#incrby} called N times from one virtual thread (as
 * a Redis-calling step runs), against a plain redis-server, the bytes every thread allocated
 * (JVM counters, {@code ThreadMXBean}) divided by N, and the event loops' share. Wall time per
 * command is printed too, but only means something on a quiet machine.
 *
 * <pre>
 * ./mvnw -B -pl edge-node -am package -DskipTests
 * redis-server --port 16391 --save "" --daemonize yes
 * CP="edge-node/target/quarkus-app/app/*:edge-node/target/quarkus-app/lib/main/*"
 * javac -cp "$CP" -d /tmp/rca edge-node/bench/RedisCommandAlloc.java
 * java -cp "/tmp/rca:$CP" RedisCommandAlloc 16391 20000
 * </pre>
 */
public class RedisCommandAlloc {
    public static void main(String[] a) throws Exception {
        int port = Integer.parseInt(a[0]);
        int n = Integer.parseInt(a[1]);
        Vertx vertx = Vertx.vertx();
        var reg = new SimpleMeterRegistry();
        UnitRedisConnection conn = new UnitRedisConnection(vertx,
                () -> new RedisOptions().setConnectionString("redis://127.0.0.1:" + port),
                Duration.ofSeconds(5), Duration.ofSeconds(1), reg);
        RedisUnitDataClient client = new RedisUnitDataClient(conn, Duration.ofSeconds(2), 1000, reg);
        var mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        AtomicLong loopThread = new AtomicLong();
        vertx.runOnContext(v -> loopThread.set(Thread.currentThread().threadId()));
        for (int round = 0; round < 6; round++) {
            long[] callerBytes = new long[1];
            long loopBefore = allLoops(mx);
            long allBefore = all(mx);
            long t0 = System.nanoTime();
            Thread vt = Thread.ofVirtual().start(() -> {
                long before = mx.getCurrentThreadAllocatedBytes();
                for (int i = 0; i < n; i++) {
                    client.incrby("ud:bench", 1);
                }
                callerBytes[0] = mx.getCurrentThreadAllocatedBytes() - before;
            });
            vt.join();
            long t = System.nanoTime() - t0;
            long loopBytes = allLoops(mx) - loopBefore;
            long allBytes = all(mx) - allBefore;
            System.out.printf("round %d: %d commands, all threads %.0f B/cmd, of which event loops %.0f B/cmd (virtual thread's own counter: %.0f), %.1f us/cmd%n",
                    round, n, allBytes / (double) n, loopBytes / (double) n, callerBytes[0] / (double) n, t / 1000.0 / n);
        }
        conn.close();
        vertx.close();
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

    static long allLoops(com.sun.management.ThreadMXBean mx) {
        long sum = 0;
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.getName().startsWith("vert.x-eventloop")) {
                sum += mx.getThreadAllocatedBytes(t.threadId());
            }
        }
        return sum;
    }
}
