package io.nott.unit.runtime;

import io.nott.unit.sandbox.BundledLua;
import io.nott.unit.sandbox.BundledNames;
import io.nott.unit.sandbox.LuaSandbox;
import io.nott.unit.sandbox.ReadOnlyTable;
import io.nott.unit.sandbox.UnitAbort;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.luaj.vm2.Globals;
import org.luaj.vm2.LuaError;
import org.luaj.vm2.LuaString;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaUserdata;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Prototype;
import org.luaj.vm2.Varargs;
import org.luaj.vm2.lib.OneArgFunction;

/**
 * {@code require} and {@code package} for one runtime. A runtime is one thread, which is what an
 * nginx worker is to OpenResty: {@code package.loaded} is per worker there and per runtime here,
 * and it is emptied when the runtime starts running another snapshot, so a module is loaded at
 * most once per thread per snapshot and a new snapshot always sees new module code.
 *
 * <p>Where {@code require(name)} looks, in order (Lua 5.1's {@code ll_require}): {@code package.loaded},
 * {@code package.preload}, the bundled Java modules ({@link #register}), the bundled Lua modules
 * ({@link BundledLua}: {@code bundled/<name>.lua} on the class path), the snapshot's module units
 * ({@link #moduleUnits}). Anything else fails as LuaJIT does: {@code module 'x' not found:} and
 * where it looked. Loading runs in the calling unit's call, so it is charged to that unit's budget.
 */
final class Modules {

    /** Lua 5.1's sentinel: in {@code package.loaded} while a module loads (and after its loader failed). */
    private static final LuaValue LOADING = new LuaUserdata("loading");

    /** Finds the chunk of a module published as a unit; null when the snapshot has none of that name. */
    interface ModuleUnits {
        Prototype find(String name);

        /** Where the search looked, for the "not found" message. */
        String describe(String name);
    }

    private final Globals globals;
    private final Map<String, Supplier<LuaValue>> javaModules = new LinkedHashMap<>();
    private final LuaTable loaded = new LuaTable();
    private final LuaTable preload = new LuaTable();
    private final ReadOnlyTable packageTable;
    private final Require require = new Require();
    private LuaTable moduleEnvMeta;
    private ModuleUnits moduleUnits = NONE;
    private Object boundTo;

    private static final ModuleUnits NONE = new ModuleUnits() {
        @Override
        public Prototype find(String name) {
            return null;
        }

        @Override
        public String describe(String name) {
            return "no module unit '" + name + "'";
        }
    };

    Modules(Globals globals) {
        this.globals = globals;
        LuaTable p = new LuaTable();
        p.set("loaded", loaded);
        p.set("preload", preload);
        // Code that extends the search path gets a harmless string; there are no files to find.
        p.set("path", "");
        p.set("cpath", "");
        this.packageTable = ReadOnlyTable.copyOf(p, null);
    }

    /** Adds a module built in Java; the supplier runs once per runtime and snapshot, on first require. */
    void register(String name, Supplier<LuaValue> module) {
        javaModules.put(name, module);
    }

    /** The metatable of the environment module chunks run in (the unit base environment). */
    void environment(LuaTable envMeta) {
        this.moduleEnvMeta = envMeta;
    }

    /**
     * Makes {@code key} (the snapshot) current: a different one empties {@code package.loaded} and
     * {@code package.preload} (so that no module value of an old snapshot survives).
     */
    void bind(Object key, ModuleUnits units) {
        if (boundTo == key) {
            return;
        }
        boundTo = key;
        moduleUnits = units == null ? NONE : units;
        clear(loaded);
        clear(preload);
    }

    LuaTable loaded() {
        return loaded;
    }

    LuaValue requireFunction() {
        return require;
    }

    LuaValue packageTable() {
        return packageTable;
    }

    /** Names of the bundled modules, Java and Lua, for documentation and messages. */
    List<String> bundledNames() {
        return BundledNames.names();
    }

    private static void clear(LuaTable t) {
        List<LuaValue> keys = new ArrayList<>();
        for (Varargs n = t.next(LuaValue.NIL); !n.arg1().isnil(); n = t.next(n.arg1())) {
            keys.add(n.arg1());
        }
        for (LuaValue k : keys) {
            t.rawset(k, LuaValue.NIL);
        }
    }

    /** The loader for {@code name}, or an error in LuaJIT's words naming where we looked. */
    private LuaValue loader(String name) {
        LuaValue pre = preload.rawget(name);
        if (pre.isfunction()) {
            return pre;
        }
        Supplier<LuaValue> java = javaModules.get(name);
        if (java != null) {
            return new OneArgFunction() {
                @Override
                public LuaValue call(LuaValue arg) {
                    return java.get();
                }
            };
        }
        Prototype lua = BundledLua.prototype(name);
        if (lua == null) {
            lua = moduleUnits.find(name);
        }
        if (lua != null) {
            LuaTable env = new LuaTable();
            env.setmetatable(moduleEnvMeta);
            env.rawset("_G", env);
            return LuaSandbox.bind(lua, globals, env);
        }
        throw new LuaError("module '" + name + "' not found:\n\tno field package.preload['" + name + "']"
                + "\n\tno bundled module '" + name + "' (bundled: " + String.join(", ", bundledNames()) + ")"
                + "\n\t" + moduleUnits.describe(name));
    }

    /** Lua 5.1's {@code require}: one value, cached in {@code package.loaded}, cycles detected. */
    private final class Require extends OneArgFunction {
        @Override
        public LuaValue call(LuaValue arg) {
            LuaString name = arg.checkstring();
            LuaValue cached = loaded.rawget(name);
            if (cached.toboolean()) {
                if (cached == LOADING) {
                    throw new LuaError("loop or previous error loading module '" + name + "'");
                }
                return cached;
            }
            LuaValue loader = loader(name.tojstring());
            loaded.rawset(name, LOADING);
            LuaValue result;
            try {
                result = loader.call(name);
            } catch (UnitAbort e) {
                // Not a Lua error but the caller's budget or ngx.exit: the module itself may be fine,
                // so the next call tries again instead of "previous error loading module".
                loaded.rawset(name, LuaValue.NIL);
                throw e;
            }
            if (!result.isnil()) {
                loaded.rawset(name, result);
            }
            if (loaded.rawget(name) == LOADING) {
                loaded.rawset(name, LuaValue.TRUE);
            }
            return loaded.rawget(name);
        }
    }
}
