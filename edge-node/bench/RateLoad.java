import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;

/**
 * Load at a fixed offered rate, coordinated-omission aware (wrk2's method): every connection has
 * its own schedule (rate / connections, staggered), sends each request at its intended time (at
 * once when it is already late) and records latency from the <em>intended</em> send time, so a
 * server that stalls is charged for every request that should have been sent meanwhile, not only
 * the one that was waiting. HTTP/1.1 keep-alive, one request in flight per connection, like wrk, and
 * a new connection when the server ends one between responses.
 *
 * <p>One thread drives every connection through one selector, as wrk2 does with epoll. The first
 * version ran a blocking thread per connection: on its one core at 17,000 req/s the client itself
 * became the bottleneck (a thread switch per request, and two per response when the server sends
 * headers and body in separate segments, as nginx does with sendfile), so nginx's row measured the
 * client (p50 838 ms) while the edge's did not. Between sends the loop parks at most
 * {@value #MAX_PARK_NANOS} ns (timing within that of the intended send, the selector's own timeout
 * being whole milliseconds) and never spins, so the servers' neighbours on the client core (origin,
 * Redis) keep their share of it.
 *
 * <p>Run with the JDK's source launcher or compiled, HdrHistogram from Maven Central:
 * <pre>java -cp HdrHistogram-2.2.2.jar RateLoad.java URL RATE SECONDS [CONNECTIONS] [WARMUP_SECONDS] [Header: value]...</pre>
 * Prints one line: {@code achieved_rps p50_ms p99_ms p999_ms max_ms requests errors}. Exits 1 if
 * any answer was not 2xx/3xx or a connection failed (the figures would not be of the same work).
 */
public final class RateLoad {

    private static final long MAX_PARK_NANOS = 50_000;
    private static final long STALL_NANOS = 10_000_000_000L;

    public static void main(String[] args) throws Exception {
        if (args.length < 3) {
            System.err.println("usage: RateLoad URL RATE SECONDS [CONNECTIONS] [WARMUP_SECONDS] [Header: value]...");
            System.exit(2);
        }
        URI uri = URI.create(args[0]);
        double rate = Double.parseDouble(args[1]);
        double seconds = Double.parseDouble(args[2]);
        int connections = args.length > 3 ? Integer.parseInt(args[3]) : 32;
        double warmup = args.length > 4 ? Double.parseDouble(args[4]) : 2;
        StringBuilder request = new StringBuilder()
                .append("GET ").append(uri.getRawPath()).append(uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery())
                .append(" HTTP/1.1\r\nHost: ").append(uri.getHost()).append(':').append(uri.getPort()).append("\r\n");
        for (int i = 5; i < args.length; i++) {
            request.append(args[i]).append("\r\n");
        }
        byte[] wire = request.append("\r\n").toString().getBytes(StandardCharsets.US_ASCII);

        long intervalNanos = (long) (connections * 1e9 / rate); // per connection
        long start = System.nanoTime() + 100_000_000L;
        long measureFrom = start + (long) (warmup * 1e9);
        long end = measureFrom + (long) (seconds * 1e9);
        Run run = new Run(new InetSocketAddress(uri.getHost(), uri.getPort()), wire, intervalNanos, measureFrom, end);
        for (int c = 0; c < connections; c++) {
            run.add(start + intervalNanos * c / connections);
        }
        run.drive();
        run.writeSlow(System.getProperty("rateload.slow"));
        Histogram all = run.histogram;
        double ms = 1e6;
        System.out.printf("%.0f %.3f %.3f %.3f %.3f %d %d%n", run.measured / seconds,
                all.getValueAtPercentile(50) / ms, all.getValueAtPercentile(99) / ms,
                all.getValueAtPercentile(99.9) / ms, all.getMaxValue() / ms, all.getTotalCount(), run.errors);
        System.exit(run.errors == 0 ? 0 : 1);
    }

    /** The selector loop and what it measures. */
    private static final class Run {
        final Histogram histogram = new Histogram(TimeUnit.SECONDS.toNanos(60), 3);
        final Selector selector;
        final InetSocketAddress address;
        final byte[] wire;
        final long interval;
        final long measureFrom;
        final long end;
        final List<Connection> connections = new ArrayList<>();
        long measured;
        long errors;
        /**
         * Measured requests slower than {@link #SLOW_NANOS}, as (intended send time from the
         * measurement's start, latency) pairs, for {@code -Drateload.slow=FILE}: whether a tail
         * is a few long stalls (requests late together) or many short delays spread out.
         */
        static final long SLOW_NANOS = 1_000_000;
        long[] slow = new long[2 * 65_536];
        int slowCount;
        /** Responses in all, and when the last one arrived: what a stall report says. */
        long responses;
        long lastResponse;

        Run(InetSocketAddress address, byte[] wire, long interval, long measureFrom, long end) throws IOException {
            this.selector = Selector.open();
            this.address = address;
            this.wire = wire;
            this.interval = interval;
            this.measureFrom = measureFrom;
            this.end = end;
        }

        void add(long firstIntended) throws IOException {
            connections.add(new Connection(this, firstIntended));
        }

        void drive() throws IOException {
            while (true) {
                long now = System.nanoTime();
                long nextDue = Long.MAX_VALUE;
                boolean open = false;
                for (Connection c : connections) {
                    if (c.intended >= end) {
                        continue;
                    }
                    open = true;
                    if (!c.awaiting) {
                        if (c.intended <= now) {
                            c.send();
                        } else {
                            nextDue = Math.min(nextDue, c.intended);
                        }
                    }
                }
                if (!open) {
                    break;
                }
                if (now > end + STALL_NANOS) { // a server that never answers: fail, do not hang
                    stalled(now);
                    break;
                }
                long wait = nextDue == Long.MAX_VALUE ? Long.MAX_VALUE : nextDue - System.nanoTime();
                if (wait >= 2_000_000) {
                    selector.select(Math.min(1000, wait / 1_000_000 - 1));
                } else if (wait > 0) {
                    if (selector.selectNow() == 0) {
                        LockSupport.parkNanos(Math.min(wait, MAX_PARK_NANOS));
                        selector.selectNow();
                    }
                } else {
                    selector.selectNow();
                }
                for (SelectionKey key : selector.selectedKeys()) {
                    ((Connection) key.attachment()).readable();
                }
                selector.selectedKeys().clear();
            }
            for (Connection c : connections) {
                c.close();
            }
        }

        /**
         * Reports connections still waiting long after the run's end, with what tells a server
         * that stopped answering mid-run from one that only lost the last requests: which
         * server, how many connections wait, how long ago the last response of any came and how
         * many there were.
         */
        void stalled(long now) {
            long waiting = connections.stream().filter(c -> c.awaiting).count();
            String last = responses == 0 ? "none ever came"
                    : String.format("the last %.3f s before the run's end", (end - lastResponse) / 1e9);
            System.err.printf("connection failed: %d of %d connections to %s had no response %d s after the run's end;"
                    + " %d responses in all, %s%n", waiting, connections.size(), address, STALL_NANOS / 1_000_000_000,
                    responses, last);
            errors += waiting;
        }

        void completed(Connection c, int status) {
            long now = System.nanoTime();
            responses++;
            lastResponse = now;
            if (c.intended >= measureFrom) {
                histogram.recordValue(Math.min(now - c.intended, histogram.getHighestTrackableValue()));
                if (now - c.intended > SLOW_NANOS && 2 * slowCount + 1 < slow.length) {
                    slow[2 * slowCount] = c.intended - measureFrom;
                    slow[2 * slowCount + 1] = now - c.intended;
                    slowCount++;
                }
                measured++;
                if (status < 200 || status >= 400) {
                    errors++;
                }
            }
            c.intended += interval;
        }

        /** Writes the slow requests, "intended_ms latency_ms" per line, when {@code file} is set. */
        void writeSlow(String file) throws IOException {
            if (file == null) {
                return;
            }
            StringBuilder out = new StringBuilder();
            for (int i = 0; i < slowCount; i++) {
                out.append(String.format("%.3f %.3f%n", slow[2 * i] / 1e6, slow[2 * i + 1] / 1e6));
            }
            java.nio.file.Files.writeString(java.nio.file.Path.of(file), out);
        }

        void failed(String why) {
            System.err.println("connection failed: " + why);
            errors++;
        }
    }

    /**
     * One keep-alive connection that reconnects, as wrk does, when the server ends it between two
     * requests (nginx closes a connection after {@code keepalive_requests}, 1,000 by default, and
     * after {@code Connection: close}); the reconnect's time counts in the request's latency. A
     * connection that ends during a response is an error.
     */
    private static final class Connection {
        private final Run run;
        private final ResponseParser parser = new ResponseParser();
        private final ByteBuffer in = ByteBuffer.allocateDirect(64 * 1024);
        private SocketChannel channel;
        private SelectionKey key;
        long intended;
        boolean awaiting;
        private boolean retried;

        Connection(Run run, long firstIntended) throws IOException {
            this.run = run;
            this.intended = firstIntended;
            open();
        }

        private void open() throws IOException {
            channel = SocketChannel.open(run.address); // blocking connect: loopback, and rare
            channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
            channel.configureBlocking(false);
            key = channel.register(run.selector, SelectionKey.OP_READ, this);
        }

        void send() throws IOException {
            ByteBuffer out = ByteBuffer.wrap(run.wire);
            try {
                while (out.hasRemaining()) {
                    if (channel.write(out) == 0) {
                        Thread.onSpinWait(); // a few hundred bytes into an empty socket buffer: never in practice
                    }
                }
            } catch (IOException e) { // a reset of a connection the server closed meanwhile
                reopenAndResend();
                return;
            }
            awaiting = true;
            parser.reset();
        }

        void readable() throws IOException {
            int n;
            try {
                n = channel.read(in);
            } catch (IOException e) {
                n = -1;
            }
            if (n < 0) {
                serverClosed();
                return;
            }
            in.flip();
            while (in.hasRemaining() && awaiting) {
                if (parser.feed(in)) {
                    awaiting = false;
                    retried = false;
                    run.completed(this, parser.status);
                    if (parser.closes) {
                        close();
                        open();
                    }
                }
            }
            if (in.hasRemaining()) {
                run.failed("bytes after the response (the server answered more than was asked)");
            }
            in.clear();
        }

        private void serverClosed() throws IOException {
            if (awaiting && !parser.started() && !retried) {
                reopenAndResend(); // ended between two responses: wrk reconnects too
            } else if (awaiting) {
                run.failed("the server closed the connection during a response");
                awaiting = false;
                intended = Long.MAX_VALUE;
                close();
            } else {
                close();
                open();
            }
        }

        private void reopenAndResend() throws IOException {
            close();
            open();
            retried = true;
            send();
        }

        void close() throws IOException {
            key.cancel();
            channel.close();
        }
    }

    /** Reads one HTTP/1.1 response incrementally (Content-Length or chunked), keeps its status, skips the body. */
    private static final class ResponseParser {
        private enum State { HEAD, BODY, CHUNK_SIZE, CHUNK_DATA, CHUNK_END, TRAILERS, DONE }

        private final StringBuilder line = new StringBuilder(128);
        private State state;
        private boolean firstLine;
        private boolean anyByte;
        private long remaining;
        private boolean chunked;
        int status;
        boolean closes;

        void reset() {
            state = State.HEAD;
            firstLine = true;
            anyByte = false;
            remaining = -1;
            chunked = false;
            status = 0;
            closes = false;
            line.setLength(0);
        }

        boolean started() {
            return anyByte;
        }

        /** Consumes bytes of {@code in}; true when the response is complete (the rest is left in {@code in}). */
        boolean feed(ByteBuffer in) {
            anyByte |= in.hasRemaining();
            while (in.hasRemaining() && state != State.DONE) {
                switch (state) {
                    case BODY, CHUNK_DATA -> {
                        int take = (int) Math.min(remaining, in.remaining());
                        in.position(in.position() + take);
                        remaining -= take;
                        if (remaining == 0) {
                            state = state == State.BODY ? State.DONE : State.CHUNK_END;
                        }
                    }
                    default -> {
                        byte b = in.get();
                        if (b != '\n') {
                            if (b != '\r') {
                                line.append((char) b);
                            }
                            continue;
                        }
                        onLine(line.toString());
                        line.setLength(0);
                    }
                }
            }
            return state == State.DONE;
        }

        private void onLine(String text) {
            switch (state) {
                case HEAD -> {
                    if (firstLine) {
                        status = Integer.parseInt(text.substring(9, 12));
                        closes = text.startsWith("HTTP/1.0");
                        firstLine = false;
                    } else if (!text.isEmpty()) {
                        header(text);
                    } else if (chunked) {
                        state = State.CHUNK_SIZE;
                    } else {
                        state = remaining > 0 ? State.BODY : State.DONE;
                    }
                }
                case CHUNK_SIZE -> {
                    remaining = Long.parseLong(text.split(";")[0].trim(), 16);
                    state = remaining > 0 ? State.CHUNK_DATA : State.TRAILERS;
                }
                case CHUNK_END -> state = State.CHUNK_SIZE;
                case TRAILERS -> {
                    if (text.isEmpty()) {
                        state = State.DONE;
                    }
                }
                default -> throw new IllegalStateException(state.name());
            }
        }

        private void header(String h) {
            int colon = h.indexOf(':');
            String name = h.substring(0, colon).trim();
            String value = h.substring(colon + 1).trim().toLowerCase();
            if (name.equalsIgnoreCase("content-length")) {
                remaining = Long.parseLong(value);
            } else if (name.equalsIgnoreCase("transfer-encoding") && value.contains("chunked")) {
                chunked = true;
            } else if (name.equalsIgnoreCase("connection")) {
                closes = value.contains("close");
            }
        }
    }
}
