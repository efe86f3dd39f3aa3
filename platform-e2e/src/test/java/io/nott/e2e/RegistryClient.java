package io.nott.e2e;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** Ships units through the registry's REST API, as an operator with the generated token does. */
final class RegistryClient {

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final String root;
    private final String base;
    private final String token;

    RegistryClient(String base, String token) {
        this.root = base;
        this.base = base + "/api/v1/units/";
        this.token = token;
    }

    /**
     * {@code method path} with a JSON {@code body} (or none); the answer's body when its status is
     * one of {@code expected}, else an AssertionError naming what the registry answered.
     */
    String send(String method, String path, String body, int... expected) {
        return send(HttpRequest.newBuilder(URI.create(root + path)).header("Content-Type", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body)),
                expected);
    }

    /** The registry's current unit version ({@code GET /api/v1/units}). */
    long version() {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("\"version\"\\s*:\\s*(\\d+)")
                .matcher(send("GET", "/api/v1/units", null, 200));
        if (!m.find()) {
            throw new AssertionError("no version in GET /api/v1/units");
        }
        return Long.parseLong(m.group(1));
    }

    /** Waits (60 s at most) until an edge reports {@code version} as applied ({@code GET /api/v1/edges}). */
    void awaitApplied(long version) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        java.util.regex.Pattern applied = java.util.regex.Pattern.compile("\"appliedVersion\"\\s*:\\s*(\\d+)");
        while (System.nanoTime() < deadline) {
            java.util.regex.Matcher m = applied.matcher(send("GET", "/api/v1/edges", null, 200));
            while (m.find()) {
                if (Long.parseLong(m.group(1)) >= version) {
                    return;
                }
            }
            Thread.sleep(200);
        }
        throw new AssertionError("the edge did not apply version " + version + " within 60 s");
    }

    void put(String id, String phase, String code, String failure) {
        String body = "{\"phase\":" + json(phase) + ",\"code\":" + json(code) + ",\"failure\":" + json(failure) + "}";
        send(HttpRequest.newBuilder(URI.create(base + id))
                .header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString(body)), 200, 201);
    }

    void delete(String id) {
        send(HttpRequest.newBuilder(URI.create(base + id)).DELETE(), 204, 404);
    }

    private String send(HttpRequest.Builder request, int... expected) {
        try {
            // 60 s, a deadline only: a PUT took over 10 s at a load average of 30 (the registry
            // compiles the unit and writes it to the Redis Cluster on a starved machine).
            HttpResponse<String> response = http.send(request.header("Authorization", "Bearer " + token)
                    .timeout(Duration.ofSeconds(60)).build(), HttpResponse.BodyHandlers.ofString());
            for (int status : expected) {
                if (response.statusCode() == status) {
                    return response.body();
                }
            }
            throw new AssertionError("registry answered " + response.statusCode() + ": " + response.body());
        } catch (IOException e) {
            throw new AssertionError("registry unreachable", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** {@code text} as a JSON string literal. */
    static String json(String text) {
        StringBuilder out = new StringBuilder("\"");
        for (char c : text.toCharArray()) {
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                default -> out.append(c < 0x20 ? String.format("\\u%04x", (int) c) : String.valueOf(c));
            }
        }
        return out.append('"').toString();
    }
}
