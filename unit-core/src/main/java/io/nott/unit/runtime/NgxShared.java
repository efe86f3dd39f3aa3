package io.nott.unit.runtime;

import io.nott.unit.runtime.shared.SharedDict;
import io.nott.unit.runtime.shared.SharedDicts;
import io.nott.unit.sandbox.LuaNumbers;
import io.nott.unit.sandbox.ReadOnlyTable;
import java.nio.charset.StandardCharsets;
import java.util.IdentityHashMap;
import java.util.List;
import org.luaj.vm2.LuaError;
import org.luaj.vm2.LuaString;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaUserdata;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Varargs;

/**
 * {@code ngx.shared} for one runtime: {@code ngx.shared.NAME} is the node's dict of that name
 * ({@link SharedDicts}), as a table whose metatable holds the methods, like lua-nginx-module's
 * ({@code type(ngx.shared.dogs) == "table"}; a method called with {@code .} instead of {@code :}
 * raises {@code bad "zone" argument}). Argument checks, return values and error strings are
 * lua-resty-core's {@code shdict.lua} and lua-nginx-module's list functions. Allowed in every phase.
 */
final class NgxShared {

    private static final LuaString NIL_KEY = LuaString.valueOf("nil key");
    private static final LuaString EMPTY_KEY = LuaString.valueOf("empty key");
    private static final LuaString KEY_TOO_LONG = LuaString.valueOf("key too long");
    private static final LuaString BAD_VALUE_TYPE = LuaString.valueOf("bad value type");
    private static final LuaString VALUE_IS_A_LIST = LuaString.valueOf("value is a list");

    /** Marks a name this call set to nil: it reads as nil even when a dict has that name. */
    private static final LuaValue ASSIGNED_NIL = new LuaUserdata("ngx.shared: assigned nil");

    private final SharedDicts dicts;
    private final LuaTable methods;
    private final LuaTable dictMeta;
    /** One Lua object per dict for this runtime (LuaJ tables are per thread), so {@code ==} holds. */
    private final IdentityHashMap<SharedDict, LuaValue> objects = new IdentityHashMap<>();

    private final CallContext bound;

    NgxShared(SharedDicts dicts, CallContext ctx) {
        this.dicts = dicts;
        this.bound = ctx;
        this.methods = methods();
        this.dictMeta = ReadOnlyTable.of("__index", methods);
    }

    /** The {@code ngx.shared} table. */
    LuaValue table() {
        return ReadOnlyTable.proxy(ReadOnlyTable.of(
                "__index", NgxLib.fn(a -> lookup(a.arg(2))),
                "__newindex", NgxLib.fn(a -> {
                    assign(a.arg(2), a.arg(3));
                    return LuaValue.NONE;
                })));
    }

    /**
     * {@code ngx.shared.NAME}: what this call assigned to NAME if it did (nginx's table is a plain
     * one), else the dict NAME, else nil (an undeclared dict reads as nil, as in nginx).
     */
    private LuaValue lookup(LuaValue name) {
        LuaTable assigned = CallContext.currentOr(bound).sharedAssigned;
        if (assigned != null) {
            LuaValue v = assigned.rawget(name);
            if (v == ASSIGNED_NIL) {
                return LuaValue.NIL;
            }
            if (!v.isnil()) {
                return v;
            }
        }
        return dict(name);
    }

    /**
     * {@code ngx.shared.NAME = v}: works as on nginx's plain table (any key, any value; the dict
     * object stays intact and the next call sees the dicts again). Kept for this call only: see
     * {@link CallContext#sharedAssigned}.
     */
    private void assign(LuaValue name, LuaValue value) {
        if (name.isnil()) {
            throw new LuaError("table index is nil");
        }
        CallContext c = CallContext.currentOr(bound);
        if (c.sharedAssigned == null) {
            c.sharedAssigned = new LuaTable();
        }
        // nil hides a dict of that name for the rest of the call, as on nginx's plain table.
        c.sharedAssigned.rawset(name, value.isnil() ? ASSIGNED_NIL : value);
    }

    private LuaValue dict(LuaValue name) {
        SharedDict d = name.isstring() ? dicts.get(name.tojstring()) : null;
        if (d == null) {
            return LuaValue.NIL;
        }
        LuaValue o = objects.get(d);
        if (o == null) {
            LuaTable t = new LuaTable();
            t.rawset(1, new LuaUserdata(d));
            o = ReadOnlyTable.copyOf(t, dictMeta);
            objects.put(d, o);
        }
        return o;
    }

    private LuaTable methods() {
        LuaTable m = new LuaTable();
        m.set("get", NgxLib.fn(a -> get(a, false)));
        m.set("get_stale", NgxLib.fn(a -> get(a, true)));
        m.set("set", NgxLib.fn(a -> store(a, SharedDict.Op.SET)));
        m.set("safe_set", NgxLib.fn(a -> store(a, SharedDict.Op.SAFE_SET)));
        m.set("add", NgxLib.fn(a -> store(a, SharedDict.Op.ADD)));
        m.set("safe_add", NgxLib.fn(a -> store(a, SharedDict.Op.SAFE_ADD)));
        m.set("replace", NgxLib.fn(a -> store(a, SharedDict.Op.REPLACE)));
        m.set("delete", NgxLib.fn(a -> {
            SharedDict d = zone(a);
            String key = key(a.arg(2));
            return key == null ? keyError(a.arg(2)) : stored(d.store(SharedDict.Op.SET, key, null, 0, 0));
        }));
        m.set("incr", NgxLib.fn(this::incr));
        m.set("lpush", NgxLib.fn(a -> push(a, true)));
        m.set("rpush", NgxLib.fn(a -> push(a, false)));
        m.set("lpop", NgxLib.fn(a -> pop(a, true)));
        m.set("rpop", NgxLib.fn(a -> pop(a, false)));
        m.set("llen", NgxLib.fn(this::llen));
        m.set("ttl", NgxLib.fn(this::ttl));
        m.set("expire", NgxLib.fn(this::expire));
        m.set("flush_all", NgxLib.fn(a -> {
            zone(a).flushAll();
            return LuaValue.NONE;
        }));
        m.set("flush_expired", NgxLib.fn(a -> {
            SharedDict d = zone(a);
            return LuaValue.valueOf(d.flushExpired(a.arg(2).isnil() ? 0 : a.arg(2).checkint()));
        }));
        m.set("get_keys", NgxLib.fn(this::keys));
        m.set("capacity", NgxLib.fn(a -> LuaValue.valueOf((double) zone(a).capacity())));
        m.set("free_space", NgxLib.fn(a -> LuaValue.valueOf((double) zone(a).freeSpace())));
        return ReadOnlyTable.copyOf(m, null);
    }

    // ---- methods ----------------------------------------------------------------------------

    private Varargs get(Varargs a, boolean stale) {
        SharedDict d = zone(a);
        String key = key(a.arg(2));
        if (key == null) {
            return keyError(a.arg(2));
        }
        SharedDict.Value v = d.get(key, stale);
        if (v == null) {
            return LuaValue.NIL;
        }
        if (v.value() == SharedDict.LIST) {
            return LuaValue.varargsOf(LuaValue.NIL, VALUE_IS_A_LIST);
        }
        LuaValue value = toLua(v.value());
        LuaValue flags = v.flags() != 0 ? LuaValue.valueOf(v.flags()) : LuaValue.NIL;
        if (stale) {
            return LuaValue.varargsOf(value, flags, LuaValue.valueOf(v.stale()));
        }
        return v.flags() != 0 ? LuaValue.varargsOf(value, flags) : value;
    }

    private Varargs store(Varargs a, SharedDict.Op op) {
        SharedDict d = zone(a);
        long ttl = exptime(a.arg(4), false);
        int flags = a.arg(5).toboolean() ? (int) number(a.arg(5), "flags") : 0;
        String key = key(a.arg(2));
        if (key == null) {
            return keyError(a.arg(2));
        }
        LuaValue v = a.arg(3);
        Object value;
        if (v.type() == LuaValue.TSTRING) {
            value = bytes(v.checkstring());
        } else if (v.type() == LuaValue.TNUMBER) {
            value = v.todouble();
        } else if (v.isnil()) {
            value = null;
        } else if (v.type() == LuaValue.TBOOLEAN) {
            value = v.toboolean();
        } else {
            return LuaValue.varargsOf(LuaValue.NIL, BAD_VALUE_TYPE);
        }
        return stored(d.store(op, key, value, ttl, flags));
    }

    private Varargs incr(Varargs a) {
        SharedDict d = zone(a);
        String key = key(a.arg(2));
        if (key == null) {
            return keyError(a.arg(2));
        }
        LuaValue by = a.arg(3).tonumber();
        if (by.isnil()) {
            throw new LuaError("cannot convert '" + a.arg(3).typename() + "' to 'double'");
        }
        Double init = null;
        if (a.arg(4).toboolean()) {
            LuaValue i = a.arg(4).tonumber();
            if (i.isnil()) {
                throw new LuaError("bad init arg: number expected, got " + a.arg(4).typename());
            }
            init = i.todouble();
        }
        long initTtl = 0;
        if (!a.arg(5).isnil()) {
            LuaValue t = a.arg(5).tonumber();
            if (t.isnil()) {
                throw new LuaError("bad init_ttl arg: number expected, got " + a.arg(5).typename());
            }
            if (t.todouble() < 0) {
                throw new LuaError("bad \"init_ttl\" argument");
            }
            if (init == null) {
                throw new LuaError("must provide \"init\" when providing \"init_ttl\"");
            }
            initTtl = (long) (t.todouble() * 1000);
        }
        SharedDict.Incremented r = d.incr(key, by.todouble(), init, initTtl);
        if (r.err() != null) {
            return LuaValue.varargsOf(LuaValue.NIL, LuaValue.valueOf(r.err()));
        }
        LuaValue value = LuaValue.valueOf(r.value());
        return init == null ? value : LuaValue.varargsOf(value, LuaValue.NIL, LuaValue.valueOf(r.forcible()));
    }

    private Varargs push(Varargs a, boolean left) {
        SharedDict d = zone(a);
        String key = key(a.arg(2));
        if (key == null) {
            return keyError(a.arg(2));
        }
        LuaValue v = a.arg(3);
        Object value;
        if (v.type() == LuaValue.TSTRING) {
            value = bytes(v.checkstring());
        } else if (v.type() == LuaValue.TNUMBER) {
            value = v.todouble();
        } else {
            return LuaValue.varargsOf(LuaValue.NIL, BAD_VALUE_TYPE);
        }
        SharedDict.Length r = d.push(key, value, left);
        return r.err() != null ? LuaValue.varargsOf(LuaValue.NIL, LuaValue.valueOf(r.err()))
                : LuaValue.valueOf((double) r.length());
    }

    private Varargs pop(Varargs a, boolean left) {
        SharedDict d = zone(a);
        String key = key(a.arg(2));
        if (key == null) {
            return keyError(a.arg(2));
        }
        SharedDict.Popped r = d.pop(key, left);
        if (r.err() != null) {
            return LuaValue.varargsOf(LuaValue.NIL, LuaValue.valueOf(r.err()));
        }
        return r.value() == null ? LuaValue.NIL : toLua(r.value());
    }

    private Varargs llen(Varargs a) {
        SharedDict d = zone(a);
        String key = key(a.arg(2));
        if (key == null) {
            return keyError(a.arg(2));
        }
        SharedDict.Length r = d.llen(key);
        return r.err() != null ? LuaValue.varargsOf(LuaValue.NIL, LuaValue.valueOf(r.err()))
                : LuaValue.valueOf((double) r.length());
    }

    private Varargs ttl(Varargs a) {
        SharedDict d = zone(a);
        String key = key(a.arg(2));
        if (key == null) {
            return keyError(a.arg(2));
        }
        Double ttl = d.ttl(key);
        return ttl == null ? LuaValue.varargsOf(LuaValue.NIL, LuaValue.valueOf(SharedDict.NOT_FOUND))
                : LuaValue.valueOf(ttl);
    }

    private Varargs expire(Varargs a) {
        SharedDict d = zone(a);
        long ttl = exptime(a.arg(3), true);
        String key = key(a.arg(2));
        if (key == null) {
            return keyError(a.arg(2));
        }
        return d.expire(key, ttl) ? LuaValue.TRUE
                : LuaValue.varargsOf(LuaValue.NIL, LuaValue.valueOf(SharedDict.NOT_FOUND));
    }

    private Varargs keys(Varargs a) {
        SharedDict d = zone(a);
        int max = a.arg(2).isnil() ? 1024 : a.arg(2).checkint();
        List<String> keys = d.keys(max);
        LuaTable t = new LuaTable(keys.size(), 0);
        for (int i = 0; i < keys.size(); i++) {
            t.rawset(i + 1, LuaString.valueUsing(keys.get(i).getBytes(StandardCharsets.ISO_8859_1)));
        }
        return t;
    }

    // ---- arguments --------------------------------------------------------------------------

    /** lua-resty-core's check_zone: the receiver must be a dict object ({@code dict:get}, not {@code dict.get}). */
    private static SharedDict zone(Varargs a) {
        LuaValue z = a.arg1();
        if (z.istable()) {
            LuaValue ud = z.rawget(1);
            if (ud.isuserdata() && ud.touserdata() instanceof SharedDict d) {
                return d;
            }
        }
        throw new LuaError("bad \"zone\" argument");
    }

    /** The key as a byte string (non-strings through {@code tostring}), or null when it is refused. */
    private static String key(LuaValue k) {
        if (k.isnil()) {
            return null;
        }
        LuaString s = k.type() == LuaValue.TSTRING ? k.checkstring()
                : LuaString.valueOf(k.type() == LuaValue.TNUMBER ? LuaNumbers.text(k) : k.tojstring());
        if (s.m_length == 0 || s.m_length > 65535) {
            return null;
        }
        return new String(s.m_bytes, s.m_offset, s.m_length, StandardCharsets.ISO_8859_1);
    }

    private static Varargs keyError(LuaValue k) {
        if (k.isnil()) {
            return LuaValue.varargsOf(LuaValue.NIL, NIL_KEY);
        }
        LuaString s = k.type() == LuaValue.TSTRING ? k.checkstring() : LuaString.valueOf(k.tojstring());
        return LuaValue.varargsOf(LuaValue.NIL, s.m_length == 0 ? EMPTY_KEY : KEY_TOO_LONG);
    }

    /** Seconds → milliseconds; nil is 0 (never) unless {@code required} ({@code expire}). */
    private static long exptime(LuaValue v, boolean required) {
        if (v.isnil() || (!required && v.type() == LuaValue.TBOOLEAN && !v.toboolean())) {
            if (required) {
                throw new LuaError("bad \"exptime\" argument");
            }
            return 0;
        }
        double s = number(v, "exptime");
        if (s < 0) {
            throw new LuaError("bad \"exptime\" argument");
        }
        return (long) (s * 1000);
    }

    private static double number(LuaValue v, String what) {
        if (v.type() != LuaValue.TNUMBER) {
            // resty.core compares it with 0 (exptime) or hands it to the FFI (flags)
            throw new LuaError("bad \"" + what + "\" argument: number expected, got " + v.typename());
        }
        return v.todouble();
    }

    private static byte[] bytes(LuaString s) {
        byte[] b = new byte[s.m_length];
        System.arraycopy(s.m_bytes, s.m_offset, b, 0, s.m_length);
        return b;
    }

    private static LuaValue toLua(Object v) {
        if (v instanceof byte[] b) {
            return LuaString.valueUsing(b);
        }
        if (v instanceof Double d) {
            return LuaValue.valueOf(d);
        }
        return LuaValue.valueOf((Boolean) v);
    }

    private static Varargs stored(SharedDict.Stored r) {
        return LuaValue.varargsOf(LuaValue.valueOf(r.ok()), r.err() == null ? LuaValue.NIL : LuaValue.valueOf(r.err()),
                LuaValue.valueOf(r.forcible()));
    }
}
