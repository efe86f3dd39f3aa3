package io.nott.unit.runtime;

import static io.nott.unit.runtime.NgxLib.fn;

import io.nott.unit.codec.Json;
import io.nott.unit.codec.RedisSchema;
import io.nott.unit.sandbox.Allocation;
import io.nott.unit.sandbox.BudgetHook;
import io.nott.unit.sandbox.LuaNumbers;
import io.nott.unit.sandbox.ReadOnlyTable;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.luaj.vm2.LuaError;
import org.luaj.vm2.LuaString;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Varargs;

/**
 * {@code edge_computing}, as the seed's wrapper passes it to each unit: {@code redis_client} with
 * lua-resty-redis conventions ({@code client:incr(key)} returns {@code value} or
 * {@code nil, err}; a missing value is {@code ngx.null}) and a JSON helper ({@code json.encode},
 * {@code json.decode}). Every key is prefixed here, before the host's client sees it, with
 * {@link RedisSchema#UNIT_DATA_PREFIX} (or the unit's own prefix when the operator isolates it,
 * see {@link RedisNamespace}), so no unit can name a registry ({@code {cu}:*}) key.
 */
final class EdgeComputingLib {

    static final int MAX_KEY_BYTES = 512;
    static final int MAX_VALUE_BYTES = 1024 * 1024;

    private final CallContext bound;

    /**
     * The context of the call running on this thread: a closure made in one runtime may run on
     * another thread (a timer callback, a closure kept in ngx.ctx for a later phase), and must act
     * on that thread's call, not on whatever its own runtime is doing meanwhile.
     */
    private CallContext ctx() {
        CallContext c = CallContext.current();
        return c != null ? c : bound;
    }
    private LuaTable client;

    EdgeComputingLib(CallContext ctx) {
        this.bound = ctx;
    }

    LuaTable build() {
        LuaTable ec = new LuaTable();
        LuaTable c = new LuaTable();
        command(c, "get", 1, a -> str(ctx().redis.get(key(a, 0)), "redis_client:get"));
        command(c, "set", 2, a -> {
            ctx().redis.set(key(a, 0), value(a, 1), a.narg() >= 4 && "EX".equalsIgnoreCase(a.arg(3).optjstring(""))
                    ? a.arg(4).checklong() : 0);
            return LuaValue.valueOf("OK");
        });
        command(c, "incr", 1, a -> num(ctx().redis.incrby(key(a, 0), 1)));
        command(c, "incrby", 2, a -> num(ctx().redis.incrby(key(a, 0), a.arg(2).checklong())));
        command(c, "expire", 2, a -> bool(ctx().redis.expire(key(a, 0), a.arg(2).checklong())));
        command(c, "del", 1, a -> num(ctx().redis.del(key(a, 0))));
        command(c, "hget", 2, a -> str(ctx().redis.hget(key(a, 0), value(a, 1)), "redis_client:hget"));
        command(c, "hset", 3, a -> bool(ctx().redis.hset(key(a, 0), value(a, 1), value(a, 2))));
        command(c, "hincrby", 3, a -> num(ctx().redis.hincrby(key(a, 0), value(a, 1), a.arg(3).checklong())));
        command(c, "sadd", 2, a -> bool(ctx().redis.sadd(key(a, 0), value(a, 1))));
        command(c, "srem", 2, a -> bool(ctx().redis.srem(key(a, 0), value(a, 1))));
        command(c, "sismember", 2, a -> bool(ctx().redis.sismember(key(a, 0), value(a, 1))));
        command(c, "smembers", 1, a -> {
            List<String> members = ctx().redis.smembers(key(a, 0));
            Allocation.table(members.size(), "redis_client:smembers");
            LuaTable t = new LuaTable();
            for (String m : members) {
                t.insert(0, str(m, "redis_client:smembers"));
            }
            return t;
        });
        command(c, "ttl", 1, a -> num(ctx().redis.ttl(key(a, 0))));
        client = ReadOnlyTable.copyOf(c, null);
        ec.set("redis_client", client);
        LuaTable json = new LuaTable();
        json.set("encode", fn(a -> {
            // The size of the text is summed while the value is converted, and charged before
            // the text is written: an encoding past the string limit is never built.
            long[] size = {0};
            Object value = toJava(a.arg1(), 0, size);
            Allocation.string(size[0], "json.encode");
            Allocation.work(Allocation.Work.JSON, size[0]);
            return LuaValue.valueOf(Json.write(value));
        }));
        json.set("decode", fn(a -> {
            LuaString text = a.checkstring(1);
            // The Java text (two bytes a char) and the Java values parsed from it (about two bytes
            // per byte of text on average), before they exist; the Lua tables are charged in toLua.
            Allocation.memory(4L * text.m_length, "json.decode");
            Allocation.work(Allocation.Work.JSON, text.m_length);
            try {
                return toLua(Json.parse(text.tojstring()));
            } catch (IllegalArgumentException e) {
                return LuaValue.varargsOf(LuaValue.NIL, LuaValue.valueOf(e.getMessage()));
            }
        }));
        json.set("null", NgxLib.NULL);
        ec.set("json", ReadOnlyTable.copyOf(json, null));
        return ec;
    }

    interface Command {
        LuaValue run(Varargs args);
    }

    /**
     * Registers one command callable as {@code client:cmd(...)} or {@code client.cmd(...)}.
     * Failures come back as {@code nil, message}, as with lua-resty-redis.
     */
    private void command(LuaTable c, String name, int arity, Command body) {
        c.set(name, fn(a -> {
            ctx().require(CallContext.REDIS, "edge_computing.redis_client:" + name);
            Varargs args = a.arg1().raweq(client) ? a.subargs(2) : a;
            if (args.narg() < arity) {
                throw new LuaError("redis_client:" + name + " expects " + arity + " argument(s)");
            }
            long started = System.nanoTime();
            try {
                return body.run(args);
            } catch (UnitRedisException e) {
                ctx().redis.failed(ctx().unitId, ctx().phase, name, e);
                return LuaValue.varargsOf(LuaValue.NIL, LuaValue.valueOf(e.getMessage()));
            } finally {
                // Waiting for Redis is excused from the wall-clock budget up to maxRedisWait per
                // call (see RunnerSettings); beyond it the wait counts, and the deadline is checked.
                BudgetHook hook = BudgetHook.current();
                if (hook != null) {
                    hook.excuseWait(System.nanoTime() - started, ctx().settings.maxRedisWait().toNanos());
                    hook.checkDeadline();
                }
            }
        }));
    }

    private String key(Varargs a, int index) {
        LuaValue k = a.arg(index + 1);
        if (!k.isstring()) {
            throw new LuaError("redis key must be a string or number, got " + k.typename());
        }
        String key = LuaNumbers.text(k);
        if (key.length() > MAX_KEY_BYTES) {
            throw new LuaError("redis key longer than " + MAX_KEY_BYTES + " bytes");
        }
        return ctx().settings.redisNamespace().key(ctx().unitId, key);
    }

    private static String value(Varargs a, int index) {
        LuaValue v = a.arg(index + 1);
        if (!v.isstring()) {
            throw new LuaError("redis argument #" + (index + 1) + " must be a string or number, got " + v.typename());
        }
        String s = LuaNumbers.text(v);
        if (s.length() > MAX_VALUE_BYTES) {
            throw new LuaError("redis value longer than " + MAX_VALUE_BYTES + " bytes");
        }
        return s;
    }

    /** A reply string, charged before it becomes a Lua string. */
    private static LuaValue str(String s, String what) {
        if (s == null) {
            return NgxLib.NULL;
        }
        Allocation.string(s.length(), what);
        return LuaValue.valueOf(s);
    }

    private static LuaValue num(long n) {
        return LuaValue.valueOf((double) n);
    }

    private static LuaValue bool(boolean b) {
        return LuaValue.valueOf(b ? 1 : 0);
    }

    static Object toJava(LuaValue v, int depth) {
        return toJava(v, depth, new long[1]);
    }

    /** The value as Java objects for {@link Json}; {@code size[0]} grows by the bytes its JSON text will take. */
    private static Object toJava(LuaValue v, int depth, long[] size) {
        if (depth > 64) {
            throw new LuaError("json.encode: table nested deeper than 64 (cycle?)");
        }
        if (v.isnil() || v == NgxLib.NULL) {
            size[0] += 4;
            return null;
        }
        if (v.isboolean()) {
            size[0] += 5;
            return v.toboolean();
        }
        if (v.type() == LuaValue.TNUMBER) {
            size[0] += 25;
            return v.isint() ? (Object) (long) v.toint() : (Object) v.todouble();
        }
        if (v.isstring()) {
            return jstring(v, size);
        }
        if (v.istable()) {
            LuaTable t = v.checktable();
            size[0] += 2;
            if (size[0] > Allocation.maxStringBytes()) {
                Allocation.string(size[0], "json.encode");
            }
            int n = t.length();
            int keys = 0;
            for (Varargs e = t.next(LuaValue.NIL); !e.arg1().isnil(); e = t.next(e.arg1())) {
                keys++;
            }
            if (n > 0 && keys == n) {
                List<Object> list = new ArrayList<>(n);
                for (int i = 1; i <= n; i++) {
                    list.add(toJava(t.get(i), depth + 1, size));
                    size[0]++;
                }
                return list;
            }
            Map<String, Object> map = new LinkedHashMap<>();
            for (Varargs e = t.next(LuaValue.NIL); !e.arg1().isnil(); e = t.next(e.arg1())) {
                if (!e.arg1().isstring()) {
                    throw new LuaError("json.encode: cannot encode a table with " + e.arg1().typename() + " keys");
                }
                map.put(jstring(e.arg1(), size), toJava(e.arg(2), depth + 1, size));
                size[0] += 2;
            }
            return map;
        }
        throw new LuaError("json.encode: cannot encode a " + v.typename() + " value");
    }

    /** A string for JSON, charged for its Java copy; its quoted size is added to {@code size[0]}. */
    private static String jstring(LuaValue v, long[] size) {
        if (v instanceof LuaString s) {
            Allocation.memory(2L * s.m_length, "json.encode");
        }
        String text = LuaNumbers.text(v);
        size[0] += Json.quotedBytes(text);
        if (size[0] > Allocation.maxStringBytes()) {
            Allocation.string(size[0], "json.encode");
        }
        return text;
    }

    static LuaValue toLua(Object o) {
        if (o == null) {
            return NgxLib.NULL;
        }
        if (o instanceof Boolean b) {
            return LuaValue.valueOf(b);
        }
        if (o instanceof Long l) {
            return LuaValue.valueOf((double) l);
        }
        if (o instanceof Double d) {
            return LuaValue.valueOf(d);
        }
        if (o instanceof String s) {
            return LuaValue.valueOf(s);
        }
        if (o instanceof List<?> list) {
            Allocation.table(list.size(), "json.decode");
            LuaTable t = new LuaTable();
            int i = 1;
            for (Object x : list) {
                t.rawset(i++, toLua(x));
            }
            return t;
        }
        if (o instanceof Map<?, ?> map) {
            Allocation.table(map.size(), "json.decode");
            LuaTable t = new LuaTable();
            for (Map.Entry<?, ?> e : map.entrySet()) {
                t.rawset(LuaValue.valueOf((String) e.getKey()), toLua(e.getValue()));
            }
            return t;
        }
        throw new IllegalStateException("unexpected JSON value " + o);
    }
}
