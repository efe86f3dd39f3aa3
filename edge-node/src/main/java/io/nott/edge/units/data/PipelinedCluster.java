package io.nott.edge.units.data;

import io.netty.channel.EventLoop;
import io.nott.unit.runtime.UnitRedisCommand;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.impl.ContextInternal;
import io.vertx.core.impl.VertxInternal;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;
import io.vertx.redis.client.Response;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The units' commands on pipelined sockets of their own: one {@link LoopSocket} per (event loop,
 * master), so a command sent on a loop (a {@link io.nott.unit.runtime.LoopStep}) is written,
 * answered and resumes its step on that loop, with no thread hop; a command sent off the loop (a
 * virtual thread) is handed to one loop kept for those. Each master's slots come from
 * {@link ClusterSlots}. Vert.x' cluster client stays the way for what this does not do: it
 * follows a {@code MOVED}/{@code ASK} (see {@link LoopSocket.Owner}).
 */
final class PipelinedCluster {

    /** One loop's sockets. Touched on that loop only. */
    private final class LoopSockets {
        private final ContextInternal loop;
        private final Map<ClusterSlots.Master, LoopSocket> byMaster = new HashMap<>();
        private boolean closed;

        LoopSockets(ContextInternal loop) {
            this.loop = loop;
        }

        void send(UnitRedisCommand command, Promise<Response> reply) {
            ClusterSlots.Master master = slots.masterOf(command.key());
            if (closed || master == null) {
                // closed: the connection was just dropped (reply is failed by it); no master: let Vert.x find one
                owner.redirected(command, reply, null);
                return;
            }
            LoopSocket socket = byMaster.get(master);
            if (socket == null) {
                socket = new LoopSocket(loop, client, master, owner);
                byMaster.put(master, socket);
            }
            socket.send(command, reply);
        }

        void close(String why) {
            closed = true;
            byMaster.values().forEach(s -> s.close(why));
            byMaster.clear();
        }
    }

    private final VertxInternal vertx;
    private final ClusterSlots slots;
    private final LoopSocket.Owner owner;
    private final NetClient client;
    private final ConcurrentHashMap<EventLoop, LoopSockets> loops = new ConcurrentHashMap<>();
    /** Where commands sent off the event loops go. */
    private final LoopSockets offLoop;

    PipelinedCluster(Vertx vertx, NetClientOptions options, ClusterSlots slots, LoopSocket.Owner owner) {
        this.vertx = (VertxInternal) vertx;
        this.slots = slots;
        this.owner = owner;
        this.client = vertx.createNetClient(new NetClientOptions(options));
        ContextInternal loop = this.vertx.createEventLoopContext();
        this.offLoop = loops.computeIfAbsent(loop.nettyEventLoop(), l -> new LoopSockets(loop));
    }

    ClusterSlots slots() {
        return slots;
    }

    /** Sends on the calling event loop's sockets, or hands the command to {@link #offLoop}'s loop. */
    void send(UnitRedisCommand command, Promise<Response> reply) {
        ContextInternal current = vertx.getContext();
        if (current != null && current.isEventLoopContext() && current.nettyEventLoop().inEventLoop()) {
            LoopSockets sockets = loops.get(current.nettyEventLoop());
            if (sockets == null) {
                ContextInternal loop = current.unwrap();
                sockets = loops.computeIfAbsent(current.nettyEventLoop(), l -> new LoopSockets(loop));
            }
            sockets.send(command, reply);
        } else {
            offLoop.loop.runOnContext(v -> offLoop.send(command, reply));
        }
    }

    /** Closes every socket (on its loop); what they still owed fails. */
    void close(String why) {
        for (LoopSockets sockets : loops.values()) {
            sockets.loop.runOnContext(v -> sockets.close(why));
        }
        client.close();
    }
}
