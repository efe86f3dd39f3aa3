package io.nott.edge.support;

import io.nott.testsupport.FreePorts;
import io.nott.testsupport.Poll;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * A real nginx (Debian's {@code /usr/sbin/nginx}) on a free port, in its own prefix directory,
 * with the {@code server} block a test gives; stopped (and its directory kept for the logs) on
 * close. {@code %PORT%} and {@code %DIR%} in the block are replaced.
 */
public final class NginxProcess implements AutoCloseable {

    private final Process process;
    private final Path dir;
    private final int port;

    public NginxProcess(Path dir, String serverBlock) throws IOException {
        this(dir, "", serverBlock);
    }

    /** As {@link #NginxProcess(Path, String)} with directives for the main context first (e.g. {@code load_module}). */
    public NginxProcess(Path dir, String mainBlock, String serverBlock) throws IOException {
        this.dir = dir;
        this.port = FreePorts.one();
        Files.createDirectories(dir.resolve("logs"));
        Files.createDirectories(dir.resolve("tmp"));
        String tmp = dir.resolve("tmp").toString();
        String conf = mainBlock + """
                daemon off;
                master_process off;
                worker_processes 1;
                error_log %DIR%/logs/error.log warn;
                pid %DIR%/nginx.pid;
                events { worker_connections 256; }
                http {
                    access_log off;
                    client_body_temp_path %TMP%; proxy_temp_path %TMP%; fastcgi_temp_path %TMP%;
                    uwsgi_temp_path %TMP%; scgi_temp_path %TMP%;
                    default_type text/plain;
                    %SERVER%
                }
                """.replace("%SERVER%", serverBlock).replace("%TMP%", tmp)
                .replace("%PORT%", Integer.toString(port)).replace("%DIR%", dir.toString());
        Path confFile = dir.resolve("nginx.conf");
        Files.writeString(confFile, conf);
        this.process = new ProcessBuilder("/usr/sbin/nginx", "-p", dir.toString(), "-c", confFile.toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("logs/stdout.log").toFile()).start();
        Poll.upTo(Duration.ofSeconds(20), "nginx listening on " + port).until(this::accepting);
    }

    private boolean accepting() {
        if (!process.isAlive()) {
            throw new IllegalStateException("nginx exited with " + process.exitValue() + "; see " + dir.resolve("logs"));
        }
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 500);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    public int port() {
        return port;
    }

    public String address() {
        return "127.0.0.1:" + port;
    }

    public Path dir() {
        return dir;
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        process.waitFor();
    }
}
