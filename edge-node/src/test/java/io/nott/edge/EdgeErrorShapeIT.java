package io.nott.edge;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.allOf;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;

import io.nott.edge.support.FailingOriginsResource;
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
 * Issue #20: the errors the edge itself answers come in the registry's and the ingest's one JSON
 * shape ({@code status}, {@code error}, {@code problems}) with a message that says what happened
 * and what to do: off its proxied routes (404, 405 on its own endpoints, 413) instead of Vert.x's
 * HTML pages, and on them the proxy's own 400/502/504 (against a dead port and a silent origin)
 * instead of one line of text; the origin's answers pass unchanged (units' nginx pages: the
 * conformance suite and {@code SteeringUnitsTest}).
 */
@QuarkusTest
@QuarkusTestResource(value = RedisClusterResource.class, restrictToAnnotatedClass = true)
@QuarkusTestResource(value = io.nott.edge.support.OriginResource.class, restrictToAnnotatedClass = true)
@QuarkusTestResource(value = io.nott.edge.support.EdgeStateResource.class, restrictToAnnotatedClass = true)
@QuarkusTestResource(value = FailingOriginsResource.class, restrictToAnnotatedClass = true)
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
    void theEdgesOwnEndpointsTakeGetAndHeadOnlyAndAnswerOtherMethods405InTheOneShape() {
        for (String path : java.util.List.of("/q/health", "/q/health/ready", "/q/metrics", "/q/openapi")) {
            given().post(path).then().statusCode(405).contentType("application/json")
                    .header("Allow", "GET, HEAD")
                    .body("status", equalTo(405))
                    .body("error", allOf(containsString("POST"), containsString(path), containsString("GET, HEAD")))
                    .body("problems", empty());
        }
        given().delete("/q/metrics").then().statusCode(405).contentType("application/json");
        given().get("/q/health/live").then().statusCode(200);
        given().head("/q/metrics").then().statusCode(200);
    }

    @Test
    void anOriginThatRefusesIsA502InTheOneShapeNamingTheServerAndWhatToCheck() {
        String server = "127.0.0.1:" + FailingOriginsResource.deadPort();
        given().get("/dead/live.m3u8").then().statusCode(502)
                .contentType("application/json")
                .body("status", equalTo(502))
                .body("error", allOf(startsWith("upstream dead (" + server + ") refused or failed the connection"),
                        containsString("edge.upstreams.dead.servers")))
                .body("problems", empty());
    }

    @Test
    void aSilentOriginIsA504InTheOneShapeNamingTheTimeout() {
        given().get("/slow/live.m3u8").then().statusCode(504)
                .contentType("application/json")
                .body("status", equalTo(504))
                .body("error", allOf(containsString("did not answer within 500 ms"),
                        containsString("edge.upstreams.slow.read-timeout")))
                .body("problems", empty());
    }

    @Test
    void aMalformedPathIsA400InTheOneShapeBeforeAnyOriginSeesIt() throws IOException {
        int before = io.nott.edge.support.OriginResource.origin().requests();
        String answer = raw("GET /hls/../../etc/passwd HTTP/1.1\r\nHost: edge\r\nConnection: close\r\n\r\n");
        assertThat(answer).startsWith("HTTP/1.1 400").contains("application/json").contains("\"status\":400")
                .contains("climbs above '/'").contains("fix the path");
        answer = raw("GET /hls/a%00b HTTP/1.1\r\nHost: edge\r\nConnection: close\r\n\r\n");
        assertThat(answer).startsWith("HTTP/1.1 400").contains("\"status\":400").contains("%00");
        assertThat(io.nott.edge.support.OriginResource.origin().requests()).isEqualTo(before);
    }

    @Test
    void aBadPercentEscapeIsTheProxys400InTheOneShapeNotQuarkusEmptyOne() throws IOException {
        // java.net.URI refuses these too: Quarkus' own check would answer an empty 400 before any route (EdgeMain).
        for (String target : java.util.List.of("/hls/%zz.m3u8", "/hls/a%4", "/hls/a%")) {
            String answer = raw("GET " + target + " HTTP/1.1\r\nHost: edge\r\nConnection: close\r\n\r\n");
            assertThat(answer).as(target).startsWith("HTTP/1.1 400").contains("application/json")
                    .contains("\"status\":400").contains("bad percent escape").contains("fix the path");
        }
    }

    @Test
    void targetsNginxServesButJavaUriRefusesReachTheOrigin() throws IOException {
        // Raw UTF-8 whose bytes fall in C1 controls, and characters URI syntax forbids: nginx serves both.
        String answer = raw("GET /hls/\u20ac.m3u8 HTTP/1.1\r\nHost: edge\r\nConnection: close\r\n\r\n");
        assertThat(answer).startsWith("HTTP/1.1 200").endsWith("origin /hls/%E2%82%AC.m3u8");
        answer = raw("GET /hls/a|b{c}^d.m3u8 HTTP/1.1\r\nHost: edge\r\nConnection: close\r\n\r\n");
        assertThat(answer).startsWith("HTTP/1.1 200").endsWith("origin /hls/a%7Cb%7Bc%7D%5Ed.m3u8"); // escaped as nginx escapes a proxied URI
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
            out.write(request.getBytes(StandardCharsets.UTF_8)); // a raw UTF-8 target goes as its bytes
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
