package io.nott.edge.units.run;

import io.nott.edge.proxy.BodyFilter;
import io.nott.edge.proxy.ProxyContext;
import io.nott.edge.proxy.ProxyErrors;
import io.nott.edge.proxy.ProxyInterceptor;
import io.nott.edge.proxy.ProxyResponse;
import io.nott.edge.proxy.ResponseBody;
import io.nott.edge.units.sync.SnapshotHolder;
import io.nott.unit.model.Phase;
import io.nott.unit.pipeline.LocalAnswer;
import io.nott.unit.pipeline.PipelineRun;
import io.nott.unit.pipeline.RequestPipeline;
import io.nott.unit.runtime.BodyChunk;
import io.nott.unit.runtime.RequestState;
import io.nott.unit.runtime.UnitOutcome;
import io.nott.unit.runtime.UnitSnapshot;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import java.util.function.Consumer;
import org.jboss.logging.Logger;

/**
 * The edge's adapter to unit-core's {@link RequestPipeline}, as one interceptor placed before the
 * cache: the request phases run before the cache lookup (a 403 never touches cache or origin),
 * "go upstream" is the rest of the chain (cache, then origin), header_filter and body_filter run
 * on every response (cache hits, errors and local answers included), and log runs after the
 * response is sent, on a virtual thread. What the phases decide is the pipeline's; this class
 * only decides threads: steps whose units call {@code edge_computing.redis_client} run on a
 * virtual thread, the others inline on the event loop, where a compiled unit costs microseconds.
 */
public final class LuaPhasesInterceptor implements ProxyInterceptor {

    private static final Logger LOG = Logger.getLogger("io.nott.edge.units.ngx");

    /** A failing unit is logged like nginx logs a Lua error (outcomes are also counted by unit-core's meters). */
    private static final Consumer<UnitOutcome> REPORT = o -> {
        if (o.kind().isFailure()) {
            LOG.warnf("%s [%s]", o.problem(), o.kind().wireName());
        }
    };

    private final SnapshotHolder holder;
    private final RequestPipeline pipeline;
    private final OffLoop offLoop;
    private final long maxCollectedBody;

    public LuaPhasesInterceptor(SnapshotHolder holder, RequestPipeline pipeline, OffLoop offLoop, long maxCollectedBody) {
        this.holder = holder;
        this.pipeline = pipeline;
        this.offLoop = offLoop;
        this.maxCollectedBody = maxCollectedBody;
    }

    @Override
    public Future<ProxyResponse> handleRequest(ProxyContext context) {
        UnitSnapshot snapshot = holder.snapshot();
        if (snapshot.isEmpty()) {
            return context.sendRequest();
        }
        EdgeExchange exchange = new EdgeExchange(context);
        PipelineRun run = pipeline.start(snapshot, exchange, null, REPORT);
        context.put(PipelineRun.class, run);
        if (!run.hasRequestPhases()) {
            return proxy(context, run, exchange);
        }
        if (run.requestPhasesBlock()) {
            return offLoop.call(context.vertxContext(), run::runRequestPhases)
                    .compose(answer -> respond(context, run, exchange, answer));
        }
        return respond(context, run, exchange, run.runRequestPhases());
    }

    private Future<ProxyResponse> respond(ProxyContext context, PipelineRun run, EdgeExchange exchange,
                                          LocalAnswer answer) {
        if (answer == null) {
            return proxy(context, run, exchange);
        }
        return filters(context, run, exchange, ProxyResponse.of(answer.status(), answer.contentType(),
                Buffer.buffer(answer.body())));
    }

    private Future<ProxyResponse> proxy(ProxyContext context, PipelineRun run, EdgeExchange exchange) {
        return context.sendRequest()
                .recover(failure -> Future.succeededFuture(ProxyErrors.toResponse(failure)))
                .compose(response -> filters(context, run, exchange, response));
    }

    private Future<ProxyResponse> filters(ProxyContext context, PipelineRun run, EdgeExchange exchange,
                                          ProxyResponse response) {
        exchange.response(response);
        Future<ProxyResponse> headed;
        if (run.blocks(Phase.HEADER_FILTER)) {
            headed = offLoop.call(context.vertxContext(), () -> {
                run.runHeaderFilter(exchange);
                return response;
            });
        } else {
            run.runHeaderFilter(exchange);
            headed = Future.succeededFuture(response);
        }
        if (!run.runs(Phase.BODY_FILTER)) {
            return headed;
        }
        return headed.compose(r -> run.blocks(Phase.BODY_FILTER) ? wholeBodyFilter(context, run, r)
                : Future.succeededFuture(r.addBodyFilter(new ChunkFilter(run))));
    }

    /** body_filter units that call Redis: the body is collected and filtered once, on a virtual thread. */
    private Future<ProxyResponse> wholeBodyFilter(ProxyContext context, PipelineRun run, ProxyResponse response) {
        return Bodies.collect(response.body(), maxCollectedBody).compose(body -> offLoop.call(context.vertxContext(), () -> {
            BodyChunk out = run.runBodyFilter(body.getBytes(), true);
            response.mutableHeaders().remove("Content-Length");
            return response.body(new ResponseBody.Full(Buffer.buffer(out.data())))
                    .addBodyFilter((chunk, eof) -> chunk); // marks the body as filtered: chunked, no length
        }));
    }

    /** body_filter on the event loop, chunk by chunk ({@code ngx.arg[1]}, {@code ngx.arg[2]}). */
    private static final class ChunkFilter implements BodyFilter {
        private final PipelineRun run;

        ChunkFilter(PipelineRun run) {
            this.run = run;
        }

        @Override
        public Buffer apply(Buffer chunk, boolean eof) {
            byte[] out = run.runBodyFilter(chunk.getBytes(), eof).data();
            return out.length == 0 ? ResponseBody.EMPTY : Buffer.buffer(out);
        }
    }

    @Override
    public void onComplete(ProxyContext context) {
        PipelineRun run = context.get(PipelineRun.class);
        if (run == null) {
            return;
        }
        if (run.runs(Phase.LOG)) {
            offLoop.run(() -> {
                run.runLog();
                emitLogs(run.state());
            });
        } else {
            emitLogs(run.state());
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
