package io.nott.edge.units.data;

import io.nott.unit.runtime.UnitRedisCommand;
import io.nott.unit.runtime.UnitRedisCommand.Op;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.impl.ContextInternal;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetSocket;
import io.vertx.redis.client.Response;
import io.vertx.redis.client.impl.types.ErrorType;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.List;

/**
 * One event loop's socket to one cluster master, pipelining: the commands written in one turn of
 * the loop go out together, one write and one flush per {@link #FLUSH_AT} commands while none of
 * the earlier ones is unanswered and one for the rest (a task queued behind the turn's work), and
 * the replies, which Redis sends in order, answer the commands in the order they were written.
 * Opened, written, read and closed on its loop only, so it needs no lock and its replies wake their
 * callers on the loop that sent them.
 *
 * <p>It answers nothing it is unsure of: a {@code MOVED} or {@code ASK} reply goes back to its
 * owner (the command did not run), and a socket that closes, fails or reads something that is not
 * RESP fails every command still waiting on it and tells its owner, which drops the connection.
 */
final class LoopSocket {

    /** What a socket hands back to the connection it belongs to. */
    interface Owner {
        /**
         * {@code command} did not run here: answered {@code MOVED}/{@code ASK} ({@code redirect}), or
         * not sent at all ({@code redirect} null: no master known for its slot, or the sockets are closed).
         */
        void redirected(UnitRedisCommand command, Promise<Response> reply, ErrorType redirect);

        /** The socket closed or failed; the commands it still had are failed already. */
        void lost(String why);

        /** The socket could not be opened; commands sent to it fail until the owner reconnects. */
        void unreachable(String why);
    }

    /**
     * While Redis has nothing of this socket's to work on, a turn's commands go out early, this
     * many at a time, rather than all at the end of the turn: Redis starts on the first ones while
     * the loop still reads the turn's other requests. Flushed only at the end of the turn, a batch
     * of ~25 (row 5 of edge-latency.sh at saturation) reached Redis after the loop had run every one
     * of its requests up to the call, and the loop then sat idle for the answers: its core 91-94 %
     * busy. With 8, 97-99 % busy and 16 % more requests served on the same core (median of 5 A/B
     * pairs; edge-node README, "Redis commands flushed early").
     *
     * <p>While earlier commands are still unanswered, the rest of the turn's commands wait for the
     * end of the turn instead (as Nagle's algorithm holds small segments while data is unacknowledged):
     * Redis is busy with the earlier ones and the loop has their replies to come, so an early write
     * starts nothing sooner; it only costs a write (on loopback, the kernel's delivery and a wake-up of
     * Redis' core). Row 5 at saturation: 8 % more requests, 2 µs less CPU each, the core still 99 %
     * busy (edge-node README, "Redis commands held while earlier ones are unanswered").
     */
    static final int FLUSH_AT = 8;
    private static final byte[] CRLF = {'\r', '\n'};
    private static final byte[][] NAMES = new byte[Op.values().length][];

    static {
        for (Op op : Op.values()) {
            NAMES[op.ordinal()] = bulk(op.redisName().getBytes(StandardCharsets.US_ASCII));
        }
    }

    private final ContextInternal loop;
    private final ClusterSlots.Master master;
    private final Owner owner;
    private final ArrayDeque<UnitRedisCommand> written = new ArrayDeque<>();
    private final ArrayDeque<Promise<Response>> replies = new ArrayDeque<>();
    private final RespReader reader = new RespReader();
    /** The end-of-turn write: what the turn sent after its last early write. */
    private final Handler<Void> flushTask = v -> {
        flushQueued = false;
        write();
    };
    private NetSocket socket;
    private Buffer unflushed;
    private boolean flushQueued;
    private int unflushedCommands;
    /** Why this socket takes no more commands (closed, lost, never opened), or null while it does. */
    private String failed;

    /** Opens the socket; commands sent before it is open wait in its buffer. Call on {@code loop}. */
    LoopSocket(ContextInternal loop, NetClient client, ClusterSlots.Master master, Owner owner) {
        this.loop = loop;
        this.master = master;
        this.owner = owner;
        client.connect(master.port(), master.host()).onComplete(opened -> {
            if (opened.failed()) {
                fail("could not connect to " + master + ": " + opened.cause().getMessage());
                owner.unreachable("could not connect to " + master + ": " + opened.cause().getMessage());
            } else if (failed != null) {
                opened.result().close();
            } else {
                opened(opened.result());
            }
        });
    }

    /** Writes {@code command}; {@code reply} gets Redis' answer. On this socket's loop only. */
    void send(UnitRedisCommand command, Promise<Response> reply) {
        if (failed != null) {
            reply.tryFail(failed);
            return;
        }
        if (unflushed == null) {
            unflushed = Buffer.buffer(64);
        }
        encode(command, unflushed);
        written.add(command);
        replies.add(reply);
        if (socket == null) {
            return; // written when it opens
        }
        if (++unflushedCommands >= FLUSH_AT && !awaitingEarlierReplies()) {
            write();
        } else if (!flushQueued) {
            flushQueued = true;
            loop.runOnContext(flushTask);
        }
    }

    /** Commands written before the unflushed ones are still unanswered: Redis has work of this socket's. */
    private boolean awaitingEarlierReplies() {
        return replies.size() > unflushedCommands;
    }

    /** Closes the socket; commands still waiting on it fail. On this socket's loop only. */
    void close(String why) {
        fail(why);
        if (socket != null) {
            socket.close();
        }
    }

    private void opened(NetSocket s) {
        socket = s;
        s.handler(this::read);
        s.exceptionHandler(e -> lose("failed: " + e.getMessage()));
        s.closeHandler(v -> lose("was closed by Redis"));
        write();
    }

    /** Writes and flushes what is buffered. */
    private void write() {
        unflushedCommands = 0;
        if (unflushed != null && socket != null && failed == null) {
            Buffer out = unflushed;
            unflushed = null;
            socket.write(out);
        }
    }

    private void read(Buffer data) {
        reader.feed(data);
        while (true) {
            Object reply;
            try {
                reply = reader.next();
            } catch (IllegalStateException e) {
                lose("read a reply it cannot parse: " + e.getMessage());
                socket.close();
                return;
            }
            if (reply == RespReader.INCOMPLETE) {
                return;
            }
            UnitRedisCommand command = written.poll();
            Promise<Response> waiting = replies.poll();
            if (waiting == null) {
                lose("read a reply to no command");
                socket.close();
                return;
            }
            if (reply instanceof ErrorType error) {
                String message = String.valueOf(error.getMessage());
                if (message.startsWith("MOVED ") || message.startsWith("ASK ")) {
                    owner.redirected(command, waiting, error);
                } else {
                    waiting.tryFail(error);
                }
            } else {
                waiting.tryComplete((Response) reply);
            }
        }
    }

    private void lose(String why) {
        if (failed == null) {
            fail("to " + master + " " + why);
            owner.lost("socket to " + master + " " + why);
        }
    }

    private void fail(String why) {
        if (failed == null) {
            failed = "the units' Redis connection " + why + "; the command may or may not have run";
        }
        unflushed = null;
        written.clear();
        Promise<Response> waiting;
        while ((waiting = replies.poll()) != null) {
            waiting.tryFail(failed);
        }
    }

    /** RESP: an array of bulk strings, the command's name, its key and its arguments. */
    private static void encode(UnitRedisCommand command, Buffer out) {
        List<String> args = command.args();
        out.appendByte((byte) '*').appendString(Integer.toString(2 + args.size())).appendBytes(CRLF);
        out.appendBytes(NAMES[command.op().ordinal()]);
        appendBulk(out, command.key());
        for (String arg : args) {
            appendBulk(out, arg);
        }
    }

    private static void appendBulk(Buffer out, String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        out.appendByte((byte) '$').appendString(Integer.toString(bytes.length)).appendBytes(CRLF)
                .appendBytes(bytes).appendBytes(CRLF);
    }

    private static byte[] bulk(byte[] bytes) {
        return Buffer.buffer().appendByte((byte) '$').appendString(Integer.toString(bytes.length)).appendBytes(CRLF)
                .appendBytes(bytes).appendBytes(CRLF).getBytes();
    }
}
