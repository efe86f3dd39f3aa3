package io.nott.unit.runtime;

import io.nott.unit.sandbox.ReadOnlyTable;
import java.util.Set;
import org.luaj.vm2.Lua;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Prototype;
import org.luaj.vm2.Varargs;

/**
 * When a unit may run in one environment table shared by all its calls on a runtime, instead of
 * a fresh table per call (its table, hash slots, the {@code _G} entry and the upvalue holding it:
 * about 150 bytes on every unit call, some 15 % of a token check).
 *
 * <p>A fresh table per call is what keeps one request's globals from the next (OpenResty's globals
 * are per request). A unit whose chunk provably neither writes a global nor gets hold of its
 * environment can observe no difference: its environment stays {@code {_G = itself}} over the
 * base, call after call. The test is on the bytecode, once per unit: no {@code SETTABUP} (global
 * assignment), no {@code GETUPVAL}/{@code SETUPVAL} ({@code _ENV} as a value), no nested function
 * (a closure could capture the environment and outlive the call, e.g. in {@code ngx.ctx}), and none
 * of the names that hand out the environment or run code in it ({@code _G}, {@code load},
 * {@code require}, ...). The seed's token, IP and referer checks pass it.
 *
 * <p>One path stays that the bytecode cannot see: a function another unit left in {@code ngx.ctx}
 * that calls {@code load} (which compiles in the caller's environment). So the shared table is
 * read-only: such a write fails with "attempt to modify a read-only table" rather than leaving a
 * global for the next request.
 */
final class SharedEnv {

    /** Globals that give access to the environment table or run code in it. */
    private static final Set<String> REVEALING = Set.of("_G", "_ENV", "load", "loadstring", "dofile", "loadfile",
            "require", "package", "setfenv", "getfenv", "debug", "module");

    private SharedEnv() {
    }

    /** True when calls of {@code chunk} may share one read-only environment (see the class comment). */
    static boolean allowed(Prototype chunk) {
        if (chunk.p != null && chunk.p.length > 0) {
            return false;
        }
        for (int instruction : chunk.code) {
            int op = Lua.GET_OPCODE(instruction);
            if (op == Lua.OP_SETTABUP || op == Lua.OP_GETUPVAL || op == Lua.OP_SETUPVAL || op == Lua.OP_CLOSURE) {
                return false;
            }
        }
        for (LuaValue k : chunk.k) {
            if (k.isstring() && k.type() == LuaValue.TSTRING && REVEALING.contains(k.tojstring())) {
                return false;
            }
        }
        return true;
    }

    /**
     * The shared environment over {@code meta}: {@code _G} is itself, and nothing can be added to it.
     *
     * <p>It also holds, copied in, every global the read-only tables behind {@code meta} resolve
     * ({@code ngx}, {@code string}, init globals, ...): a unit reads {@code ngx} with one lookup
     * instead of a miss here, the metatable's {@code __index} and the base table (four hash
     * lookups, twice per token check). The copy answers as the chain does, since none of those
     * tables can change and a unit that may share this table can neither list it nor reach it
     * (see {@link #allowed}); a name none of them has still goes down the chain.
     */
    static LuaTable over(LuaTable meta, LuaValue globalName) {
        ReadOnlyTable env = ReadOnlyTable.open();
        copyResolved(meta, env);
        env.rawset(globalName, env);
        env.setmetatable(meta);
        env.seal();
        return env;
    }

    /**
     * Copies what lookups through {@code meta}'s {@code __index} chain find, as long as the chain
     * is made of sealed read-only tables (a function or a table that may still change ends it:
     * names past it keep being looked up there). Deepest first, so a nearer table's value wins as
     * it does in a lookup.
     */
    private static void copyResolved(LuaTable meta, LuaTable into) {
        java.util.ArrayDeque<ReadOnlyTable> chain = new java.util.ArrayDeque<>();
        LuaValue m = meta;
        while (m instanceof ReadOnlyTable mt && mt.isSealed() && chain.size() < 16
                && mt.rawget(LuaValue.INDEX) instanceof ReadOnlyTable next && next.isSealed()) {
            chain.push(next);
            m = next.getmetatable();
        }
        for (ReadOnlyTable t : chain) { // from the deepest
            for (Varargs n = t.next(LuaValue.NIL); !n.arg1().isnil(); n = t.next(n.arg1())) {
                into.rawset(n.arg1(), n.arg(2));
            }
        }
    }
}
