package io.nott.conformance;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The shared dicts every case may use, declared the same on both sides: {@code lua_shared_dict}
 * in nginx's http block, {@code PUT /api/v1/shared-dicts/<name>} on the registry before the units
 * are published. Cases run one after the other in file order on both sides, so dict state carried
 * from one case to the next is the same on both; still, each case should use keys of its own.
 * nginx also gets the edge's bundled Lua modules ({@code resty.limit.*}) on its
 * {@code lua_package_path}: lua-resty-limit-traffic is not packaged in Debian, so those cases prove
 * that our modules, our {@code ngx.shared} and our sandbox answer on the edge as the same Lua
 * answers on LuaJIT with nginx's real shdict.
 */
final class ConformanceDicts {

    /** name to size, nginx syntax. */
    static final Map<String, String> DICTS = new LinkedHashMap<>(Map.of("dogs", "1m", "tiny", "12k", "limits", "1m"));

    private static final String[] BUNDLED = {"resty.limit.req", "resty.limit.count", "resty.limit.conn",
        "resty.limit.traffic"};

    private ConformanceDicts() {
    }

    /** The http-block lines for nginx. */
    static String nginxDirectives(Path luaDir) {
        StringBuilder s = new StringBuilder();
        DICTS.forEach((name, size) -> s.append("  lua_shared_dict ").append(name).append(' ').append(size).append(";\n"));
        s.append("  lua_package_path \"").append(luaDir).append("/?.lua;;\";\n");
        return s.toString();
    }

    /**
     * Copies the edge's bundled Lua modules where nginx's {@code require} finds them, and the
     * reference modules for the bundled modules the edge builds in Java but Debian does not
     * package ({@code src/test/resources/nginx-lua}: {@code resty.string}, {@code resty.md5},
     * {@code resty.sha*}, {@code resty.random} over OpenSSL and nginx's C functions through the FFI;
     * see {@code conformance_ref/openssl.lua}).
     */
    static void installBundled(Path root, Path luaDir) throws IOException {
        Path source = root.resolve("unit-core/src/main/resources/bundled");
        for (String module : BUNDLED) {
            Path target = luaDir.resolve(module.replace('.', '/') + ".lua");
            Files.createDirectories(target.getParent());
            Files.copy(source.resolve(module + ".lua"), target, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
        Path reference = root.resolve("openresty-conformance/src/test/resources/nginx-lua");
        try (java.util.stream.Stream<Path> files = Files.walk(reference)) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                Path target = luaDir.resolve(reference.relativize(file).toString());
                Files.createDirectories(target.getParent());
                Files.copy(file, target, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
        }
    }
}
