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
 * <p>Several URLs (comma-separated) are loaded <em>in turns</em>, never together: slices of
 * {@code -Drateload.slice=SECONDS} (default 1) go to each target in order, each target at the full
 * rate during its slices, until each has had WARMUP_SECONDS of warm-up slices and then SECONDS of
 * measured ones. Servers that share a core are compared this way: a noisy spell of the machine
 * (on this VM nginx alone measured p99 1.6 ms in one 20 s run and 34 ms in the next) falls on both
 * alike instead of on whichever ran then. Between slices the target's in-flight requests are
 * answered first (their latency counts), and its connections stay open, idle.
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
 * <pre>java -cp HdrHistogram-2.2.2.jar RateLoad.java URL[,URL...] RATE SECONDS [CONNECTIONS] [WARMUP_SECONDS] [Header: value]...</pre>
 * Prints one line per URL, in their order: {@code achieved_rps p50_ms p99_ms p999_ms max_ms
 * requests errors}. {@code -Drateload.slow=FILE[,FILE...]} writes each target's requests slower
 * than 1 ms, on one timeline (milliseconds from the measurement's start) for all targets. Exits 1
 * if any answer was not 2xx/3xx or a connection failed (the figures would not be of the same work).
 */
public final class RateLoad {

    private static final long MAX_PARK_NANOS = 50_000;
    private static final long STALL_NANOS = 10_000_000_000L;
    /** Between two slices: the previous target's last answers are in, the next one starts clean. */
    private static final long SLICE_GAP_NANOS = 1_000_000;

    public static void main(String[] args) throws Exception {
        if (args.length < 3) {
            System.err.println("usage: RateLoad URL[,URL...] RATE SECONDS [CONNECTIONS] [WARMUP_SECONDS] [Header: value]...");
            System.exit(2);
        }
        String[] urls = args[0].split(",");
        double rate = Double.parseDouble(args[1]);
        double seconds = Double.parseDouble(args[2]);
        int connections = args.length > 3 ? Integer.parseInt(args[3]) : 32;
        double warmup = args.length > 4 ? Double.parseDouble(args[4]) : 2;
        List<String> headers = List.of(args).subList(Math.min(5, args.length), args.length);
        // One target: a single slice of the whole run, as before turns existed.
        long sliceNanos = urls.length == 1 ? Long.MAX_VALUE
                : (long) (Double.parseDouble(System.getProperty("rateload.slice", "1")) * 1e9);
        String[] slowFiles = System.getProperty("rateload.slow", "").split(",");

        long intervalNanos = (long) (connections * 1e9 / rate); // per connection
        List<Run> runs = new ArrayList<>();
        for (String url : urls) {
            Run run = new Run(URI.create(url.trim()), headers, intervalNanos);
            for (int c = 0; c < connections; c++) {
                run.add(intervalNanos * c / connections);
            }
            runs.add(run);
        }
        long warmupNanos = (long) (warmup * 1e9);
        long measuredNanos = (long) (seconds * 1e9);
        boolean failed = false;
        for (boolean measuring : new boolean[] {false, true}) {
            long left = measuring ? measuredNanos : warmupNanos;
            if (measuring) {
                long measureFrom = System.nanoTime() + SLICE_GAP_NANOS;
                // The wall-clock time the measurement starts at: the slow requests' times
                // (rateload.slow) are from there, so they can be laid over a server's GC or
                // safepoint log (-Xlog:...::time).
                System.err.printf("RateLoad: measuring from %d (epoch ms)%n",
                        System.currentTimeMillis() + (measureFrom - System.nanoTime()) / 1_000_000);
                runs.forEach(run -> run.measureFrom = measureFrom);
            }
            while (left > 0 && !failed) {
                long length = Math.min(sliceNanos, left);
                for (Run run : runs) {
                    long from = System.nanoTime() + SLICE_GAP_NANOS;
                    failed |= !run.drive(from, from + length, measuring ? run.measured : run.warmUp);
                }
                left -= length;
            }
        }
        double ms = 1e6;
        long errors = 0;
        for (int i = 0; i < runs.size(); i++) {
            Run run = runs.get(i);
            run.close();
            run.writeSlow(i < slowFiles.length && !slowFiles[i].isBlank() ? slowFiles[i] : null);
            Histogram all = run.measured.histogram;
            long runErrors = run.errors + run.measured.failures;
            errors += runErrors;
            System.out.printf("%.0f %.3f %.3f %.3f %.3f %d %d%n", run.measured.counted / seconds,
                    all.getValueAtPercentile(50) / ms, all.getValueAtPercentile(99) / ms,
                    all.getValueAtPercentile(99.9) / ms, all.getMaxValue() / ms, all.getTotalCount(), runErrors);
        }
        // The client's own pauses are charged to the server (latency counts from the intended
        // send time): say how many collections it made (warm-up included; its parsing allocates
        // nothing per response, so none is expected), to tell them apart.
        long collections = 0;
        long collectionMillis = 0;
        for (var gc : java.lang.management.ManagementFactory.getGarbageCollectorMXBeans()) {
            collections += Math.max(0, gc.getCollectionCount());
            collectionMillis += Math.max(0, gc.getCollectionTime());
        }
        System.err.printf("RateLoad: the client's own heap collected %d times (%d ms) in the whole run%n",
                collections, collectionMillis);
        System.exit(errors == 0 && !failed ? 0 : 1);
    }

    /** One target: its connections, the selector loop and what it measures. */
    private static final class Run {
        final Phase warmUp = new Phase();
        final Phase measured = new Phase();
        final Selector selector;
        final InetSocketAddress address;
        final byte[] wire;
        final long interval;
        final List<Connection> connections = new ArrayList<>();
        /** The timeline's zero for the slow list, shared by all targets of one invocation. */
        long measureFrom;
        /** The slice being driven: its end, and the phase its answers are recorded in. */
        private long end;
        private Phase phase;
        long errors;
        /** Responses in all, and when the last one arrived: what a stall report says. */
        long responses;
        long lastResponse;

        Run(URI uri, List<String> headers, long interval) throws IOException {
            this.selector = Selector.open();
            this.address = new InetSocketAddress(uri.getHost(), uri.getPort());
            this.interval = interval;
            StringBuilder request = new StringBuilder()
                    .append("GET ").append(uri.getRawPath()).append(uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery())
                    .append(" HTTP/1.1\r\nHost: ").append(uri.getHost()).append(':').append(uri.getPort()).append("\r\n");
            for (String header : headers) {
                request.append(header).append("\r\n");
            }
            this.wire = request.append("\r\n").toString().getBytes(StandardCharsets.US_ASCII);
        }

        private final java.util.function.Consumer<SelectionKey> onReady = key -> {
            try {
                ((Connection) key.attachment()).readable();
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        };

        /** A connection whose first request goes {@code offset} ns into each slice (staggered). */
        void add(long offset) throws IOException {
            connections.add(new Connection(this, offset));
        }

        /**
         * Drives one slice: every connection sends on its schedule from {@code from} until
         * {@code until}, and the slice ends when the last request sent in it is answered. False
         * when the server stopped answering (reported; the run fails).
         */
        boolean drive(long from, long until, Phase phase) throws IOException {
            this.end = until;
            this.phase = phase;
            for (Connection c : connections) {
                if (c.intended != Long.MAX_VALUE) { // not a connection that failed
                    c.intended = from + c.offset;
                }
            }
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
                    return true;
                }
                if (now > end + STALL_NANOS) { // a server that never answers: fail, do not hang
                    stalled();
                    return false;
                }
                long wait = nextDue == Long.MAX_VALUE ? Long.MAX_VALUE : nextDue - System.nanoTime();
                // The selector hands each ready key to onReady, not through its selected-key set
                // (a set entry allocated per ready key, per response).
                if (wait >= 2_000_000) {
                    selector.select(onReady, Math.min(1000, wait / 1_000_000 - 1));
                } else if (wait > 0) {
                    if (selector.selectNow(onReady) == 0) {
                        LockSupport.parkNanos(Math.min(wait, MAX_PARK_NANOS));
                        selector.selectNow(onReady);
                    }
                } else {
                    selector.selectNow(onReady);
                }
            }
        }

        void close() throws IOException {
            for (Connection c : connections) {
                c.close();
            }
        }

        /**
         * Reports connections still waiting long after the slice's end, with what tells a server
         * that stopped answering mid-run from one that only lost the last requests: which
         * server, how many connections wait, how long ago the last response of any came and how
         * many there were.
         */
        void stalled() {
            long waiting = connections.stream().filter(c -> c.awaiting).count();
            String last = responses == 0 ? "none ever came"
                    : String.format("the last %.3f s before the slice's end", (end - lastResponse) / 1e9);
            System.err.printf("connection failed: %d of %d connections to %s had no response %d s after the slice's end;"
                    + " %d responses in all, %s%n", waiting, connections.size(), address, STALL_NANOS / 1_000_000_000,
                    responses, last);
            errors += waiting;
        }

        void completed(Connection c, int status) {
            long now = System.nanoTime();
            responses++;
            lastResponse = now;
            // Warm-up answers take the same path into their own histogram and slow list, so the
            // client's JIT has compiled the recording before the measurement starts: a branch
            // first taken at the measurement's start made the client deoptimise there and stall
            // for some 20-30 ms, which every request then sent late was charged for (8,000 late
            // requests, p99 11.5 ms on a row whose servers answer in 0.2 ms).
            phase.record(c.intended - measureFrom, now - c.intended, status);
            c.intended += interval;
        }

        /** Writes the slow requests, "intended_ms latency_ms" per line, when {@code file} is set. */
        void writeSlow(String file) throws IOException {
            if (file == null) {
                return;
            }
            StringBuilder out = new StringBuilder();
            for (int i = 0; i < measured.slowCount; i++) {
                out.append(String.format("%.3f %.3f%n", measured.slow[2 * i] / 1e6, measured.slow[2 * i + 1] / 1e6));
            }
            java.nio.file.Files.writeString(java.nio.file.Path.of(file), out);
        }

        void failed(String why) {
            System.err.println("connection failed: " + why);
            errors++;
        }
    }

    /**
     * What one phase of a run (warm-up or measurement) recorded: its latencies, answers, error
     * answers and the requests slower than {@link #SLOW_NANOS}, as (intended send time from the
     * measurement's start, latency) pairs for {@code -Drateload.slow=FILE}: whether a tail is a
     * few long stalls (requests late together) or many short delays spread out.
     */
    private static final class Phase {
        static final long SLOW_NANOS = 1_000_000;
        static final int SLOW_KEPT = 65_536;
        final Histogram histogram = new Histogram(TimeUnit.SECONDS.toNanos(60), 3);
        /** SLOW_KEPT pairs and a scratch pair, written (and not counted) once the list is full. */
        final long[] slow = new long[2 * SLOW_KEPT + 2];
        int slowCount;
        long counted;
        long failures;

        /** Without a branch on the latency or the list's room: the same code for every answer. */
        void record(long intendedFromStart, long latency, int status) {
            histogram.recordValue(Math.min(latency, histogram.getHighestTrackableValue()));
            slow[2 * slowCount] = intendedFromStart;
            slow[2 * slowCount + 1] = latency;
            slowCount += latency > SLOW_NANOS & slowCount < SLOW_KEPT ? 1 : 0;
            counted++;
            failures += status < 200 || status >= 400 ? 1 : 0;
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
        /** When in each slice its first request is due, from the slice's start. */
        final long offset;
        long intended;
        boolean awaiting;
        private boolean retried;

        Connection(Run run, long offset) throws IOException {
            this.run = run;
            this.offset = offset;
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

    /**
     * Reads one HTTP/1.1 response incrementally (Content-Length or chunked), keeps its status,
     * skips the body. Byte by byte into a fixed line buffer, no object per response or header:
     * the client's collections would be charged to the server.
     */
    private static final class ResponseParser {
        private enum State { HEAD, BODY, CHUNK_SIZE, CHUNK_DATA, CHUNK_END, TRAILERS, DONE }

        private static final byte[] CONTENT_LENGTH = "content-length:".getBytes(StandardCharsets.US_ASCII);
        private static final byte[] TRANSFER_ENCODING = "transfer-encoding:".getBytes(StandardCharsets.US_ASCII);
        private static final byte[] CONNECTION = "connection:".getBytes(StandardCharsets.US_ASCII);
        private static final byte[] CHUNKED = "chunked".getBytes(StandardCharsets.US_ASCII);
        private static final byte[] CLOSE = "close".getBytes(StandardCharsets.US_ASCII);
        private static final byte[] HTTP_1_0 = "HTTP/1.0".getBytes(StandardCharsets.US_ASCII);

        /** The current line without its CR LF; a longer line keeps its first bytes (enough for what is read here). */
        private final byte[] line = new byte[8192];
        private int length;
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
            length = 0;
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
                            if (b != '\r' && length < line.length) {
                                line[length++] = b;
                            }
                            continue;
                        }
                        onLine();
                        length = 0;
                    }
                }
            }
            return state == State.DONE;
        }

        private void onLine() {
            switch (state) {
                case HEAD -> {
                    if (firstLine) {
                        status = (line[9] - '0') * 100 + (line[10] - '0') * 10 + (line[11] - '0');
                        closes = startsWith(HTTP_1_0);
                        firstLine = false;
                    } else if (length > 0) {
                        header();
                    } else if (chunked) {
                        state = State.CHUNK_SIZE;
                    } else {
                        state = remaining > 0 ? State.BODY : State.DONE;
                    }
                }
                case CHUNK_SIZE -> {
                    remaining = hex();
                    state = remaining > 0 ? State.CHUNK_DATA : State.TRAILERS;
                }
                case CHUNK_END -> state = State.CHUNK_SIZE;
                case TRAILERS -> {
                    if (length == 0) {
                        state = State.DONE;
                    }
                }
                default -> throw new IllegalStateException(state.name());
            }
        }

        private void header() {
            if (startsWith(CONTENT_LENGTH)) {
                remaining = decimal(CONTENT_LENGTH.length);
            } else if (startsWith(TRANSFER_ENCODING)) {
                chunked = contains(CHUNKED, TRANSFER_ENCODING.length);
            } else if (startsWith(CONNECTION)) {
                closes = contains(CLOSE, CONNECTION.length);
            }
        }

        /** Case-insensitive, as header names are. */
        private boolean startsWith(byte[] prefix) {
            if (length < prefix.length) {
                return false;
            }
            for (int i = 0; i < prefix.length; i++) {
                if (lower(line[i]) != prefix[i]) {
                    return false;
                }
            }
            return true;
        }

        private boolean contains(byte[] word, int from) {
            for (int i = from; i + word.length <= length; i++) {
                int j = 0;
                while (j < word.length && lower(line[i + j]) == word[j]) {
                    j++;
                }
                if (j == word.length) {
                    return true;
                }
            }
            return false;
        }

        private long decimal(int from) {
            long n = 0;
            for (int i = from; i < length; i++) {
                byte b = line[i];
                if (b >= '0' && b <= '9') {
                    n = n * 10 + (b - '0');
                } else if (b != ' ' && b != '\t') {
                    break;
                }
            }
            return n;
        }

        /** A chunk-size line: hex digits, then maybe extensions after ';'. */
        private long hex() {
            long n = 0;
            for (int i = 0; i < length; i++) {
                int d = Character.digit(line[i], 16);
                if (d < 0) {
                    if (line[i] == ' ' || line[i] == '\t') {
                        continue;
                    }
                    break;
                }
                n = n * 16 + d;
            }
            return n;
        }

        private static byte lower(byte b) {
            return b >= 'A' && b <= 'Z' ? (byte) (b + 32) : b;
        }
    }
}
