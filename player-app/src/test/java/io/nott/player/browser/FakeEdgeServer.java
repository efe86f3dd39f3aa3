package io.nott.player.browser;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;

/**
 * A small Vert.x server standing in for the edge in browser tests: {@code GET /api/v1/streams}
 * answers a JSON body the test chooses, {@code GET /hls/<file>} serves a {@link LiveHlsStream}'s
 * directory and adds the headers the edge adds ({@code X-Cache-Status}, {@code X-Metrics-*}).
 * It answers CORS so a page served from another origin can read it and see those headers.
 *
 * <p>Knobs for the failure cases a viewer can meet: {@link #requireToken} (403 without
 * {@code ?token=}/{@code superstition} cookie, like the seed's token unit), {@link #freezePlaylists}
 * (the playlists stop moving: a stalled stream). Binds 127.0.0.1 on a free port.
 */
public final class FakeEdgeServer implements AutoCloseable {

    /** The headers the fake edge adds to every HLS answer, and exposes to cross-origin pages. */
    public static final String CACHE_STATUS = "X-Cache-Status";
    public static final String METRICS_HEADER = "X-Metrics-Fake-Edge";

    private static final Pattern FILE_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]*\\.(m3u8|ts)");

    private final Vertx vertx;
    private final HttpServer server;
    private final Path hlsDirectory;
    private final AtomicInteger segmentsServed = new AtomicInteger();
    private final Map<String, String> frozen = new ConcurrentHashMap<>();
    private volatile String streamsBody = "[]";
    private volatile String requiredToken;
    private volatile boolean freeze;

    private FakeEdgeServer(Vertx vertx, HttpServer server, Path hlsDirectory) {
        this.vertx = vertx;
        this.server = server;
        this.hlsDirectory = hlsDirectory;
    }

    /** Starts the server on a free port of 127.0.0.1, serving HLS files from {@code hlsDirectory}. */
    public static FakeEdgeServer start(Path hlsDirectory) throws Exception {
        Vertx vertx = Vertx.vertx();
        HttpServer server = vertx.createHttpServer();
        FakeEdgeServer fake = new FakeEdgeServer(vertx, server, hlsDirectory);
        server.requestHandler(fake::handle);
        server.listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        return fake;
    }

    /** {@code http://127.0.0.1:<port>}: pass it to the page as {@code ?api=}. */
    public String origin() {
        return "http://127.0.0.1:" + server.actualPort();
    }

    /** Sets what {@code GET /api/v1/streams} answers (JSON text). */
    public FakeEdgeServer streams(String json) {
        this.streamsBody = json;
        return this;
    }

    /** HLS requests without this token ({@code ?token=} or the {@code superstition} cookie) get 403; null lifts it. */
    public FakeEdgeServer requireToken(String token) {
        this.requiredToken = token;
        return this;
    }

    /** While frozen, every playlist keeps the content it had when frozen: no new segment ever appears. */
    public FakeEdgeServer freezePlaylists(boolean frozen) {
        if (!frozen) {
            this.frozen.clear();
        }
        this.freeze = frozen;
        return this;
    }

    /** How many segments were answered 200 so far. */
    public int segmentsServed() {
        return segmentsServed.get();
    }

    /** Back to a plain serving edge: no token, nothing frozen, an empty stream list. */
    public void reset() {
        streams("[]");
        requireToken(null);
        freezePlaylists(false);
    }

    private void handle(HttpServerRequest request) {
        HttpServerResponse response = request.response();
        response.putHeader("Access-Control-Allow-Origin", "*");
        response.putHeader("Access-Control-Expose-Headers", CACHE_STATUS + ", " + METRICS_HEADER);
        response.putHeader("Cache-Control", "no-cache");
        if ("OPTIONS".equals(request.method().name())) {
            response.putHeader("Access-Control-Allow-Methods", "GET").setStatusCode(204).end();
            return;
        }
        String path = request.path();
        if (path.equals("/api/v1/streams")) {
            response.putHeader("Content-Type", "application/json").end(streamsBody);
        } else if (path.startsWith("/hls/")) {
            serveHls(request, response, path.substring("/hls/".length()));
        } else {
            response.setStatusCode(404).end("not found: " + path);
        }
    }

    private void serveHls(HttpServerRequest request, HttpServerResponse response, String file) {
        String token = requiredToken;
        if (token != null && !token.equals(request.getParam("token")) && !hasCookie(request, token)) {
            response.setStatusCode(403).putHeader("Content-Type", "text/plain").end("forbidden: token required");
            return;
        }
        if (!FILE_NAME.matcher(file).matches()) {
            response.setStatusCode(400).end("bad file name");
            return;
        }
        Path target = hlsDirectory.resolve(file);
        if (file.endsWith(".m3u8")) {
            String body = freeze ? frozen.computeIfAbsent(file, f -> readOrNull(target)) : readOrNull(target);
            if (body == null) {
                response.setStatusCode(404).end("no playlist " + file);
                return;
            }
            response.putHeader("Content-Type", "application/vnd.apple.mpegurl")
                    .putHeader(CACHE_STATUS, "MISS")
                    .end(body);
            return;
        }
        vertx.fileSystem().readFile(target.toString()).onComplete(read -> {
            if (read.failed()) {
                response.setStatusCode(404).end("no segment " + file);
                return;
            }
            segmentsServed.incrementAndGet();
            response.putHeader("Content-Type", "video/mp2t")
                    .putHeader(CACHE_STATUS, "HIT")
                    .putHeader(METRICS_HEADER, "segment=" + file)
                    .end(read.result());
        });
    }

    private static boolean hasCookie(HttpServerRequest request, String token) {
        var cookie = request.getCookie("superstition");
        return cookie != null && token.equals(cookie.getValue());
    }

    private static String readOrNull(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            return null;
        }
    }

    @Override
    public void close() throws Exception {
        server.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
}
