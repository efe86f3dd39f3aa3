import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
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
 * <p>Run with the JDK's source launcher (no build step), HdrHistogram from Maven Central:
 * <pre>java -cp HdrHistogram-2.2.2.jar RateLoad.java URL RATE SECONDS [CONNECTIONS] [WARMUP_SECONDS] [Header: value]...</pre>
 * Prints one line: {@code achieved_rps p50_ms p99_ms p999_ms max_ms requests errors}. Exits 1 if
 * any answer was not 2xx/3xx or a connection failed (the figures would not be of the same work).
 */
public final class RateLoad {

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
        List<Histogram> histograms = new ArrayList<>();
        AtomicLong errors = new AtomicLong();
        AtomicLong measured = new AtomicLong();
        CountDownLatch done = new CountDownLatch(connections);
        for (int c = 0; c < connections; c++) {
            Histogram histogram = new Histogram(TimeUnit.SECONDS.toNanos(60), 3);
            histograms.add(histogram);
            long first = start + intervalNanos * c / connections;
            Thread.ofPlatform().daemon().name("load-" + c).start(() -> {
                try {
                    connection(uri, wire, first, intervalNanos, measureFrom, end, histogram, measured, errors);
                } catch (IOException e) {
                    System.err.println("connection failed: " + e);
                    errors.incrementAndGet();
                } finally {
                    done.countDown();
                }
            });
        }
        done.await();
        Histogram all = new Histogram(TimeUnit.SECONDS.toNanos(60), 3);
        histograms.forEach(all::add);
        double ms = 1e6;
        System.out.printf("%.0f %.3f %.3f %.3f %.3f %d %d%n", measured.get() / seconds,
                all.getValueAtPercentile(50) / ms, all.getValueAtPercentile(99) / ms,
                all.getValueAtPercentile(99.9) / ms, all.getMaxValue() / ms, all.getTotalCount(), errors.get());
        System.exit(errors.get() == 0 ? 0 : 1);
    }

    private static void connection(URI uri, byte[] wire, long first, long interval, long measureFrom, long end,
                                   Histogram histogram, AtomicLong measured, AtomicLong errors) throws IOException {
        Connection connection = new Connection(uri);
        try {
            for (long intended = first; intended < end; intended += interval) {
                long wait = intended - System.nanoTime();
                while (wait > 0) {
                    LockSupport.parkNanos(wait);
                    wait = intended - System.nanoTime();
                }
                int status = connection.exchange(wire);
                long now = System.nanoTime();
                if (intended >= measureFrom) {
                    histogram.recordValue(Math.min(now - intended, histogram.getHighestTrackableValue()));
                    measured.incrementAndGet();
                    if (status < 200 || status >= 400) {
                        errors.incrementAndGet();
                    }
                }
            }
        } finally {
            connection.close();
        }
    }

    /**
     * One keep-alive connection that reconnects, as wrk does, when the server ends it between two
     * requests (nginx closes a connection after {@code keepalive_requests}, 1,000 by default, and
     * after {@code Connection: close}); the reconnect's time counts in the request's latency. A
     * connection that ends again at once, or during a response, is an error.
     */
    private static final class Connection {
        private final URI uri;
        private Socket socket;
        private OutputStream out;
        private Reader in;

        Connection(URI uri) throws IOException {
            this.uri = uri;
            open();
        }

        int exchange(byte[] wire) throws IOException {
            try {
                return send(wire);
            } catch (ServerClosed e) {
                close();
                open();
                return send(wire);
            }
        }

        private int send(byte[] wire) throws IOException {
            try {
                out.write(wire);
                out.flush();
            } catch (IOException e) { // a reset of a connection the server closed meanwhile
                throw new ServerClosed();
            }
            Reader.Response response = in.response();
            if (response.closes()) {
                close();
                open();
            }
            return response.status();
        }

        private void open() throws IOException {
            socket = new Socket();
            socket.setTcpNoDelay(true);
            socket.connect(new InetSocketAddress(uri.getHost(), uri.getPort()), 5000);
            out = socket.getOutputStream();
            in = new Reader(socket.getInputStream());
        }

        void close() throws IOException {
            socket.close();
        }
    }

    /** The server ended the connection before the response's first byte: retried on a new one. */
    private static final class ServerClosed extends IOException {
        ServerClosed() {
            super("the server closed the connection");
        }
    }

    /** Reads one HTTP/1.1 response (Content-Length or chunked), returns its status, discards the body. */
    private static final class Reader {
        private final InputStream in;
        private final byte[] buf = new byte[64 * 1024];
        private int pos;
        private int lim;

        Reader(InputStream in) {
            this.in = in;
        }

        record Response(int status, boolean closes) { }

        Response response() throws IOException {
            if (pos == lim && !fillOrEnd()) {
                throw new ServerClosed();
            }
            String statusLine = line();
            int status = Integer.parseInt(statusLine.substring(9, 12));
            long length = -1;
            boolean chunked = false;
            boolean closes = statusLine.startsWith("HTTP/1.0");
            for (String h = line(); !h.isEmpty(); h = line()) {
                int colon = h.indexOf(':');
                String name = h.substring(0, colon).trim();
                if (name.equalsIgnoreCase("content-length")) {
                    length = Long.parseLong(h.substring(colon + 1).trim());
                } else if (name.equalsIgnoreCase("transfer-encoding") && h.toLowerCase().contains("chunked")) {
                    chunked = true;
                } else if (name.equalsIgnoreCase("connection")) {
                    closes = h.toLowerCase().contains("close");
                }
            }
            if (chunked) {
                for (long size = Long.parseLong(line().split(";")[0].trim(), 16); size > 0;
                     size = Long.parseLong(line().split(";")[0].trim(), 16)) {
                    skip(size);
                    line();
                }
                while (!line().isEmpty()) { } // trailers
            } else if (length > 0) {
                skip(length);
            }
            return new Response(status, closes);
        }

        /** Reads more; false when the server has ended the connection. */
        private boolean fillOrEnd() throws IOException {
            pos = 0;
            try {
                lim = in.read(buf);
            } catch (java.net.SocketException e) { // reset by a server that closed it
                lim = -1;
            }
            return lim >= 0;
        }

        private void fill() throws IOException {
            pos = 0;
            lim = in.read(buf);
            if (lim < 0) {
                throw new IOException("the server closed the connection");
            }
        }

        private String line() throws IOException {
            StringBuilder s = new StringBuilder(64);
            while (true) {
                if (pos == lim) {
                    fill();
                }
                byte b = buf[pos++];
                if (b == '\n') {
                    int n = s.length();
                    return n > 0 && s.charAt(n - 1) == '\r' ? s.substring(0, n - 1) : s.toString();
                }
                s.append((char) b);
            }
        }

        private void skip(long n) throws IOException {
            while (n > 0) {
                if (pos == lim) {
                    fill();
                }
                int take = (int) Math.min(n, lim - pos);
                pos += take;
                n -= take;
            }
        }
    }
}
