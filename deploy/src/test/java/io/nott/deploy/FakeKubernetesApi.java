package io.nott.deploy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Just enough of a Kubernetes API server for Helm's {@code lookup} of Secrets: discovery of
 * the core group and GET of one Secret. helm-java's template runs lookups against the cluster
 * of the current kubeconfig, so without this they would go to whatever listens on
 * localhost:8080 (the edge node, when the platform is up). The build points {@code KUBECONFIG}
 * (Surefire's environment) at a file this class writes with its own free port.
 */
final class FakeKubernetesApi {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern SECRET = Pattern.compile("^/api/v1/namespaces/([^/]+)/secrets/([^/]+)$");
    private static FakeKubernetesApi instance;

    private final Map<String, Map<String, String>> secrets = new ConcurrentHashMap<>();
    private final HttpServer server;

    private FakeKubernetesApi(Path kubeconfig) throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", this::handle);
        server.start();
        Files.createDirectories(kubeconfig.getParent());
        Files.writeString(kubeconfig, """
                apiVersion: v1
                kind: Config
                clusters:
                  - name: fake
                    cluster:
                      server: http://127.0.0.1:%d
                contexts:
                  - name: fake
                    context:
                      cluster: fake
                      user: fake
                current-context: fake
                users:
                  - name: fake
                    user: {}
                """.formatted(server.getAddress().getPort()));
    }

    /** Starts the server once per test JVM and writes the kubeconfig that KUBECONFIG names. */
    static synchronized FakeKubernetesApi start() {
        if (instance == null) {
            String kubeconfig = System.getenv("KUBECONFIG");
            if (kubeconfig == null || kubeconfig.isBlank()) {
                throw new IllegalStateException("KUBECONFIG is not set: run the tests through Maven (deploy/pom.xml sets it"
                        + " for Surefire), or export KUBECONFIG=deploy/target/fake-kube/kubeconfig");
            }
            try {
                instance = new FakeKubernetesApi(Path.of(kubeconfig));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot start the fake Kubernetes API", e);
            }
        }
        return instance;
    }

    /** Puts a Secret (values in clear, stored base64 as the API does) for lookups to find. */
    void putSecret(String namespace, String name, Map<String, String> data) {
        Map<String, String> encoded = new LinkedHashMap<>();
        data.forEach((key, value) -> encoded.put(key,
                Base64.getEncoder().encodeToString(value.getBytes(StandardCharsets.UTF_8))));
        secrets.put(namespace + "/" + name, encoded);
    }

    void clear() {
        secrets.clear();
    }

    private void handle(HttpExchange exchange) throws IOException {
        String path = exchange.getRequestURI().getPath();
        Matcher secret = SECRET.matcher(path);
        if (path.equals("/api")) {
            reply(exchange, 200, Map.of("kind", "APIVersions", "versions", new String[] {"v1"}));
        } else if (path.equals("/apis")) {
            reply(exchange, 200, Map.of("kind", "APIGroupList", "apiVersion", "v1", "groups", new Object[0]));
        } else if (path.equals("/api/v1")) {
            reply(exchange, 200, Map.of("kind", "APIResourceList", "groupVersion", "v1", "resources", new Object[] {
                    Map.of("name", "secrets", "singularName", "secret", "namespaced", true, "kind", "Secret",
                            "verbs", new String[] {"get", "list"})}));
        } else if (secret.matches() && secrets.containsKey(secret.group(1) + "/" + secret.group(2))) {
            reply(exchange, 200, Map.of("apiVersion", "v1", "kind", "Secret", "type", "Opaque",
                    "metadata", Map.of("name", secret.group(2), "namespace", secret.group(1)),
                    "data", secrets.get(secret.group(1) + "/" + secret.group(2))));
        } else {
            reply(exchange, 404, Map.of("apiVersion", "v1", "kind", "Status", "status", "Failure",
                    "reason", "NotFound", "code", 404, "message", path + " not found"));
        }
    }

    private static void reply(HttpExchange exchange, int status, Object body) throws IOException {
        byte[] bytes = JSON.writeValueAsBytes(body);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        try (var out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }
}
