package io.nott.edge;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.allOf;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.equalTo;

import io.nott.testsupport.RedisClusterResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * Issue #20: the errors the edge itself answers off its proxied routes come in the registry's and
 * the ingest's one JSON shape ({@code status}, {@code error}, {@code problems}) with a message that
 * says what to fix, not Vert.x's HTML pages (the 405 is wired the same way, but no path of the edge
 * restricts its methods today: {@code /q} paths answer any); proxied routes keep answering as nginx and the origin do.
 */
@QuarkusTest
@QuarkusTestResource(value = RedisClusterResource.class, restrictToAnnotatedClass = true)
@QuarkusTestResource(value = io.nott.edge.support.OriginResource.class, restrictToAnnotatedClass = true)
@QuarkusTestResource(value = io.nott.edge.support.EdgeStateResource.class, restrictToAnnotatedClass = true)
class EdgeErrorShapeIT {

    @TestHTTPResource("/")
    URL edge;

    @Test
    void aPathNoRouteServesIsA404InTheOneShapeNamingWhatTheEdgeServes() {
        given().get("/nowhere/at/all").then().statusCode(404)
                .contentType("application/json")
                .body("status", equalTo(404))
                .body("error", allOf(containsString("GET /nowhere/at/all"), containsString("/hls"),
                        containsString("/api/v1/streams"), containsString("/q/health")))
                .body("problems", empty());
        // under /q too: a management path that does not exist
        given().get("/q/nothing-here").then().statusCode(404).contentType("application/json")
                .body("status", equalTo(404));
    }

    @Test
    void aBodyOverTheLimitOffTheProxiedRoutesIsA413InTheOneShape() throws IOException {
        // The header alone decides (the body is never sent): Quarkus' own check would answer an empty 413.
        String answer = raw("POST /q/metrics HTTP/1.1\r\nHost: edge\r\nContent-Type: text/plain\r\n"
                + "Content-Length: 999999999\r\nConnection: close\r\n\r\n");
        assertThat(answer).startsWith("HTTP/1.1 413").contains("application/json")
                .contains("\"status\":413").contains("999999999 bytes").contains("quarkus.http.limits.max-body-size");
    }

    @Test
    void proxiedRoutesStillAnswerAsTheOriginDoes() {
        given().get("/hls/still-proxied.m3u8").then().statusCode(200).body(equalTo("origin /hls/still-proxied.m3u8"));
    }

    /**
     * Sends {@code request} as is and reads one answer: its head, then as many bytes as its
     * Content-Length says (the connection stays open: the edge answered before the body it refused).
     */
    private String raw(String request) throws IOException {
        try (Socket socket = new Socket(edge.getHost(), edge.getPort())) {
            socket.setSoTimeout(30_000);
            OutputStream out = socket.getOutputStream();
            out.write(request.getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            StringBuilder head = new StringBuilder();
            while (!head.toString().endsWith("\r\n\r\n")) {
                int b = in.read();
                if (b < 0) {
                    return head.toString();
                }
                head.append((char) b);
            }
            java.util.regex.Matcher length = java.util.regex.Pattern.compile("(?i)content-length:\\s*(\\d+)").matcher(head);
            int bodyBytes = length.find() ? Integer.parseInt(length.group(1)) : 0;
            return head + new String(in.readNBytes(bodyBytes), StandardCharsets.UTF_8);
        }
    }
}
