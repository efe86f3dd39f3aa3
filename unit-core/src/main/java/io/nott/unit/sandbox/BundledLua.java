package io.nott.unit.sandbox;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import org.luaj.vm2.Prototype;

/**
 * The bundled modules written in Lua: {@code bundled/<dotted.name>.lua} on the class path (e.g.
 * {@code bundled/resty.limit.req.lua}), compiled once per JVM with the sandbox compiler (the
 * prototype is immutable and shared; each runtime binds and runs its own closure, see
 * {@code io.nott.unit.runtime.Modules}). {@code bundled/index.txt} lists them for messages and documentation.
 */
public final class BundledLua {

    /** Dotted Lua names only: nothing that could walk out of {@code bundled/}. */
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_]+(\\.[A-Za-z0-9_]+)*");
    private static final ConcurrentHashMap<String, Optional<Prototype>> CACHE = new ConcurrentHashMap<>();
    private static final List<String> NAMES = readIndex();

    private BundledLua() {
    }

    /** The compiled chunk of bundled module {@code name}; null when there is none. */
    public static Prototype prototype(String name) {
        if (!NAME.matcher(name).matches()) {
            return null;
        }
        return CACHE.computeIfAbsent(name, BundledLua::load).orElse(null);
    }

    public static List<String> names() {
        return NAMES;
    }

    private static Optional<Prototype> load(String name) {
        String source = read("bundled/" + name + ".lua");
        if (source == null) {
            return Optional.empty();
        }
        // Chunk name as OpenResty would print the file's: resty/limit/req.lua:12: ...
        return Optional.of(UnitCompiler.compileSource(name.replace('.', '/') + ".lua", source));
    }

    private static List<String> readIndex() {
        String index = read("bundled/index.txt");
        if (index == null) {
            return List.of();
        }
        return index.lines().map(String::strip).filter(l -> !l.isEmpty() && !l.startsWith("#")).toList();
    }

    private static String read(String resource) {
        try (InputStream in = BundledLua.class.getClassLoader().getResourceAsStream(resource)) {
            return in == null ? null : new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + resource + " from the unit-core jar", e);
        }
    }
}
