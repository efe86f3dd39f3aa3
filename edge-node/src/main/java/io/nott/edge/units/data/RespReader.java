package io.nott.edge.units.data;

import io.vertx.core.buffer.Buffer;
import io.vertx.redis.client.Response;
import io.vertx.redis.client.impl.types.BulkType;
import io.vertx.redis.client.impl.types.ErrorType;
import io.vertx.redis.client.impl.types.MultiType;
import io.vertx.redis.client.impl.types.NumberType;
import io.vertx.redis.client.impl.types.SimpleStringType;

/**
 * Replies read off one {@link LoopSocket}, RESP2 (the socket never says HELLO 3), as the same
 * {@link Response} types Vert.x' client gives, so a reply reads the same whichever path carried
 * its command: a nil is {@code null}, an error reply is an {@link ErrorType}. A reply split across
 * reads is parsed again from its start once the rest has come (replies of unit commands are small).
 * Not thread-safe: its socket's event loop only.
 */
final class RespReader {

    /** {@link #next} before the whole reply has been read. */
    static final Object INCOMPLETE = new Object();

    private Buffer in = Buffer.buffer();
    private int pos;

    /** Adds what the socket read. */
    void feed(Buffer data) {
        if (pos >= in.length()) {
            in = data;
        } else {
            in = in.getBuffer(pos, in.length()).appendBuffer(data);
        }
        pos = 0;
    }

    /**
     * The next whole reply ({@code null} for a nil), or {@link #INCOMPLETE}.
     *
     * @throws IllegalStateException the bytes are not RESP (the socket is out of step: drop it)
     */
    Object next() {
        int start = pos;
        Object reply = read();
        if (reply == INCOMPLETE) {
            pos = start;
        }
        return reply;
    }

    private Object read() {
        int lineEnd = lineEnd();
        if (lineEnd < 0) {
            return INCOMPLETE;
        }
        byte type = in.getByte(pos);
        int from = pos + 1;
        pos = lineEnd + 2;
        switch (type) {
            case '+':
                return SimpleStringType.create(in.getString(from, lineEnd, "UTF-8"));
            case '-':
                return ErrorType.create(in.getString(from, lineEnd, "UTF-8"));
            case ':':
                return NumberType.create(number(from, lineEnd));
            case '$': {
                long n = number(from, lineEnd);
                if (n < 0) {
                    return null;
                }
                if (pos + n + 2 > in.length()) {
                    return INCOMPLETE;
                }
                Buffer bulk = in.getBuffer(pos, pos + (int) n);
                pos += (int) n + 2;
                return BulkType.create(bulk, false);
            }
            case '*': {
                long n = number(from, lineEnd);
                if (n < 0) {
                    return null;
                }
                MultiType multi = MultiType.create(n, false);
                for (long i = 0; i < n; i++) {
                    Object element = read();
                    if (element == INCOMPLETE) {
                        return INCOMPLETE;
                    }
                    multi.add((Response) element);
                }
                return multi;
            }
            default:
                throw new IllegalStateException("not a RESP reply: it starts with byte " + type);
        }
    }

    /** Index of the {@code \r} that ends the line at {@link #pos}, or -1 before its {@code \n} has come. */
    private int lineEnd() {
        for (int i = pos, end = in.length() - 1; i < end; i++) {
            if (in.getByte(i) == '\r') {
                return in.getByte(i + 1) == '\n' ? i : -1;
            }
        }
        return -1;
    }

    private long number(int from, int to) {
        boolean negative = in.getByte(from) == '-';
        long n = 0;
        for (int i = negative ? from + 1 : from; i < to; i++) {
            byte b = in.getByte(i);
            if (b < '0' || b > '9') {
                throw new IllegalStateException("not a RESP number: " + in.getString(from, to, "UTF-8"));
            }
            n = n * 10 + (b - '0');
        }
        return negative ? -n : n;
    }
}
