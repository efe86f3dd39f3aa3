package io.nott.unit.runtime;

import io.nott.unit.sandbox.ReadOnlyTable;
import java.util.IdentityHashMap;
import java.util.Map;
import org.luaj.vm2.Globals;
import org.luaj.vm2.LuaClosure;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.UpValue;
import org.luaj.vm2.Varargs;

/**
 * Copies what init units built in one runtime into another, as fork() gives each nginx worker its
 * own copy of the master's Lua state: tables are copied (shared and cyclic structure kept), Lua
 * functions are re-created over the target runtime's {@link Globals} (so its budget hook counts
 * them) with copied upvalues, and every library value of the source runtime ({@code ngx.say},
 * {@code require}, the base environment...) becomes the target's own. Strings, numbers and JVM-wide
 * values are shared as they are immutable. The source is only read, so runtimes may copy from it
 * concurrently.
 */
final class Forker {

    private final Globals target;
    private final Map<Object, Object> copies = new IdentityHashMap<>();

    /** @param from the runtime init ran in; @param to the runtime that gets the copy */
    Forker(LuaEngine from, LuaEngine to) {
        this.target = to.globals();
        copies.put(from.envMeta(), to.envMeta());
        pair(from.base(), to.base());
        copies.put(from.modules().loaded(), to.modules().loaded());
    }

    /** Maps the source runtime's library values onto the target's, key by key. */
    private void pair(LuaValue a, LuaValue b) {
        if (a == b || b == null || b.isnil() || copies.containsKey(a)) {
            return;
        }
        copies.put(a, b);
        // Library tables are read-only; mutable ones reached from them (package.loaded) are state, not library.
        if (a instanceof ReadOnlyTable && b.istable()) {
            LuaTable ta = (LuaTable) a;
            for (Varargs n = ta.next(LuaValue.NIL); !n.arg1().isnil(); n = ta.next(n.arg1())) {
                pair(n.arg(2), b.rawget(n.arg1()));
            }
        }
        LuaValue ma = a.getmetatable();
        LuaValue mb = b.getmetatable();
        if (ma != null && mb != null) {
            pair(ma, mb);
        }
    }

    /** The init globals as the target's read-only table, falling back to its base environment. */
    LuaTable globals(LuaTable initGlobals) {
        ReadOnlyTable g = ReadOnlyTable.open();
        copies.put(initGlobals, g);
        fill(initGlobals, g);
        g.seal();
        return g;
    }

    /** Copies the modules init required into the target's {@code package.loaded}. */
    void loaded(LuaTable from, LuaTable into) {
        for (Varargs n = from.next(LuaValue.NIL); !n.arg1().isnil(); n = from.next(n.arg1())) {
            into.rawset(n.arg1(), copy(n.arg(2)));
        }
    }

    LuaValue copy(LuaValue v) {
        Object known = copies.get(v);
        if (known != null) {
            return (LuaValue) known;
        }
        if (v instanceof LuaClosure c) {
            LuaClosure out = new LuaClosure(c.p, target);
            copies.put(v, out);
            for (int i = 0; i < c.upValues.length; i++) {
                out.upValues[i] = upValue(c.upValues[i]);
            }
            return out;
        }
        if (v instanceof LuaTable t && !(v instanceof ReadOnlyTable)) {
            LuaTable out = new LuaTable();
            copies.put(v, out);
            fill(t, out);
            return out;
        }
        return v; // strings, numbers, booleans, userdata, JVM-wide read-only tables and Java functions
    }

    private void fill(LuaTable from, LuaTable out) {
        for (Varargs n = from.next(LuaValue.NIL); !n.arg1().isnil(); n = from.next(n.arg1())) {
            out.rawset(copy(n.arg1()), copy(n.arg(2)));
        }
        LuaValue mt = from.getmetatable();
        if (mt != null) {
            out.setmetatable(copy(mt));
        }
    }

    private UpValue upValue(UpValue u) {
        if (u == null) {
            return null;
        }
        Object known = copies.get(u);
        if (known != null) {
            return (UpValue) known;
        }
        UpValue out = new UpValue(new LuaValue[] {LuaValue.NIL}, 0);
        copies.put(u, out);
        out.setValue(copy(u.getValue()));
        return out;
    }
}
