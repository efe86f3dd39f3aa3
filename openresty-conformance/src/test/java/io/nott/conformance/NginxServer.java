package io.nott.conformance;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Real nginx 1.22 with Debian's lua-nginx-module: one {@code server} per case (its own file under
 * {@code conf/cases/}, so Lua chunk names do not depend on other cases), plus the shared origin on
 * a second port. A case whose config nginx refuses is left out and reported, so that one bad case
 * cannot stop the suite.
 */
final class NginxServer implements AutoCloseable {

    private static final Path NGINX = Path.of("/usr/sbin/nginx");
    private static final String MODULES = "/usr/share/nginx/modules";

    private final Path prefix;
    private final Process process;
    private final int port;
    private final int originPort;
    private final Map<String, String> refused;

    private NginxServer(Path prefix, Process process, int port, int originPort, Map<String, String> refused) {
        this.prefix = prefix;
        this.process = process;
        this.port = port;
        this.originPort = originPort;
        this.refused = refused;
    }

    int port() {
        return port;
    }

    int originPort() {
        return originPort;
    }

    /** Case id → nginx's complaint, for cases whose server block nginx would not load. */
    Map<String, String> refused() {
        return refused;
    }

    static NginxServer start(Path prefix, List<ConformanceCase> cases, int port, int originPort) {
        try {
            if (!Files.isExecutable(NGINX)) {
                throw new IllegalStateException("no nginx at " + NGINX + "; install nginx-light, libnginx-mod-http-lua and lua-cjson (./platform test does)");
            }
            Path conf = prefix.resolve("conf");
            Files.createDirectories(conf.resolve("cases"));
            Files.createDirectories(prefix.resolve("logs"));
            Files.writeString(conf.resolve("origin.lua"), Origins.lua());
            Map<String, String> moduleOwners = new LinkedHashMap<>();
            for (ConformanceCase c : cases) {
                Files.writeString(conf.resolve("cases").resolve(c.key() + ".conf"), server(c, port, originPort));
                writeModules(prefix.resolve("lua"), c, moduleOwners);
            }
            Map<String, String> refused = new LinkedHashMap<>();
            List<ConformanceCase> loaded = new ArrayList<>(cases);
            writeMain(prefix, loaded, port, originPort);
            String complaint = test(prefix);
            if (complaint != null) {
                // Find the cases nginx refuses one by one; the rest still run.
                for (ConformanceCase c : cases) {
                    writeMain(prefix, List.of(c), port, originPort);
                    String own = test(prefix);
                    if (own != null) {
                        refused.put(c.id(), own);
                        loaded.remove(c);
                    }
                }
                writeMain(prefix, loaded, port, originPort);
                String still = test(prefix);
                if (still != null) {
                    throw new IllegalStateException("nginx refuses the generated configuration even without the cases it refused alone: " + still);
                }
            }
            Process process = new ProcessBuilder(NGINX.toString(), "-p", prefix.toString(), "-c", "conf/nginx.conf")
                    .redirectErrorStream(true).redirectOutput(prefix.resolve("logs/stdout.log").toFile()).start();
            NginxServer server = new NginxServer(prefix, process, port, originPort, refused);
            server.awaitListening();
            return server;
        } catch (IOException e) {
            throw new IllegalStateException("cannot start nginx in " + prefix, e);
        }
    }

    /**
     * The case's {@code --- module} sections as Lua files where nginx's {@code require} looks
     * ({@code lua_package_path}, shared with the bundled modules of {@link ConformanceDicts}).
     * One directory for every case, so a name may belong to one case only.
     */
    private static void writeModules(Path luaDir, ConformanceCase c, Map<String, String> owners) throws IOException {
        for (Map.Entry<String, String> module : c.modules().entrySet()) {
            String owner = owners.putIfAbsent(module.getKey(), c.id());
            if (owner != null) {
                throw new IllegalStateException("module '" + module.getKey() + "' is defined by two cases, " + owner + " and "
                        + c.id() + "; module names are shared by every case: prefix them with the case's short name");
            }
            Path file = luaDir.resolve(module.getKey().replace('.', '/') + ".lua");
            if (Files.exists(file)) {
                throw new IllegalStateException("module '" + module.getKey() + "' of " + c.id() + " would replace " + file
                        + " (a bundled module): choose another name");
            }
            Files.createDirectories(file.getParent());
            Files.writeString(file, module.getValue() + "\n");
        }
    }

    private void awaitListening() {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("nginx exited with " + process.exitValue() + "; see " + prefix.resolve("logs"));
            }
            try (java.net.Socket s = new java.net.Socket("127.0.0.1", port); java.net.Socket o = new java.net.Socket("127.0.0.1", originPort)) {
                return;
            } catch (IOException e) {
                sleep();
            }
        }
        throw new IllegalStateException("nginx did not listen on " + port + " within 30 s; see " + prefix.resolve("logs"));
    }

    private static void sleep() {
        try {
            Thread.sleep(50);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** nginx -t on the current config: null when it loads, else what nginx said. */
    private static String test(Path prefix) throws IOException {
        Process p = new ProcessBuilder(NGINX.toString(), "-t", "-q", "-p", prefix.toString(), "-c", "conf/nginx.conf")
                .redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        try {
            return p.waitFor() == 0 ? null : output.strip();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static void writeMain(Path prefix, List<ConformanceCase> cases, int port, int originPort) throws IOException {
        StringBuilder conf = new StringBuilder();
        conf.append("# generated by OpenRestyConformanceIT for one run; edit the cases, not this file\n");
        conf.append("load_module ").append(MODULES).append("/ndk_http_module.so;\n");
        conf.append("load_module ").append(MODULES).append("/ngx_http_lua_module.so;\n");
        conf.append("daemon off;\nmaster_process on;\nworker_processes 1;\n");
        conf.append("pid logs/nginx.pid;\nerror_log logs/error.log notice;\n");
        conf.append("events { worker_connections 1024; }\n");
        conf.append("http {\n");
        // nginx's own default_type (text/plain), not Debian's stock nginx.conf override
        // (application/octet-stream): the edge has no per-site type configuration to mirror.
        conf.append("  default_type text/plain;\n");
        // The edge's error pages say "nginx" without a version, as nginx does with this.
        conf.append("  server_tokens off;\n");
        conf.append("  sendfile on;\n  tcp_nopush on;\n  access_log logs/access.log;\n");
        conf.append("  lua_package_cpath \"/usr/lib/x86_64-linux-gnu/lua/5.1/?.so;;\";\n");
        // The edge gives units edge_computing.redis_client; nginx gets the same few commands over
        // a shared dict, so the seed's counter runs unchanged on both.
        conf.append("  lua_shared_dict conformance_redis 1m;\n");
        conf.append(ConformanceDicts.nginxDirectives(prefix.resolve("lua").toAbsolutePath()));
        conf.append("  init_by_lua_block {\n").append(Origins.edgeComputingShim()).append("\n");
        for (ConformanceCase c : cases) {
            if (c.init() != null) {
                // One block for all cases: each case's locals stay in its do ... end.
                conf.append("do -- ").append(c.area()).append('/').append(c.title()).append('\n').append(c.init()).append("\nend\n");
            }
        }
        conf.append("\n  }\n");
        conf.append("  map $host $conformance_origin {\n    default default;\n");
        for (ConformanceCase c : cases) {
            conf.append("    ").append(c.host()).append(' ').append(c.origin()).append(";\n");
        }
        conf.append("  }\n");
        conf.append("  server {\n    listen 127.0.0.1:").append(originPort).append(" default_server;\n");
        conf.append("    location / { content_by_lua_file conf/origin.lua; }\n  }\n");
        conf.append("  server {\n    listen 127.0.0.1:").append(port).append(" default_server;\n");
        conf.append("    location / { return 421 \"no case is served under this Host\\n\"; }\n  }\n");
        for (ConformanceCase c : cases) {
            conf.append("  include cases/").append(c.key()).append(".conf;\n");
        }
        conf.append("}\n");
        Files.writeString(prefix.resolve("conf/nginx.conf"), conf.toString());
    }

    private static String server(ConformanceCase c, int port, int originPort) {
        StringBuilder s = new StringBuilder();
        s.append("# ").append(c.id().replace("\n", " ")).append('\n');
        s.append("server {\n  listen 127.0.0.1:").append(port).append(";\n  server_name ").append(c.host()).append(";\n");
        s.append("  location / {\n");
        c.phases().forEach((phase, code) -> {
            s.append("    ").append(phase).append("_by_lua_block {\n").append(code).append("\n    }\n");
        });
        if (!c.hasContent()) {
            s.append("    proxy_pass http://127.0.0.1:").append(originPort).append(";\n");
            s.append("    proxy_http_version 1.1;\n    proxy_set_header Host $host;\n    proxy_set_header Connection \"\";\n");
        }
        s.append("  }\n}\n");
        return s.toString();
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
