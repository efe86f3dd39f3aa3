package io.nott.unit.sandbox;

import org.luaj.vm2.LuaError;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Varargs;

/**
 * A Lua table no unit can change: library tables, {@code ngx}, the shared base environment and
 * every metatable the sandbox hands out. Writes of any kind (assignment, {@code rawset},
 * {@code table.insert}, {@code setmetatable}) raise "attempt to modify a read-only table".
 * Reads, {@code pairs} and {@code next} work as usual.
 */
public final class ReadOnlyTable extends LuaTable {

    private boolean sealed;
    /**
     * A {@link #proxy}'s {@code __index} and {@code __newindex} when they are functions, else null.
     * The proxy is empty and sealed, and so is its metatable, so every read misses and every write
     * goes to them: {@link #get}/{@link #set} call them at once. LuaJ's path gets there after two
     * raw lookups of the key and one of the metamethod in the metatable, on every
     * {@code ngx.var.x} read and {@code ngx.header.x = v} write.
     */
    private LuaValue directIndex;
    private LuaValue directNewIndex;

    private ReadOnlyTable() {
    }

    /** A sealed copy of {@code source} (shallow) with an optional metatable (which should be read-only too). */
    public static ReadOnlyTable copyOf(LuaTable source, LuaValue metatable) {
        ReadOnlyTable t = new ReadOnlyTable();
        for (Varargs n = source.next(NIL); !n.arg1().isnil(); n = source.next(n.arg1())) {
            t.rawset(n.arg1(), n.arg(2));
        }
        if (metatable != null) {
            t.setmetatable(metatable);
        }
        t.sealed = true;
        return t;
    }

    /**
     * An unsealed table to fill (e.g. a copy of a cyclic structure that must exist before its
     * contents do); {@link #seal} it before handing it out.
     */
    public static ReadOnlyTable open() {
        return new ReadOnlyTable();
    }

    /** From now on every write fails. */
    public void seal() {
        sealed = true;
    }

    /** A sealed table with only a metatable, e.g. {@code ngx.var} whose keys come from {@code __index}. */
    public static ReadOnlyTable proxy(LuaValue metatable) {
        ReadOnlyTable t = copyOf(new LuaTable(), metatable);
        if (metatable instanceof ReadOnlyTable m && m.sealed) {
            LuaValue index = m.rawget(INDEX);
            LuaValue newIndex = m.rawget(NEWINDEX);
            t.directIndex = index.isfunction() ? index : null;
            t.directNewIndex = newIndex.isfunction() ? newIndex : null;
        }
        return t;
    }

    /** True once no write can change this table any more (what a copy of it may rely on). */
    public boolean isSealed() {
        return sealed;
    }

    @Override
    public LuaValue get(LuaValue key) {
        return directIndex != null ? directIndex.call(this, key) : super.get(key);
    }

    @Override
    public void set(LuaValue key, LuaValue value) {
        if (directNewIndex != null) {
            directNewIndex.call(this, key, value);
            return;
        }
        super.set(key, value);
    }

    /** A sealed metatable built from key/value pairs, e.g. {@code __index}, fn. */
    public static ReadOnlyTable of(Object... keyValues) {
        LuaTable t = new LuaTable();
        for (int i = 0; i < keyValues.length; i += 2) {
            t.rawset(LuaValue.valueOf((String) keyValues[i]), (LuaValue) keyValues[i + 1]);
        }
        return copyOf(t, null);
    }

    private void check() {
        if (sealed) {
            throw new LuaError("attempt to modify a read-only table");
        }
    }

    @Override
    public LuaValue setmetatable(LuaValue metatable) {
        check();
        return super.setmetatable(metatable);
    }

    @Override
    public void rawset(int key, LuaValue value) {
        check();
        super.rawset(key, value);
    }

    @Override
    public void rawset(LuaValue key, LuaValue value) {
        check();
        super.rawset(key, value);
    }

    @Override
    public void hashset(LuaValue key, LuaValue value) {
        check();
        super.hashset(key, value);
    }

    @Override
    public void insert(int pos, LuaValue value) {
        check();
        super.insert(pos, value);
    }

    @Override
    public LuaValue remove(int pos) {
        check();
        return super.remove(pos);
    }

    @Override
    public void sort(LuaValue comparator) {
        check();
        super.sort(comparator);
    }

    @Override
    public void presize(int narray, int nhash) {
        check();
        super.presize(narray, nhash);
    }

    @Override
    public void presize(int narray) {
        check();
        super.presize(narray);
    }
}
