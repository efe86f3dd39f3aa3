package io.nott.unit.runtime;

import static io.nott.unit.runtime.NgxLib.fn;

import io.nott.unit.codec.Json;
import io.nott.unit.codec.RedisSchema;
import io.nott.unit.sandbox.BudgetHook;
import io.nott.unit.sandbox.LuaNumbers;
import io.nott.unit.sandbox.ReadOnlyTable;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.luaj.vm2.LuaError;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Varargs;

/**
 * {@code edge_computing}, as the seed's wrapper passes it to each unit: {@code redis_client} with
 * lua-resty-redis conventions ({@code client:incr(key)} returns {@code value} or
 * {@code nil, err}; a missing value is {@code ngx.null}) and a JSON helper ({@code json.encode},
 * {@code json.decode}). Every key is prefixed with {@link RedisSchema#UNIT_DATA_PREFIX} here,
 * before the host's client sees it, so no unit can name a registry ({@code {cu}:*}) key.
 */
final class EdgeComputingLib {

    static final int MAX_KEY_BYTES = 512;
    static final int MAX_VALUE_BYTES = 1024 * 1024;

    private final CallContext ctx;
    private LuaTable client;

    EdgeComputingLib(CallContext ctx) {
        this.ctx = ctx;
    }

    LuaTable build() {
        LuaTable ec = new LuaTable();
        LuaTable c = new LuaTable();
        command(c, "get", 1, a -> str(ctx.redis.get(key(a, 0))));
        command(c, "set", 2, a -> {
            ctx.redis.set(key(a, 0), value(a, 1), a.narg() >= 4 && "EX".equalsIgnoreCase(a.arg(3).optjstring(""))
                    ? a.arg(4).checklong() : 0);
            return LuaValue.valueOf("OK");
        });
        command(c, "incr", 1, a -> num(ctx.redis.incrby(key(a, 0), 1)));
        command(c, "incrby", 2, a -> num(ctx.redis.incrby(key(a, 0), a.arg(2).checklong())));
        command(c, "expire", 2, a -> bool(ctx.redis.expire(key(a, 0), a.arg(2).checklong())));
        command(c, "del", 1, a -> num(ctx.redis.del(key(a, 0))));
        command(c, "hget", 2, a -> str(ctx.redis.hget(key(a, 0), value(a, 1))));
        command(c, "hset", 3, a -> bool(ctx.redis.hset(key(a, 0), value(a, 1), value(a, 2))));
        command(c, "hincrby", 3, a -> num(ctx.redis.hincrby(key(a, 0), value(a, 1), a.arg(3).checklong())));
        command(c, "sadd", 2, a -> bool(ctx.redis.sadd(key(a, 0), value(a, 1))));
        command(c, "srem", 2, a -> bool(ctx.redis.srem(key(a, 0), value(a, 1))));
        command(c, "sismember", 2, a -> bool(ctx.redis.sismember(key(a, 0), value(a, 1))));
        command(c, "smembers", 1, a -> {
            LuaTable t = new LuaTable();
            for (String m : ctx.redis.smembers(key(a, 0))) {
                t.insert(0, LuaValue.valueOf(m));
            }
            return t;
        });
        command(c, "ttl", 1, a -> num(ctx.redis.ttl(key(a, 0))));
        client = ReadOnlyTable.copyOf(c, null);
        ec.set("redis_client", client);
        LuaTable json = new LuaTable();
        json.set("encode", fn(a -> LuaValue.valueOf(Json.write(toJava(a.arg1(), 0)))));
        json.set("decode", fn(a -> {
            try {
                return toLua(Json.parse(a.checkjstring(1)));
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
            ctx.require(CallContext.ALL_AND_INIT, "edge_computing.redis_client:" + name);
            Varargs args = a.arg1().raweq(client) ? a.subargs(2) : a;
            if (args.narg() < arity) {
                throw new LuaError("redis_client:" + name + " expects " + arity + " argument(s)");
            }
            long started = System.nanoTime();
            try {
                return body.run(args);
            } catch (UnitRedisException e) {
                ctx.redis.failed(ctx.unitId, ctx.phase, name, e);
                return LuaValue.varargsOf(LuaValue.NIL, LuaValue.valueOf(e.getMessage()));
            } finally {
                // Waiting for Redis is excused from the wall-clock budget up to maxRedisWait per
                // call (see RunnerSettings); beyond it the wait counts, and the deadline is checked.
                BudgetHook hook = BudgetHook.current();
                if (hook != null) {
                    hook.excuseWait(System.nanoTime() - started, ctx.settings.maxRedisWait().toNanos());
                    hook.checkDeadline();
                }
            }
        }));
    }

    private static String key(Varargs a, int index) {
        LuaValue k = a.arg(index + 1);
        if (!k.isstring()) {
            throw new LuaError("redis key must be a string or number, got " + k.typename());
        }
        String key = LuaNumbers.text(k);
        if (key.length() > MAX_KEY_BYTES) {
            throw new LuaError("redis key longer than " + MAX_KEY_BYTES + " bytes");
        }
        return RedisSchema.unitDataKey(key);
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

    private static LuaValue str(String s) {
        return s == null ? NgxLib.NULL : LuaValue.valueOf(s);
    }

    private static LuaValue num(long n) {
        return LuaValue.valueOf((double) n);
    }

    private static LuaValue bool(boolean b) {
        return LuaValue.valueOf(b ? 1 : 0);
    }

    static Object toJava(LuaValue v, int depth) {
        if (depth > 64) {
            throw new LuaError("json.encode: table nested deeper than 64 (cycle?)");
        }
        if (v.isnil() || v == NgxLib.NULL) {
            return null;
        }
        if (v.isboolean()) {
            return v.toboolean();
        }
        if (v.type() == LuaValue.TNUMBER) {
            return v.isint() ? (Object) (long) v.toint() : (Object) v.todouble();
        }
        if (v.isstring()) {
            return v.tojstring();
        }
        if (v.istable()) {
            LuaTable t = v.checktable();
            int n = t.length();
            int keys = 0;
            for (Varargs e = t.next(LuaValue.NIL); !e.arg1().isnil(); e = t.next(e.arg1())) {
                keys++;
            }
            if (n > 0 && keys == n) {
                List<Object> list = new ArrayList<>(n);
                for (int i = 1; i <= n; i++) {
                    list.add(toJava(t.get(i), depth + 1));
                }
                return list;
            }
            Map<String, Object> map = new LinkedHashMap<>();
            for (Varargs e = t.next(LuaValue.NIL); !e.arg1().isnil(); e = t.next(e.arg1())) {
                if (!e.arg1().isstring()) {
                    throw new LuaError("json.encode: cannot encode a table with " + e.arg1().typename() + " keys");
                }
                map.put(LuaNumbers.text(e.arg1()), toJava(e.arg(2), depth + 1));
            }
            return map;
        }
        throw new LuaError("json.encode: cannot encode a " + v.typename() + " value");
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
            LuaTable t = new LuaTable();
            int i = 1;
            for (Object x : list) {
                t.rawset(i++, toLua(x));
            }
            return t;
        }
        if (o instanceof Map<?, ?> map) {
            LuaTable t = new LuaTable();
            for (Map.Entry<?, ?> e : map.entrySet()) {
                t.rawset(LuaValue.valueOf((String) e.getKey()), toLua(e.getValue()));
            }
            return t;
        }
        throw new IllegalStateException("unexpected JSON value " + o);
    }
}
