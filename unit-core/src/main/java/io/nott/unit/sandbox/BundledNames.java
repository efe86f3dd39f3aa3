package io.nott.unit.sandbox;

import java.util.ArrayList;
import java.util.List;

/**
 * The names {@code require} finds besides module units: the modules built in Java (their tables
 * are made in {@code io.nott.unit.runtime.BundledModules}, which checks it has exactly these) and
 * the Lua ones under {@code bundled/} ({@link BundledLua}). Here, not in the runtime, so that
 * validation can refuse a module unit that would hide one without depending on the runtime.
 */
public final class BundledNames {

    /** The modules built in Java. */
    public static final List<String> JAVA = List.of("cjson", "cjson.safe", "ngx.base64", "resty.string",
            "resty.random", "resty.md5", "resty.sha1", "resty.sha224", "resty.sha256", "resty.sha384", "resty.sha512");

    /**
     * lua-resty-core's module forms of tables the runtime builds per engine ({@code LuaEngine}):
     * {@code require "ngx.balancer"} returns {@code ngx.balancer}.
     */
    public static final List<String> NGX_TABLES = List.of("ngx.balancer");

    private BundledNames() {
    }

    /** Every bundled name, Java ones first. */
    public static List<String> names() {
        List<String> names = new ArrayList<>(JAVA);
        names.addAll(NGX_TABLES);
        names.addAll(BundledLua.names());
        return names;
    }

    /** True when {@code require(name)} finds a bundled module. */
    public static boolean isBundled(String name) {
        return JAVA.contains(name) || NGX_TABLES.contains(name) || BundledLua.prototype(name) != null;
    }
}
