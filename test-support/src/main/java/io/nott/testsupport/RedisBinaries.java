package io.nott.testsupport;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.stream.Stream;

/** Finds {@code redis-server} and {@code redis-cli}, or says exactly what to install. */
record RedisBinaries(Path server, Path cli) {

    static RedisBinaries locate() {
        Optional<Path> server = onPath("redis-server");
        Optional<Path> cli = onPath("redis-cli");
        if (server.isEmpty() || cli.isEmpty()) {
            throw new IllegalStateException("The tests need a real Redis Cluster but redis-server/redis-cli are not "
                    + "on the PATH. Install them: 'apt-get install -y redis-server' (Debian/Ubuntu), "
                    + "'brew install redis' (macOS), or run './platform test', which installs them.");
        }
        return new RedisBinaries(server.get(), cli.get());
    }

    private static Optional<Path> onPath(String name) {
        String path = System.getenv().getOrDefault("PATH", "") + ":/usr/bin:/usr/local/bin:/usr/sbin";
        return Stream.of(path.split(":"))
                .filter(dir -> !dir.isBlank())
                .map(dir -> Path.of(dir, name))
                .filter(Files::isExecutable)
                .findFirst();
    }
}
