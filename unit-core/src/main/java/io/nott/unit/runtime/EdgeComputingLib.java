package io.nott.unit.runtime;

import static io.nott.unit.runtime.NgxLib.fn;

import io.nott.unit.codec.Json;
import io.nott.unit.codec.RedisSchema;
import io.nott.unit.runtime.UnitRedisCommand.Op;
import io.nott.unit.sandbox.Allocation;
import io.nott.unit.sandbox.BudgetHook;
import io.nott.unit.sandbox.LuaNumbers;
import io.nott.unit.sandbox.ReadOnlyTable;
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
        command(c, "get", 1, a -> str(ctx().redis.get(key(a, 0)), "redis_client:get"),
                a -> queued(Op.GET, key(a, 0)));
        command(c, "set", 2, a -> {
            ctx().redis.set(key(a, 0), value(a, 1), expires(a) ? a.arg(4).checklong() : 0);
            return LuaValue.valueOf("OK");
        }, a -> expires(a) ? queued(Op.SET, key(a, 0), value(a, 1), "EX", Long.toString(a.arg(4).checklong()))
                : queued(Op.SET, key(a, 0), value(a, 1)));
        command(c, "incr", 1, a -> num(ctx().redis.incrby(key(a, 0), 1)), a -> queued(Op.INCRBY, key(a, 0), "1"));
        command(c, "incrby", 2, a -> num(ctx().redis.incrby(key(a, 0), a.arg(2).checklong())),
                a -> queued(Op.INCRBY, key(a, 0), Long.toString(a.arg(2).checklong())));
        command(c, "expire", 2, a -> bool(ctx().redis.expire(key(a, 0), a.arg(2).checklong())),
                a -> queued(Op.EXPIRE, key(a, 0), Long.toString(a.arg(2).checklong())));
        command(c, "del", 1, a -> num(ctx().redis.del(key(a, 0))), a -> queued(Op.DEL, key(a, 0)));
        command(c, "hget", 2, a -> str(ctx().redis.hget(key(a, 0), value(a, 1)), "redis_client:hget"),
                a -> queued(Op.HGET, key(a, 0), value(a, 1)));
        command(c, "hset", 3, a -> bool(ctx().redis.hset(key(a, 0), value(a, 1), value(a, 2))),
                a -> queued(Op.HSET, key(a, 0), value(a, 1), value(a, 2)));
        command(c, "hincrby", 3, a -> num(ctx().redis.hincrby(key(a, 0), value(a, 1), a.arg(3).checklong())),
                a -> queued(Op.HINCRBY, key(a, 0), value(a, 1), Long.toString(a.arg(3).checklong())));
        command(c, "sadd", 2, a -> bool(ctx().redis.sadd(key(a, 0), value(a, 1))), a -> queued(Op.SADD, key(a, 0), value(a, 1)));
        command(c, "srem", 2, a -> bool(ctx().redis.srem(key(a, 0), value(a, 1))), a -> queued(Op.SREM, key(a, 0), value(a, 1)));
        command(c, "sismember", 2, a -> bool(ctx().redis.sismember(key(a, 0), value(a, 1))),
                a -> queued(Op.SISMEMBER, key(a, 0), value(a, 1)));
        command(c, "smembers", 1, a -> members(ctx().redis.smembers(key(a, 0)), "redis_client:smembers"),
                a -> queued(Op.SMEMBERS, key(a, 0)));
        command(c, "ttl", 1, a -> num(ctx().redis.ttl(key(a, 0))), a -> queued(Op.TTL, key(a, 0)));
        pipelineMethods(c);
        client = ReadOnlyTable.copyOf(c, null);
        ec.set("redis_client", client);
        LuaTable json = new LuaTable();
        // Written straight into a checked buffer, charged block by block before each is written
        // (LuaJsonEncoder): an encoding past the string limit is never built, and a long one
        // checks the deadline as it goes.
        json.set("encode", fn(a -> LuaJsonEncoder.encode(a.arg1())));
        json.set("decode", fn(a -> {
            LuaString text = a.checkstring(1);
            // The Java text (two bytes a char) and the Java values parsed from it (about two bytes
            // per byte of text on average), before they exist; the Lua tables are charged in toLua.
            Allocation.memory(4L * text.m_length, "json.decode");
            Allocation.work(Allocation.Work.JSON, text.m_length);
            try {
                // The parse and the conversion check the deadline as they go: the charge above is
                // an estimate at this thread's pace, the checks hold whatever the real pace is.
                return toLua(Json.parse(decodeChecked(text), Allocation::checkDeadline), new int[1]);
            } catch (IllegalArgumentException e) {
                return LuaValue.varargsOf(LuaValue.NIL, LuaValue.valueOf(e.getMessage()));
            }
        }));
        json.set("null", NgxLib.NULL);
        ec.set("json", ReadOnlyTable.copyOf(json, null));
        return ec;
    }

    /** Bytes decoded between two deadline checks in {@link #decodeChecked}. */
    private static final int DECODE_SLICE = 256 * 1024;

    /**
     * {@link LuaString#tojstring()}, with the deadline checked every {@value #DECODE_SLICE} bytes:
     * the text of a large {@code json.decode} was decoded in one go before the parse's own checks
     * began (8 MiB took tens of ms at load 13, and the call ended at 127 ms of a 50 ms budget).
     * The same two passes as LuaJ's {@code decodeAsUtf8}, so the same chars for any bytes, invalid
     * UTF-8 included.
     */
    static String decodeChecked(LuaString text) {
        byte[] bytes = text.m_bytes;
        int end = text.m_offset + text.m_length;
        if (text.m_length <= DECODE_SLICE) {
            return text.tojstring();
        }
        int n = 0;
        int next = text.m_offset + DECODE_SLICE;
        for (int i = text.m_offset; i < end; n++) {
            if (i >= next) {
                Allocation.checkDeadline();
                next = i + DECODE_SLICE;
            }
            switch (0xE0 & bytes[i++]) {
                case 0xE0 -> i += 2;
                case 0xC0 -> i += 1;
                default -> { }
            }
        }
        char[] chars = new char[n];
        n = 0;
        next = text.m_offset + DECODE_SLICE;
        for (int i = text.m_offset; i < end; ) {
            if (i >= next) {
                Allocation.checkDeadline();
                next = i + DECODE_SLICE;
            }
            int b = bytes[i++];
            if (b >= 0 || i >= end) {
                chars[n++] = (char) b;
            } else if (b < -32 || i + 1 >= end) {
                chars[n++] = (char) (((b & 0x3f) << 6) | (bytes[i++] & 0x3f));
            } else {
                chars[n++] = (char) (((b & 0xf) << 12) | ((bytes[i++] & 0x3f) << 6) | (bytes[i++] & 0x3f));
            }
        }
        return new String(chars);
    }

    interface Command {
        LuaValue run(Varargs args);
    }

    /** A command's arguments as a pipeline entry (keys prefixed and arguments checked as for a direct call). */
    interface Queued {
        UnitRedisCommand of(Varargs args);
    }

    /**
     * Registers one command callable as {@code client:cmd(...)} or {@code client.cmd(...)}.
     * Failures come back as {@code nil, message}, as with lua-resty-redis. Between
     * {@code init_pipeline} and {@code commit_pipeline} the command is queued instead and returns
     * nothing, as lua-resty-redis' do.
     */
    private void command(LuaTable c, String name, int arity, Command body, Queued queued) {
        c.set(name, fn(a -> {
            CallContext call = ctx();
            call.require(CallContext.REDIS, "edge_computing.redis_client:" + name);
            Varargs args = a.arg1().raweq(client) ? a.subargs(2) : a;
            if (args.narg() < arity) {
                throw new LuaError("redis_client:" + name + " expects " + arity + " argument(s)");
            }
            if (call.redisPipeline != null) {
                call.redisPipeline.add(queued.of(args));
                return LuaValue.NONE;
            }
            long started = System.nanoTime();
            try {
                return body.run(args);
            } catch (UnitRedisException e) {
                ctx().redis.failed(ctx().unitId, ctx().phase, name, e);
                return LuaValue.varargsOf(LuaValue.NIL, LuaValue.valueOf(e.getMessage()));
            } finally {
                excuseRedisWait(started);
            }
        }));
    }

    /**
     * Waiting for Redis is excused from the wall-clock budget up to maxRedisWait per call (see
     * RunnerSettings); beyond it the wait counts, and the deadline is checked.
     */
    private void excuseRedisWait(long started) {
        BudgetHook hook = BudgetHook.current();
        if (hook != null) {
            hook.excuseWait(System.nanoTime() - started, ctx().settings.maxRedisWait().toNanos());
            hook.checkDeadline();
        }
    }

    /**
     * lua-resty-redis' pipeline: {@code init_pipeline([n])} starts queueing this call's commands
     * (a second one drops what the first queued), {@code commit_pipeline()} sends them as one batch
     * and returns a table with one entry per command (its answer as the command would have
     * returned it, {@code {false, err}} for one Redis refused), or {@code nil, err} when the batch
     * failed as a whole (no connection, timeout, busy), and {@code nil, "no pipeline"} without
     * {@code init_pipeline}; {@code cancel_pipeline()} drops the queue. The queue belongs to the
     * unit call (lua-resty-redis': to the connection object a unit makes per request): one left
     * uncommitted when the call ends is never sent. It is bounded ({@link RedisPipeline}).
     */
    private void pipelineMethods(LuaTable c) {
        c.set("init_pipeline", fn(a -> {
            CallContext call = ctx();
            call.require(CallContext.REDIS, "edge_computing.redis_client:init_pipeline");
            Varargs args = a.arg1().raweq(client) ? a.subargs(2) : a;
            LuaValue n = args.arg1();
            call.redisPipeline = new RedisPipeline(n.isnil() ? 4 : n.checkint());
            return LuaValue.NONE;
        }));
        c.set("cancel_pipeline", fn(a -> {
            CallContext call = ctx();
            call.require(CallContext.REDIS, "edge_computing.redis_client:cancel_pipeline");
            call.redisPipeline = null;
            return LuaValue.NONE;
        }));
        c.set("commit_pipeline", fn(a -> {
            CallContext call = ctx();
            call.require(CallContext.REDIS, "edge_computing.redis_client:commit_pipeline");
            RedisPipeline pipeline = call.redisPipeline;
            if (pipeline == null) {
                return LuaValue.varargsOf(LuaValue.NIL, LuaValue.valueOf("no pipeline"));
            }
            call.redisPipeline = null;
            List<UnitRedisCommand> commands = pipeline.commands();
            if (commands.isEmpty()) {
                return new LuaTable(); // lua-resty-redis sends nothing and returns an empty table
            }
            long started = System.nanoTime();
            List<Object> answers;
            try {
                answers = call.redis.pipeline(commands);
            } catch (UnitRedisException e) {
                call.redis.failed(call.unitId, call.phase, "pipeline", e);
                return LuaValue.varargsOf(LuaValue.NIL, LuaValue.valueOf(e.getMessage()));
            } finally {
                excuseRedisWait(started);
            }
            if (answers.size() != commands.size()) {
                throw new IllegalStateException("the Redis client answered " + answers.size() + " of a pipeline's "
                        + commands.size() + " commands");
            }
            Allocation.table(answers.size(), "redis_client:commit_pipeline");
            LuaTable results = new LuaTable(answers.size(), 0);
            for (int i = 0; i < answers.size(); i++) {
                UnitRedisCommand command = commands.get(i);
                Object answer = answers.get(i);
                if (answer instanceof UnitRedisCommand.ErrorReply error) {
                    // A unit that does not look at its entries still ends ok: counted as a direct call's error is.
                    call.redis.failed(call.unitId, call.phase, command.op().redisName().toLowerCase(java.util.Locale.ROOT),
                            new UnitRedisException(error.message()));
                    Allocation.table(2, "redis_client:commit_pipeline");
                    Allocation.string(error.message().length(), "redis_client:commit_pipeline");
                    results.rawset(i + 1, LuaValue.listOf(new LuaValue[] {LuaValue.FALSE, LuaValue.valueOf(error.message())}));
                } else {
                    results.rawset(i + 1, answerToLua(command.op(), answer));
                }
            }
            return results;
        }));
    }

    /** A pipelined command's answer as the command alone returns it to Lua. */
    @SuppressWarnings("unchecked")
    private static LuaValue answerToLua(Op op, Object answer) {
        String what = "redis_client:commit_pipeline";
        return switch (op) {
            case GET, HGET -> str((String) answer, what);
            case SET -> LuaValue.valueOf("OK");
            case INCRBY, DEL, HINCRBY, TTL -> num((Long) answer);
            case EXPIRE, HSET, SADD, SREM, SISMEMBER -> bool((Boolean) answer);
            case SMEMBERS -> members((List<String>) answer, what);
        };
    }

    private static UnitRedisCommand queued(Op op, String key, String... args) {
        return new UnitRedisCommand(op, key, List.of(args));
    }

    /** {@code set(k, v, 'EX', seconds)}: the only option {@code redis_client:set} takes. */
    private static boolean expires(Varargs a) {
        return a.narg() >= 4 && "EX".equalsIgnoreCase(a.arg(3).optjstring(""));
    }

    /**
     * The commands of one unit call between {@code init_pipeline} and {@code commit_pipeline}.
     * Bounded, because they are held in the node's memory until sent and because each is one of
     * the node's commands in flight once sent: a queue past {@link #MAX_COMMANDS} commands or
     * {@link #MAX_BYTES} of keys and arguments raises an error naming the limit. Each queued
     * command is charged to the call's memory budget before it is kept.
     */
    static final class RedisPipeline {

        /** Commands per pipeline: half the edge's default of commands in flight (edge.units.redis-max-in-flight). */
        static final int MAX_COMMANDS = 256;
        /** Keys and arguments per pipeline: four values of the largest size a command may carry. */
        static final long MAX_BYTES = 4L * MAX_VALUE_BYTES;
        /** What a queued command holds beyond its text (the record, its list, the strings' headers). */
        private static final long COMMAND_OVERHEAD = 96;

        private final List<UnitRedisCommand> commands;
        private long bytes;

        RedisPipeline(int expected) {
            commands = new java.util.ArrayList<>(Math.max(1, Math.min(expected, MAX_COMMANDS)));
        }

        void add(UnitRedisCommand command) {
            if (commands.size() >= MAX_COMMANDS) {
                throw new LuaError("redis_client pipeline is full: at most " + MAX_COMMANDS
                        + " commands per pipeline; call commit_pipeline() and start another with init_pipeline()");
            }
            long more = command.bytes();
            if (bytes + more > MAX_BYTES) {
                throw new LuaError("redis_client pipeline would hold " + (bytes + more) + " bytes of keys and arguments;"
                        + " the limit is " + MAX_BYTES + ": call commit_pipeline() before queueing more");
            }
            Allocation.memory(2 * more + COMMAND_OVERHEAD, "redis_client pipeline");
            bytes += more;
            commands.add(command);
        }

        List<UnitRedisCommand> commands() {
            return commands;
        }
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

    /** SMEMBERS' answer as a Lua array, charged before it is built. */
    private static LuaValue members(List<String> members, String what) {
        Allocation.table(members.size(), what);
        LuaTable t = new LuaTable();
        for (String m : members) {
            t.insert(0, str(m, what));
        }
        return t;
    }

    private static LuaValue num(long n) {
        return LuaValue.valueOf((double) n);
    }

    private static LuaValue bool(boolean b) {
        return LuaValue.valueOf(b ? 1 : 0);
    }

    /** The parsed value as Lua values; {@code made[0]} counts them, the deadline is checked every 1024. */
    static LuaValue toLua(Object o, int[] made) {
        if ((++made[0] & 1023) == 0) {
            Allocation.checkDeadline();
        }
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
                t.rawset(i++, toLua(x, made));
            }
            return t;
        }
        if (o instanceof Map<?, ?> map) {
            Allocation.table(map.size(), "json.decode");
            LuaTable t = new LuaTable();
            for (Map.Entry<?, ?> e : map.entrySet()) {
                t.rawset(LuaValue.valueOf((String) e.getKey()), toLua(e.getValue(), made));
            }
            return t;
        }
        throw new IllegalStateException("unexpected JSON value " + o);
    }
}
