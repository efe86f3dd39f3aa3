package io.nott.edge.units;

import io.netty.handler.codec.http.HttpResponseStatus;
import io.nott.edge.proxy.ProxyContext;
import io.nott.edge.proxy.ProxyErrors;
import io.nott.edge.proxy.ProxyInterceptor;
import io.nott.edge.proxy.ProxyResponse;
import io.nott.edge.proxy.ResponseBody;
import io.nott.edge.units.sync.SnapshotHolder;
import io.nott.unit.model.Phase;
import io.nott.unit.runtime.BodyChunk;
import io.nott.unit.runtime.PhaseResult;
import io.nott.unit.runtime.PhaseRunner;
import io.nott.unit.runtime.RequestState;
import io.nott.unit.runtime.UnitOutcome;
import io.nott.unit.runtime.UnitSnapshot;
import java.util.List;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import org.jboss.logging.Logger;

/**
 * Computing units in OpenResty's phase order, as one interceptor placed before the cache:
 * {@code rewrite} and {@code access} run before the cache lookup (a 403 never touches cache or
 * origin), {@code content} answers instead of proxying, {@code header_filter} and
 * {@code body_filter} run on every response (cache hits, errors and local answers included), and
 * {@code log} runs after the response is sent, on a virtual thread.
 *
 * <p>A request reads the snapshot once and uses it for every phase. Phases whose units call
 * {@code edge_computing.redis_client} run on a virtual thread; the others run inline on the
 * event loop, where a compiled unit costs microseconds.
 */
public final class LuaPhasesInterceptor implements ProxyInterceptor {

    /** The phases before the upstream, in OpenResty's order. */
    private static final Phase[] REQUEST_PHASES = {Phase.REWRITE, Phase.ACCESS, Phase.CONTENT};

    private static final Logger LOG = Logger.getLogger("io.nott.edge.units.ngx");

    private final SnapshotHolder holder;
    private final PhaseRunner runner;
    private final OffLoop offLoop;
    private final long maxCollectedBody;

    public LuaPhasesInterceptor(SnapshotHolder holder, PhaseRunner runner, OffLoop offLoop, long maxCollectedBody) {
        this.holder = holder;
        this.runner = runner;
        this.offLoop = offLoop;
        this.maxCollectedBody = maxCollectedBody;
    }

    /** Per-request unit state, kept on the context. */
    private record Units(UnitSnapshot snapshot, EdgeExchange exchange, RequestState state) {
    }

    @Override
    public Future<ProxyResponse> handleRequest(ProxyContext context) {
        UnitSnapshot snapshot = holder.snapshot();
        if (snapshot.isEmpty()) {
            return context.sendRequest();
        }
        Units units = new Units(snapshot, new EdgeExchange(context), new RequestState());
        context.attachment(units);
        if (!snapshot.has(Phase.REWRITE) && !snapshot.has(Phase.ACCESS) && !snapshot.has(Phase.CONTENT)) {
            return proxy(context, units);
        }
        if (snapshot.usesRedis(Phase.REWRITE) || snapshot.usesRedis(Phase.ACCESS) || snapshot.usesRedis(Phase.CONTENT)) {
            return offLoop.call(context.vertxContext(), () -> requestPhases(units))
                    .compose(result -> afterRequestPhases(context, units, result));
        }
        return afterRequestPhases(context, units, requestPhases(units));
    }

    private PhaseResult requestPhases(Units units) {
        for (Phase phase : REQUEST_PHASES) {
            if (units.snapshot().has(phase)) {
                PhaseResult result = runner.run(units.snapshot(), phase, units.exchange(), units.state());
                report(result.outcomes());
                if (!result.isContinue()) {
                    return result;
                }
            }
        }
        return PhaseResult.EMPTY;
    }

    private Future<ProxyResponse> afterRequestPhases(ProxyContext context, Units units, PhaseResult result) {
        return switch (result.action()) {
            case EXIT -> filters(context, units, localExit(result.status()));
            case RESPONSE -> filters(context, units, ProxyResponse.of(result.status(), "text/plain",
                    Buffer.buffer(units.state().body())));
            case CONTINUE -> proxy(context, units);
        };
    }

    private Future<ProxyResponse> proxy(ProxyContext context, Units units) {
        return context.sendRequest()
                .recover(failure -> Future.succeededFuture(ProxyErrors.toResponse(failure)))
                .compose(response -> filters(context, units, response));
    }

    /** nginx's answer to {@code ngx.exit(status)}: a short page naming the status. */
    private static ProxyResponse localExit(int status) {
        if (status >= 300 && status < 400 || status == 204 || status == 304) {
            return ProxyResponse.of(status, null, ResponseBody.EMPTY);
        }
        String reason = HttpResponseStatus.valueOf(status).reasonPhrase();
        return ProxyResponse.of(status, "text/plain; charset=utf-8", Buffer.buffer(status + " " + reason + "\n"));
    }

    private Future<ProxyResponse> filters(ProxyContext context, Units units, ProxyResponse response) {
        units.exchange().response(response);
        UnitSnapshot snapshot = units.snapshot();
        Future<ProxyResponse> headed;
        if (snapshot.has(Phase.HEADER_FILTER) && snapshot.usesRedis(Phase.HEADER_FILTER)) {
            headed = offLoop.call(context.vertxContext(), () -> headerFilter(units, response));
        } else {
            headed = Future.succeededFuture(headerFilter(units, response));
        }
        if (!snapshot.has(Phase.BODY_FILTER)) {
            return headed;
        }
        return headed.compose(r -> snapshot.usesRedis(Phase.BODY_FILTER) ? wholeBodyFilter(context, units, r)
                : Future.succeededFuture(r.addBodyFilter(new ChunkFilter(units))));
    }

    private ProxyResponse headerFilter(Units units, ProxyResponse response) {
        RequestState state = units.state();
        int statusBefore = state.status();
        if (units.snapshot().has(Phase.HEADER_FILTER)) {
            report(runner.run(units.snapshot(), Phase.HEADER_FILTER, units.exchange(), state).outcomes());
            if (state.status() != statusBefore && state.status() >= 100) {
                response.status(state.status());
            }
        }
        var changes = state.headerChanges();
        if (!changes.isEmpty()) {
            MultiMap headers = response.mutableHeaders();
            for (RequestState.HeaderChange change : changes) {
                if (change.removed()) {
                    headers.remove(change.name());
                } else {
                    headers.set(change.name(), change.values());
                }
            }
        }
        return response;
    }

    /** body_filter units that call Redis: the body is collected and filtered once, on a virtual thread. */
    private Future<ProxyResponse> wholeBodyFilter(ProxyContext context, Units units, ProxyResponse response) {
        return Bodies.collect(response.body(), maxCollectedBody).compose(body -> offLoop.call(context.vertxContext(), () -> {
            BodyChunk out = runner.runBodyFilter(units.snapshot(), units.exchange(), units.state(), body.getBytes(), true);
            report(out.outcomes());
            response.mutableHeaders().remove("Content-Length");
            return response.body(new ResponseBody.Full(Buffer.buffer(out.data())))
                    .addBodyFilter((chunk, eof) -> chunk); // marks the body as filtered: chunked, no length
        }));
    }

    /** body_filter on the event loop, chunk by chunk ({@code ngx.arg[1]}, {@code ngx.arg[2]}). */
    private final class ChunkFilter implements io.nott.edge.proxy.BodyFilter {
        private final Units units;
        private boolean done;

        ChunkFilter(Units units) {
            this.units = units;
        }

        @Override
        public Buffer apply(Buffer chunk, boolean eof) {
            if (done) {
                return ResponseBody.EMPTY; // a unit set ngx.arg[2] = true: the rest is dropped
            }
            BodyChunk out = runner.runBodyFilter(units.snapshot(), units.exchange(), units.state(), chunk.getBytes(), eof);
            report(out.outcomes());
            done = out.eof();
            return Buffer.buffer(out.data());
        }
    }

    @Override
    public void onComplete(ProxyContext context) {
        Units units = context.attachment();
        if (units == null) {
            return;
        }
        if (units.snapshot().has(Phase.LOG)) {
            offLoop.run(() -> {
                report(runner.run(units.snapshot(), Phase.LOG, units.exchange(), units.state()).outcomes());
                emitLogs(units.state());
            });
        } else {
            emitLogs(units.state());
        }
    }

    /** A failing unit is logged like nginx logs a Lua error (outcomes are also counted by unit-core's meters). */
    private static void report(List<UnitOutcome> outcomes) {
        for (int i = 0; i < outcomes.size(); i++) {
            UnitOutcome o = outcomes.get(i);
            if (o.kind().isFailure()) {
                LOG.warnf("unit %s (%s) %s: %s", o.unitId(), o.phase().luaName(), o.kind().wireName(), o.message());
            }
        }
    }

    private static void emitLogs(RequestState state) {
        for (RequestState.LogLine line : state.logs()) {
            Logger.Level level = line.level() <= 4 ? Logger.Level.ERROR : line.level() == 5 ? Logger.Level.WARN
                    : line.level() <= 7 ? Logger.Level.INFO : Logger.Level.DEBUG;
            LOG.logf(level, "[%s] unit %s: %s", line.levelName(), line.unitId(), line.message());
        }
    }
}
