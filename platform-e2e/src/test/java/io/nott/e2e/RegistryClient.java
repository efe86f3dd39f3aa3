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
    private final String base;
    private final String token;

    RegistryClient(String base, String token) {
        this.base = base + "/api/v1/units/";
        this.token = token;
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

    private void send(HttpRequest.Builder request, int... expected) {
        try {
            HttpResponse<String> response = http.send(request.header("Authorization", "Bearer " + token)
                    .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
            for (int status : expected) {
                if (response.statusCode() == status) {
                    return;
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
