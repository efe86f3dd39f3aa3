package io.nott.unit.runtime;

import static io.nott.unit.runtime.NgxLib.fn;

import io.nott.unit.sandbox.Allocation;
import io.nott.unit.sandbox.BudgetHook;
import java.io.ByteArrayOutputStream;
import org.luaj.vm2.LuaError;
import org.luaj.vm2.LuaString;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Varargs;

/**
 * lua-nginx-module's request-body functions of {@code ngx.req}. The host reads the body before the
 * request phases when a unit of the snapshot calls {@code read_body} or {@code discard_body}
 * ({@link UnitSnapshot#readsBody}), without blocking its event loop, and hands it over as
 * {@link HttpExchange#requestBody()}; {@code read_body} then only makes it visible, as in nginx,
 * where {@code get_body_data} is nil until the body was read. Bodies are kept in memory up to the
 * host's limit, so {@code get_body_file} is always nil. What units leave in {@link RequestState}
 * ({@link RequestState#requestBodyChanged()}) is what the host forwards upstream.
 */
final class NgxRequestBody {

    private final CallContext bound;

    NgxRequestBody(CallContext ctx) {
        this.bound = ctx;
    }

    /**
     * The call running on this thread: these functions may be called from a closure made in
     * another runtime (a timer callback, a function kept from another phase), and must act on
     * this thread's call, never on whatever their own runtime serves meanwhile (see NgxLib).
     */
    private CallContext ctx() {
        return CallContext.currentOr(bound);
    }

    void install(LuaTable req) {
        req.set("read_body", fn(this::readBody));
        req.set("discard_body", fn(this::discardBody));
        req.set("get_body_data", fn(this::getBodyData));
        req.set("get_body_file", fn(a -> {
            ctx().require(CallContext.REQUEST, "ngx.req.get_body_file");
            return LuaValue.NIL; // bodies are kept in memory (up to the host's limit), never in a file
        }));
        req.set("set_body_data", fn(this::setBodyData));
        req.set("get_post_args", fn(this::getPostArgs));
        req.set("init_body", fn(this::initBody));
        req.set("append_body", fn(this::appendBody));
        req.set("finish_body", fn(this::finishBody));
    }

    private Varargs readBody(Varargs a) {
        ctx().require(CallContext.REQUEST, "ngx.req.read_body");
        RequestState s = ctx().state;
        if (!s.requestBodyRead() && !s.requestBodyDiscarded()) {
            s.readRequestBody(ctx().exchange.requestBody());
        }
        return LuaValue.NONE;
    }

    private Varargs discardBody(Varargs a) {
        ctx().require(CallContext.REQUEST, "ngx.req.discard_body");
        if (!ctx().state.requestBodyRead()) {
            ctx().state.discardRequestBody();
        }
        return LuaValue.NONE;
    }

    /** nil when the body was not read, is empty or was discarded, as in nginx. */
    private Varargs getBodyData(Varargs a) {
        ctx().require(CallContext.ALL, "ngx.req.get_body_data"); // lua-resty-core checks no phase
        byte[] body = ctx().state.currentRequestBody();
        if (body == null || body.length == 0) {
            return LuaValue.NIL;
        }
        int max = a.isnoneornil(1) ? body.length : a.checkint(1);
        if (max <= 0) {
            max = body.length;
        }
        charge(Math.min(max, body.length), "ngx.req.get_body_data");
        return LuaString.valueUsing(body, 0, Math.min(max, body.length));
    }

    private Varargs setBodyData(Varargs a) {
        ctx().require(CallContext.REQUEST, "ngx.req.set_body_data");
        LuaString data = a.checkstring(1);
        if (!ctx().state.requestBodyRead()) {
            throw new LuaError("request body not read yet");
        }
        checkLimit(data.m_length);
        byte[] copy = new byte[data.m_length];
        System.arraycopy(data.m_bytes, data.m_offset, copy, 0, data.m_length);
        ctx().state.replaceRequestBody(copy);
        return LuaValue.NONE;
    }

    /** {@code ngx.req.get_post_args(max_args)}: the form body decoded as nginx decodes query strings. */
    private Varargs getPostArgs(Varargs a) {
        ctx().require(CallContext.ALL, "ngx.req.get_post_args");
        if (!ctx().state.requestBodyRead()) {
            throw new LuaError("no request body found; maybe you should turn on lua_need_request_body?");
        }
        byte[] body = ctx().state.currentRequestBody();
        charge(body == null ? 0 : body.length, "ngx.req.get_post_args");
        return NgxStrings.decodeArgs(body == null ? new byte[0] : body, a.optint(1, 100));
    }

    // ---- init_body / append_body / finish_body: a new body built in pieces

    private Varargs initBody(Varargs a) {
        ctx().require(CallContext.REQUEST, "ngx.req.init_body");
        if (!ctx().state.requestBodyRead()) {
            throw new LuaError("request body not read yet");
        }
        if (!a.isnoneornil(1) && a.checkint(1) <= 0) {
            throw new LuaError("bad buffer size");
        }
        ctx().state.startRequestBody();
        return LuaValue.NONE;
    }

    private Varargs appendBody(Varargs a) {
        ctx().require(CallContext.REQUEST, "ngx.req.append_body");
        LuaString data = a.checkstring(1);
        ByteArrayOutputStream building = ctx().state.requestBodyInProgress();
        if (building == null) {
            // nginx appends to the buffer read_body left when the body came after the headers, and
            // raises this when it came with them: the edge always asks for init_body first.
            throw new LuaError("request_body not initialized");
        }
        checkLimit((long) building.size() + data.m_length);
        charge(data.m_length, "ngx.req.append_body");
        building.write(data.m_bytes, data.m_offset, data.m_length);
        ctx().state.appendedRequestBody();
        return LuaValue.NONE;
    }

    private Varargs finishBody(Varargs a) {
        ctx().require(CallContext.REQUEST, "ngx.req.finish_body");
        if (ctx().state.requestBodyInProgress() == null) {
            throw new LuaError("request_body not initialized");
        }
        ctx().state.finishRequestBody();
        return LuaValue.NONE;
    }

    /** A body units build may not be larger than the host accepts from clients ({@code client_max_body_size}). */
    private void checkLimit(long bytes) {
        long max = ctx().settings.maxRequestBodyBytes();
        if (bytes > max) {
            throw new LuaError("request body of " + bytes + " bytes is larger than the " + max
                    + " bytes the edge accepts (client_max_body_size)");
        }
    }

    /** A string of the body's bytes is about to be built: issue #15's one charging API. */
    private static void charge(long bytes, String what) {
        Allocation.string(bytes, what);
        Allocation.work(Allocation.Work.COPY, bytes);
    }
}
