package io.nott.edge.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nott.edge.cache.CachePolicy;
import io.nott.edge.support.NginxProcess;
import io.nott.edge.support.ProxyBed;
import io.nott.edge.support.RawHttp;
import io.vertx.core.Vertx;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The edge's URI normalisation against real nginx (issue #15): the same {@code $uri} (or the same
 * 400) for a table of tricky paths, and traversal attempts through the edge never reaching a file
 * of the nginx origin outside the route's prefix.
 */
class UriNormalizationIT {

    /** Paths whose normalisation is checked against nginx's {@code $uri}, byte for byte. */
    static final List<String> TABLE = List.of(
            "/", "/hls/a.ts", "/hls/../secret.txt", "/hls/./a", "/hls//a", "//hls///a//", "/hls/%2e%2e/secret",
            "/hls/%2E%2e%2fsecret", "/hls/..%2fsecret", "/hls/a%2fb", "/hls/..\\secret", "/hls\\..\\secret",
            "/../x", "/hls/../../x", "/a/%252e%252e/x", "/a/%3f/x", "/a/%20b", "/a/%00", "/a/%zz", "/a/%4", "/a/%",
            "/a/b/..", "/a/b/.", "/a/.hidden", "/a/...", "/a/..b", "/a/b../c", "/a/%41%7e", "/a/%c3%a9", "/a/%23",
            "/a/b/../../..", "/a/%2e", "/a/.%2e/x", "/a/%2E%2E", "/a/..", "/..", "/.", "/./../a", "/a/%5c..%5c",
            "/a/%2f%2f%2fb", "/a/b/%2e%2e%2f%2e%2e%2f%2e%2e%2fc", "/%ff%fe", "/a/%25", "/a/b;c=d/../e");

    /**
     * Request targets sent as raw bytes that nginx reads, but {@code java.net.URI} refuses or a
     * second UTF-8 encoding would change: raw UTF-8 (with bytes in the C1 range, as in {@code €}),
     * characters URI syntax reserves or forbids.
     */
    static final List<String> RAW_TARGETS = List.of(
            "/a/\u00e9\u20ac\u00fc.txt", "/a/%e2%82%ac\u20ac", "/a/a|b^c{d}e[f]`g\"h", "/a/\u4e2d\u6587/../x\u00e9");

    static Vertx vertx;
    static NginxProcess uriEcho;
    static NginxProcess origin;
    static ProxyBed edge;
    static ProxyBed edgeToEcho;

    @BeforeAll
    static void start(@TempDir Path tmp) throws Exception {
        vertx = Vertx.vertx();
        uriEcho = new NginxProcess(tmp.resolve("echo"), """
                server { listen 127.0.0.1:%PORT%; location / { return 200 "$uri"; } }
                """);
        Path root = tmp.resolve("origin-root");
        Files.createDirectories(root.resolve("hls"));
        Files.writeString(root.resolve("hls/inside.txt"), "INSIDE");
        Files.writeString(root.resolve("secret.txt"), "SECRET-OUTSIDE");
        Files.writeString(root.resolve("hls..secret"), "SECRET-SIBLING");
        Files.createDirectories(root.resolve("hlsx"));
        Files.writeString(root.resolve("hlsx/secret.txt"), "SECRET-PREFIX-TWIN");
        origin = new NginxProcess(tmp.resolve("origin"), """
                log_format uris '$request_uri|$uri';
                server {
                    listen 127.0.0.1:%PORT%;
                    access_log %DIR%/logs/uris.log uris;
                    merge_slashes off;
                    location / { root ROOT; }
                }
                """.replace("ROOT", root.toString()));
        edge = ProxyBed.simple(vertx, "/hls", List.of(origin.address()), CachePolicy.DISABLED);
        edgeToEcho = ProxyBed.simple(vertx, "/", List.of(uriEcho.address()), CachePolicy.DISABLED);
    }

    @AfterAll
    static void stop() throws Exception {
        for (ProxyBed bed : new ProxyBed[] {edge, edgeToEcho}) {
            if (bed != null) {
                bed.close();
            }
        }
        for (NginxProcess nginx : new NginxProcess[] {uriEcho, origin}) {
            if (nginx != null) {
                nginx.close();
            }
        }
        vertx.close();
    }

    @Test
    void normalisedPathEqualsNginxUri() throws Exception {
        for (String path : TABLE) {
            RawHttp.Answer nginx = RawHttp.get(uriEcho.port(), path);
            if (nginx.status() == 400) {
                assertThatThrownBy(() -> RequestUri.of(path, null)).as("nginx refuses %s", path)
                        .isInstanceOfSatisfying(ProxyException.class, e -> assertThat(e.status()).isEqualTo(400));
                continue;
            }
            assertThat(nginx.status()).as(path).isEqualTo(200);
            byte[] ours = RequestUri.of(path, null).path().getBytes(StandardCharsets.UTF_8);
            // Compared as text: invalid UTF-8 after decoding (%ff%fe) becomes U+FFFD on both sides.
            assertThat(new String(ours, StandardCharsets.UTF_8)).as(path).isEqualTo(nginx.text());
        }
    }

    @Test
    void rawBytesInTheTargetReachTheOriginAsTheBytesNginxReads() throws Exception {
        for (String target : RAW_TARGETS) {
            RawHttp.Answer direct = RawHttp.get(uriEcho.port(), target); // RawHttp sends the target as UTF-8
            RawHttp.Answer throughEdge = RawHttp.get(edgeToEcho.port(), target);
            assertThat(throughEdge.status()).as(target).isEqualTo(direct.status());
            if (direct.status() == 200) {
                assertThat(throughEdge.body()).as("$uri at nginx for %s through the edge", target).isEqualTo(direct.body());
            }
        }
    }

    @Test
    void traversalNeverReachesTheOriginOutsideThePrefix() throws Exception {
        List<String> attacks = List.of(
                "/hls/../secret.txt", "/hls/./../secret.txt", "/hls//../secret.txt", "/hls/%2e%2e/secret.txt",
                "/hls/%2E%2E%2Fsecret.txt", "/hls/..%2fsecret.txt", "/hls/.%2e/secret.txt", "/hls%2f..%2fsecret.txt",
                "/hls/..\\secret.txt", "/hls\\..\\secret.txt", "/hls/%5c..%5csecret.txt", "/hls/a/../../secret.txt",
                "/hls/%252e%252e/secret.txt", "/hls/../hlsx/secret.txt", "/hlsx/secret.txt", "/hls..secret",
                "/hls%2e%2esecret", "/hls/%2e%2e%2f%2e%2e%2f%2e%2e%2fsecret.txt", "/hls/....//secret.txt",
                "/hls/../../../../secret.txt", "/hls/inside.txt/../../secret.txt", "/hls%3f/../secret.txt",
                "/hls/;/../secret.txt", "//hls//..//secret.txt");
        for (String attack : attacks) {
            RawHttp.Answer answer = RawHttp.get(edge.port(), attack);
            assertThat(answer.text()).as(attack).doesNotContain("SECRET");
            assertThat(answer.status()).as(attack).isIn(400, 404);
        }
        // And the legitimate file still comes through, by its plain and its encoded name.
        assertThat(RawHttp.get(edge.port(), "/hls/inside.txt").text()).contains("INSIDE");
        assertThat(RawHttp.get(edge.port(), "/hls/./x/../%69nside.txt").text()).contains("INSIDE");
        // Whatever did reach the origin asked for a path under /hls/, raw and normalised alike.
        List<String> logged = Files.readAllLines(origin.dir().resolve("logs/uris.log"));
        assertThat(logged).isNotEmpty().allSatisfy(line -> {
            String[] uris = line.split("\\|", 2);
            assertThat(uris[0]).as("request_uri at the origin").startsWith("/hls/").doesNotContain("//");
            assertThat(uris[0].split("/")).as("segments of %s", uris[0]).doesNotContain("..", ".");
            assertThat(uris[1]).as("uri at the origin").startsWith("/hls/");
        });
    }

    @Test
    void forwardsTheNormalisedPathEscapedAsNginxDoesAndTheRawQuery() {
        RequestUri uri = RequestUri.of("/hls//a/./x/../b%20c%3fd%25e%c3%a9\"%5c", "x=%2e%2e&y=1");
        assertThat(uri.path()).isEqualTo("/hls/a/b c?d%e\u00e9\"\\");
        assertThat(uri.forwardedUri()).isEqualTo("/hls/a/b%20c%3Fd%25e%C3%A9\"%5C?x=%2e%2e&y=1");
    }
}
