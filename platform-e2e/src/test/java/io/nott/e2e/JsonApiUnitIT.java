package io.nott.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.nott.testsupport.FreePorts;
import io.nott.unit.codec.Json;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Issue #13's acceptance: a JSON API written as an OpenResty unit ({@code require "cjson.safe"},
 * the POST body read with {@code ngx.req.read_body} and validated, 400 with a JSON error or 200)
 * works end to end: shipped through the registry's REST API, applied by a real edge of a real
 * platform ({@code ./platform up} on free ports, Redis Cluster included), and answering real
 * HTTP requests; the unit's dry run with a sample body answers the same.
 */
class JsonApiUnitIT {

    private static final Duration APPLIED = Duration.ofSeconds(60);
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    /** Guarded by its path so that the rest of the edge's traffic is untouched. */
    static final String JSON_API = """
            if ngx.var.uri ~= "/app/api/cameras" then return end
            local cjson = require "cjson.safe"
            ngx.header["Content-Type"] = "application/json"
            if ngx.req.get_method() ~= "POST" then
              ngx.status = 405
              ngx.say(cjson.encode({error = "use POST with a JSON body"}))
              return
            end
            ngx.req.read_body()
            local body = ngx.req.get_body_data()
            local doc, err = cjson.decode(body or "")
            if type(doc) ~= "table" then
              ngx.status = 400
              ngx.say(cjson.encode({error = "body is not JSON: " .. tostring(err)}))
              return
            end
            if type(doc.name) ~= "string" or doc.name == "" then
              ngx.status = 400
              ngx.say(cjson.encode({error = "\\"name\\" must be a non-empty string"}))
              return
            end
            ngx.say(cjson.encode({ok = true, name = doc.name, bitrate = doc.bitrate or 0}))
            """;

    private static LocalPlatform platform;

    @BeforeAll
    static void shipTheUnit() throws Exception {
        platform = LocalPlatform.up("-jsonapi");
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("phase", "access");
        body.put("code", JSON_API);
        body.put("failure", "closed");
        body.put("budget", Map.of("wallMillis", 1000)); // generous: a loaded machine must not time it out
        HttpResponse<String> put = send(HttpRequest.newBuilder(URI.create(platform.registry() + "/api/v1/units/json-api"))
                .header("Content-Type", "application/json").PUT(HttpRequest.BodyPublishers.ofString(Json.write(body))));
        assertThat(put.statusCode()).as("PUT json-api: %s", put.body()).isIn(200, 201);
        long version = ((Number) json(send(HttpRequest.newBuilder(URI.create(platform.registry() + "/api/v1/units"))
                .GET())).get("version")).longValue();
        awaitEdgeApplied(version);
    }

    @AfterAll
    static void stopThePlatform() {
        if (platform != null) {
            platform.close();
            assertThat(platform.ports()).as("ports still listening after ./platform down").allMatch(FreePorts::isFree);
        }
    }

    @Test
    void aValidPostIsAnswered200WithJson() throws Exception {
        HttpResponse<String> r = post("{\"name\":\"cam-1\",\"bitrate\":3000}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type")).hasValue("application/json");
        assertThat(Json.parse(r.body())).isEqualTo(Map.of("ok", true, "name", "cam-1", "bitrate", 3000L));
    }

    @Test
    void invalidBodiesAre400WithAJsonError() throws Exception {
        HttpResponse<String> notJson = post("name=cam-1");
        assertThat(notJson.statusCode()).isEqualTo(400);
        assertThat(notJson.headers().firstValue("Content-Type")).hasValue("application/json");
        assertThat(error(notJson)).startsWith("body is not JSON: ");

        HttpResponse<String> noName = post("{\"bitrate\":1}");
        assertThat(noName.statusCode()).isEqualTo(400);
        assertThat(error(noName)).isEqualTo("\"name\" must be a non-empty string");

        HttpResponse<String> empty = post("");
        assertThat(empty.statusCode()).isEqualTo(400);
        assertThat(error(empty)).startsWith("body is not JSON: ");
    }

    @Test
    void otherMethodsAre405AndOtherPathsUntouched() throws Exception {
        HttpResponse<String> get = HTTP.send(HttpRequest.newBuilder(URI.create(platform.edge() + "/app/api/cameras"))
                .timeout(Duration.ofSeconds(30)).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(get.statusCode()).isEqualTo(405);
        assertThat(error(get)).isEqualTo("use POST with a JSON body");
        HttpResponse<String> page = HTTP.send(HttpRequest.newBuilder(URI.create(platform.edge() + "/app"))
                .timeout(Duration.ofSeconds(30)).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).doesNotContain("\"error\"");
    }

    @Test
    void theDryRunWithASampleBodyAnswersAsTheEdge() throws Exception {
        Map<String, Object> request = new LinkedHashMap<>();
        request.put("unitId", "json-api");
        request.put("request", Map.of("method", "POST", "uri", "/app/api/cameras",
                "headers", Map.of("Content-Type", "application/json"), "body", "{\"bitrate\":1}"));
        HttpResponse<String> r = send(HttpRequest.newBuilder(URI.create(platform.registry() + "/api/v1/units/test"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(Json.write(request))));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        Map<String, Object> result = json(r);
        assertThat(result.get("status")).isEqualTo(400L);
        assertThat(Json.parse((String) result.get("body"))).isEqualTo(Map.of("error", "\"name\" must be a non-empty string"));
    }

    private static String error(HttpResponse<String> r) {
        @SuppressWarnings("unchecked")
        Map<String, Object> doc = (Map<String, Object>) Json.parse(r.body());
        return (String) doc.get("error");
    }

    private static HttpResponse<String> post(String body) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(URI.create(platform.edge() + "/app/api/cameras"))
                .header("Content-Type", "application/json").timeout(Duration.ofSeconds(30))
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> json(HttpResponse<String> r) {
        return (Map<String, Object>) Json.parse(r.body());
    }

    private static HttpResponse<String> send(HttpRequest.Builder request) throws IOException, InterruptedException {
        return HTTP.send(request.header("Authorization", "Bearer " + platform.registryToken())
                .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static void awaitEdgeApplied(long version) throws Exception {
        long deadline = System.nanoTime() + APPLIED.toNanos();
        Object last = null;
        while (System.nanoTime() < deadline) {
            Map<String, Object> fleet = json(send(HttpRequest.newBuilder(URI.create(platform.registry() + "/api/v1/edges")).GET()));
            last = fleet;
            @SuppressWarnings("unchecked")
            List<Map<String, Object>> edges = (List<Map<String, Object>>) fleet.get("edges");
            if (edges.stream().anyMatch(e -> e.get("appliedVersion") instanceof Number n && n.longValue() >= version)) {
                return;
            }
            Thread.sleep(250);
        }
        throw new AssertionError("the edge did not apply version " + version + " within " + APPLIED + "; fleet: " + last);
    }
}
