package io.nott.edge.units.sync;

import io.nott.unit.codec.RedisSchema;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisClientType;
import io.vertx.redis.client.RedisConnection;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import io.vertx.redis.client.ResponseType;
import java.util.List;
import java.util.function.Consumer;
import org.jboss.logging.Logger;

/**
 * The push half of the sync: a plain connection to one cluster node subscribed to
 * {@code cu:changes} (Redis Cluster forwards every PUBLISH to every node, so any node will do;
 * each edge starts at a random one).
 * When that node goes away the subscriber moves to the next one and asks for a sync, since a
 * message may have been missed in between; the jittered poll covers the rest.
 */
public final class ChangeSubscriber {

    private static final Logger LOG = Logger.getLogger(ChangeSubscriber.class);
    private static final long RETRY_MILLIS = 500;

    private final Vertx vertx;
    private final List<String> nodes;
    private final Consumer<String> onMessage;
    private final Runnable onResubscribed;
    private volatile boolean stopped;
    private volatile RedisConnection connection;
    private volatile Redis client;
    private int next;

    public ChangeSubscriber(Vertx vertx, List<String> nodes, Consumer<String> onMessage, Runnable onResubscribed) {
        this.vertx = vertx;
        this.nodes = List.copyOf(nodes);
        this.onMessage = onMessage;
        this.onResubscribed = onResubscribed;
        // Each node starts at a random cluster node, so a fleet's subscriptions (and the work of
        // delivering every message) spread over all nodes, masters and replicas alike.
        this.next = this.nodes.isEmpty() ? 0 : java.util.concurrent.ThreadLocalRandom.current().nextInt(this.nodes.size());
    }

    public void start() {
        if (!nodes.isEmpty()) {
            connect();
        }
    }

    private void connect() {
        if (stopped) {
            return;
        }
        String node = nodes.get(Math.floorMod(next++, nodes.size()));
        RedisOptions options = new RedisOptions().setType(RedisClientType.STANDALONE)
                .setConnectionString(node).setMaxPoolSize(1).setMaxPoolWaiting(1);
        options.getNetClientOptions().setMetricsName("redis|edge-changes"); // named meters, not m__* (issue #20)
        Redis redis = Redis.createClient(vertx, options);
        client = redis;
        redis.connect().onSuccess(conn -> {
            connection = conn;
            conn.handler(this::onPush);
            conn.exceptionHandler(e -> dropped(redis, "failed: " + e.getMessage()));
            conn.endHandler(v -> dropped(redis, "closed"));
            conn.send(Request.cmd(Command.SUBSCRIBE).arg(RedisSchema.CHANGES_CHANNEL))
                    .onSuccess(ok -> {
                        LOG.debugf("Subscribed to %s on %s", RedisSchema.CHANGES_CHANNEL, node);
                        onResubscribed.run();
                    })
                    .onFailure(e -> dropped(redis, "refused SUBSCRIBE: " + e.getMessage()));
        }).onFailure(e -> dropped(redis, "unreachable: " + e.getMessage()));
    }

    private void onPush(Response message) {
        if (message.type() != ResponseType.MULTI && message.type() != ResponseType.PUSH) {
            return;
        }
        if (message.size() >= 3 && "message".equals(message.get(0).toString())) {
            onMessage.accept(message.get(2).toString());
        }
    }

    private void dropped(Redis redis, String why) {
        if (stopped || redis != client) {
            return;
        }
        client = null;
        LOG.debugf("Change subscription %s; moving to the next node", why);
        redis.close();
        vertx.setTimer(RETRY_MILLIS, id -> connect());
    }

    /** Drops the subscription and subscribes again (self-healing after failed syncs); a sync follows once it is back. */
    public void restart() {
        vertx.runOnContext(v -> {
            Redis redis = client;
            if (redis != null) {
                dropped(redis, "restarted after failed syncs");
            }
        });
    }

    public void stop() {
        stopped = true;
        Redis redis = client;
        if (redis != null) {
            redis.close();
        }
    }
}
