package io.nott.unit.runtime;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import io.nott.unit.sandbox.BundledNames;
import org.luaj.vm2.LuaValue;

/**
 * The fixed set of modules {@code require} offers besides module units: built in Java here, or
 * written in Lua under {@code bundled/} ({@code BundledLua}); the names are {@link BundledNames}. A
 * module unit may not take one of them (validation refuses it), so {@code require "cjson"} always
 * means the same.
 */
final class BundledModules {

    /** Each supplier makes a fresh module table (one per runtime and snapshot, see {@link Modules}). */
    static final Map<String, Supplier<LuaValue>> JAVA = new LinkedHashMap<>();

    static {
        JAVA.put("cjson", () -> Cjson.module(false));
        JAVA.put("cjson.safe", () -> Cjson.module(true));
        JAVA.put("ngx.base64", RestyModules::base64);
        JAVA.put("resty.string", RestyModules::string);
        JAVA.put("resty.random", RestyModules::random);
        JAVA.put("resty.md5", () -> RestyModules.digest("MD5"));
        JAVA.put("resty.sha1", () -> RestyModules.digest("SHA-1"));
        JAVA.put("resty.sha224", () -> RestyModules.digest("SHA-224"));
        JAVA.put("resty.sha256", () -> RestyModules.digest("SHA-256"));
        JAVA.put("resty.sha384", () -> RestyModules.digest("SHA-384"));
        JAVA.put("resty.sha512", () -> RestyModules.digest("SHA-512"));
    }

    private BundledModules() {
    }

    static {
        if (!List.copyOf(JAVA.keySet()).equals(BundledNames.JAVA)) {
            throw new IllegalStateException("BundledNames.JAVA must list exactly the Java modules built here: "
                    + JAVA.keySet());
        }
    }
}
