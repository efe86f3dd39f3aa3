package io.nott.unit.runtime;

import io.nott.unit.model.Budget;
import io.nott.unit.model.Phase;
import io.nott.unit.runtime.shared.SharedDicts;
import io.nott.unit.sandbox.BudgetHook;
import io.nott.unit.sandbox.LuaSandbox;
import io.nott.unit.sandbox.ReadOnlyTable;
import io.nott.unit.sandbox.UnitAbort;
import java.time.Clock;
import org.luaj.vm2.Globals;
import org.luaj.vm2.LuaClosure;
import org.luaj.vm2.LuaError;
import org.luaj.vm2.LuaString;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.UpValue;

/**
 * One Lua runtime, used by one thread at a time: its own {@link Globals} (LuaJ globals are not
 * thread-safe) with the budget hook, a read-only base environment with {@code ngx} and
 * {@code edge_computing}, and the closures of the current snapshot's units, created on first use
 * from the shared prototypes. Each call gets a fresh environment table over the base, so globals a
 * unit sets live only for that call (as in OpenResty, where globals are per request).
 */
final class LuaEngine {

    private static final LuaString G = LuaString.valueOf("_G");
    /** Installed between calls; never captured, since closures are only created during calls. */
    private static final UpValue NO_ENV = new UpValue(new LuaValue[] {LuaValue.NIL}, 0);

    /** Result of one call, before the runner turns it into an outcome. */
    record Call(UnitOutcome.Kind kind, int status, long instructions, long nanos, String message) {
    }

    private final BudgetHook hook = new BudgetHook();
    private final Globals globals;
    private final CallContext ctx;
    private final LuaTable envMeta;
    private final LuaValue edgeComputing;
    private final RunnerSettings settings;
    private final Modules modules;
    private UnitSnapshot bound;
    private LuaClosure[] closures = new LuaClosure[0];

    LuaEngine(RunnerSettings settings, Clock clock, UnitRedisClient redis, SharedDicts dicts) {
        this.settings = settings;
        this.globals = LuaSandbox.newGlobals(hook);
        this.ctx = new CallContext(clock, settings, redis);
        NgxLib ngxLib = new NgxLib(ctx);
        LuaTable base = LuaSandbox.baseLibrary(globals, () -> ctx.env, ngxLib.print());
        LuaTable ngx = ngxLib.build();
        ngx.set("shared", new NgxShared(dicts).table());
        base.set("ngx", ReadOnlyTable.copyOf(ngx, ngxLib.meta()));
        this.edgeComputing = ReadOnlyTable.copyOf(new EdgeComputingLib(ctx).build(), null);
        base.set("edge_computing", edgeComputing);
        this.modules = new Modules(globals);
        modules.register("ngx.base64", RestyModules::base64);
        modules.register("resty.string", RestyModules::string);
        modules.register("resty.random", RestyModules::random);
        modules.register("resty.md5", () -> RestyModules.digest("MD5"));
        modules.register("resty.sha1", () -> RestyModules.digest("SHA-1"));
        modules.register("resty.sha224", () -> RestyModules.digest("SHA-224"));
        modules.register("resty.sha256", () -> RestyModules.digest("SHA-256"));
        modules.register("resty.sha384", () -> RestyModules.digest("SHA-384"));
        modules.register("resty.sha512", () -> RestyModules.digest("SHA-512"));
        modules.register("cjson", () -> Cjson.module(false));
        modules.register("cjson.safe", () -> Cjson.module(true));
        base.set("require", modules.requireFunction());
        base.set("package", modules.packageTable());
        this.envMeta = ReadOnlyTable.of("__index", ReadOnlyTable.copyOf(base, null));
        modules.environment(envMeta);
    }

    Call call(UnitSnapshot snapshot, UnitSnapshot.Entry entry, Phase phase, HttpExchange exchange,
              RequestState state) {
        LuaClosure closure = closure(snapshot, entry);
        LuaTable env = new LuaTable();
        env.setmetatable(envMeta);
        env.rawset(G, env);
        closure.upValues[0] = new UpValue(new LuaValue[] {env}, 0);
        ctx.begin(phase, exchange, state, entry.unit().id(), env);
        Budget budget = entry.unit().budget();
        long start = System.nanoTime();
        hook.arm(budget, settings.limits());
        UnitOutcome.Kind kind = UnitOutcome.Kind.OK;
        int status = 0;
        String message = null;
        try {
            closure.invoke(edgeComputing);
        } catch (UnitAbort.Exit e) {
            status = e.status();
            kind = status == 0 ? UnitOutcome.Kind.OK : UnitOutcome.Kind.EXIT;
        } catch (UnitAbort.BudgetExceeded e) {
            kind = UnitOutcome.Kind.TIMEOUT;
            message = e.getMessage();
        } catch (UnitAbort.ResourceLimitExceeded e) {
            kind = UnitOutcome.Kind.ERROR;
            message = e.getMessage();
        } catch (LuaError e) {
            kind = UnitOutcome.Kind.ERROR;
            message = describe(e);
        } catch (StackOverflowError e) {
            kind = UnitOutcome.Kind.ERROR;
            message = "stack overflow (the thread's Java stack is exhausted)";
        } catch (RuntimeException e) {
            kind = UnitOutcome.Kind.ERROR;
            message = "internal error: " + e;
        } finally {
            hook.disarm();
            ctx.end();
            // Let the call's env be collected. Not setValue(NIL): closures the unit created share
            // that upvalue and may still run later (e.g. stored in ngx.ctx for the log phase).
            closure.upValues[0] = NO_ENV;
        }
        return new Call(kind, status, hook.instructions(), System.nanoTime() - start, message);
    }

    /** Runs one body_filter call with the chunk as {@code ngx.arg[1]}; the (changed) chunk is read back after. */
    Call callBodyFilter(UnitSnapshot snapshot, UnitSnapshot.Entry entry, HttpExchange exchange, RequestState state,
                        LuaValue[] chunk, boolean[] eof) {
        ctx.chunk = chunk[0];
        ctx.eof = eof[0];
        try {
            return call(snapshot, entry, Phase.BODY_FILTER, exchange, state);
        } finally {
            chunk[0] = ctx.chunk;
            eof[0] = ctx.eof;
            ctx.chunk = LuaValue.NIL;
        }
    }

    private LuaClosure closure(UnitSnapshot snapshot, UnitSnapshot.Entry entry) {
        if (bound != snapshot) {
            bound = snapshot;
            closures = new LuaClosure[snapshot.slots()];
            modules.bind(snapshot, null);
        }
        LuaClosure c = closures[entry.slot];
        if (c == null) {
            c = LuaSandbox.bind(entry.compiled.prototype(), globals, LuaValue.NIL);
            closures[entry.slot] = c;
        }
        return c;
    }

    /** The message of a Lua error; non-string error values are described, never converted by metamethods. */
    static String describe(LuaError e) {
        LuaValue obj = e.getMessageObject();
        if (obj == null || obj.isnil()) {
            return e.getMessage() != null ? strip(e.getMessage()) : "error(nil)";
        }
        if (obj.isstring()) {
            return strip(e.getMessage());
        }
        return "error object is a " + obj.typename() + " value";
    }

    /** Drops the (empty) traceback LuaJ appends after a newline. */
    private static String strip(String m) {
        return m.endsWith("\n") ? m.substring(0, m.length() - 1) : m;
    }
}
