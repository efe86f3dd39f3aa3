package io.nott.edge.units.run;

import io.nott.edge.proxy.BodyFilter;
import io.nott.edge.proxy.ProxyContext;
import io.nott.edge.proxy.ProxyErrors;
import io.nott.edge.proxy.ProxyException;
import io.nott.edge.proxy.ProxyInterceptor;
import io.nott.edge.proxy.ProxyResponse;
import io.nott.edge.proxy.ResponseBody;
import io.nott.edge.units.sync.SnapshotHolder;
import io.nott.edge.upstream.Balancer;
import io.nott.unit.model.Phase;
import io.nott.unit.pipeline.LocalAnswer;
import io.nott.unit.pipeline.PipelineRun;
import io.nott.unit.pipeline.RequestPipeline;
import io.nott.unit.runtime.BodyChunk;
import io.nott.unit.runtime.LoopStep;
import io.nott.unit.runtime.RequestState;
import io.nott.unit.runtime.RunnerSettings;
import io.nott.unit.runtime.UnitOutcome;
import io.nott.unit.runtime.UnitSnapshot;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.jboss.logging.Logger;

/**
 * The edge's adapter to unit-core's {@link RequestPipeline}, as one interceptor placed before the
 * cache: the request phases run before the cache lookup (a 403 never touches cache or origin),
 * "go upstream" is the rest of the chain (cache, then origin), header_filter and body_filter run
 * on every response (cache hits, errors and local answers included), and log runs after the
 * response is sent, on a virtual thread. What the phases decide is the pipeline's; this class
 * only decides threads: steps whose units call {@code edge_computing.redis_client} run on a
 * virtual thread; so do steps with a unit whose recent cost is above {@code edge.units.offload-above}
 * (unit-core's {@code UnitCost}, with hysteresis), bounded by {@link OffLoop#tryCall}: past the
 * bound, or after waiting {@code edge.units.offload-max-wait} for a turn, the step runs inline
 * without its slow units (their failure policy applies). The others run
 * inline on the event loop, where a compiled unit costs microseconds. body_filter stays chunk by
 * chunk on the loop unless it calls Redis: moving it would mean buffering whole bodies.
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
    private final boolean redisWaitsOnLoop;
    private final OffLoop offLoop;
    private final long maxCollectedBody;
    private final UnitOutputLimits limits;
    private final long offloadAboveNanos;
    private final long maxRequestBody;

    /** Default of {@code edge.units.offload-above}: a unit whose recent cost is above 1 ms leaves the loop. */
    public static final long DEFAULT_OFFLOAD_ABOVE_NANOS = 1_000_000;

    public LuaPhasesInterceptor(SnapshotHolder holder, RequestPipeline pipeline, OffLoop offLoop, long maxCollectedBody) {
        this(holder, pipeline, offLoop, maxCollectedBody, UnitOutputLimits.DEFAULT);
    }

    public LuaPhasesInterceptor(SnapshotHolder holder, RequestPipeline pipeline, OffLoop offLoop, long maxCollectedBody,
            UnitOutputLimits limits) {
        this(holder, pipeline, offLoop, maxCollectedBody, limits, DEFAULT_OFFLOAD_ABOVE_NANOS);
    }

    /** @param offloadAboveNanos recent unit cost above which a step leaves the event loop ({@code edge.units.offload-above}) */
    public LuaPhasesInterceptor(SnapshotHolder holder, RequestPipeline pipeline, OffLoop offLoop, long maxCollectedBody,
            UnitOutputLimits limits, long offloadAboveNanos) {
        this(holder, pipeline, offLoop, maxCollectedBody, limits, offloadAboveNanos, RunnerSettings.DEFAULT_MAX_REQUEST_BODY_BYTES);
    }

    /** @param maxRequestBody largest request body read for units ({@code edge.units.client-max-body-size}); larger: 413 */
    public LuaPhasesInterceptor(SnapshotHolder holder, RequestPipeline pipeline, OffLoop offLoop, long maxCollectedBody,
            UnitOutputLimits limits, long offloadAboveNanos, long maxRequestBody) {
        this(holder, pipeline, offLoop, maxCollectedBody, limits, offloadAboveNanos, maxRequestBody, false);
    }

    /**
     * @param redisWaitsOnLoop the units' Redis client suspends a {@link LoopStep} while it waits
     *                         ({@code RedisUnitDataClient}): request steps that wait only for Redis
     *                         then stay on the event loop; false for a client that blocks its thread
     */
    public LuaPhasesInterceptor(SnapshotHolder holder, RequestPipeline pipeline, OffLoop offLoop, long maxCollectedBody,
            UnitOutputLimits limits, long offloadAboveNanos, long maxRequestBody, boolean redisWaitsOnLoop) {
        this.redisWaitsOnLoop = redisWaitsOnLoop;
        this.maxRequestBody = maxRequestBody;
        this.holder = holder;
        this.pipeline = pipeline;
        this.offLoop = offLoop;
        this.maxCollectedBody = maxCollectedBody;
        this.limits = limits;
        this.offloadAboveNanos = offloadAboveNanos;
    }

    /** The threshold a unit's recent cost is held against. */
    public long offloadAboveNanos() {
        return offloadAboveNanos;
    }

    @Override
    public Future<ProxyResponse> handleRequest(ProxyContext context) {
        UnitSnapshot snapshot = holder.snapshot();
        if (snapshot.isEmpty()) {
            return context.sendRequest();
        }
        EdgeExchange exchange = new EdgeExchange(context, limits);
        PipelineRun run = pipeline.start(snapshot, exchange, null, REPORT);
        context.put(PipelineRun.class, run);
        if (!run.hasRequestPhases()) {
            return proxy(context, run, exchange);
        }
        if (run.readsRequestBody()) {
            // nginx's ngx.req.read_body: the body is read without blocking the loop, then the
            // phases run with it in memory (read_body itself never waits).
            return RequestBodies.read(context.request(), maxRequestBody).compose(body -> {
                if (body == RequestBodies.TOO_LARGE) {
                    // The unread body would be taken for the next request: close once the 413 is out, as nginx does.
                    context.request().response().bodyEndHandler(v -> context.request().connection().close());
                    ProxyResponse refused = tooLarge();
                    return filters(context, run, exchange, refused, false);
                }
                exchange.requestBody(body.length == 0 ? null : body);
                context.requestBody(Buffer.buffer(body));
                return requestPhases(context, run, exchange);
            });
        }
        return requestPhases(context, run, exchange);
    }

    /** nginx's 413 page for a body over {@code client_max_body_size}; the connection closes, the body unread. */
    private ProxyResponse tooLarge() {
        LocalAnswer page = io.nott.unit.pipeline.ErrorPages.exit(413, 0);
        ProxyResponse response = ProxyResponse.of(413, page.contentType(), Buffer.buffer(page.body()));
        response.mutableHeaders().set("Connection", "close");
        LOG.debugf("request body over edge.units.client-max-body-size (%d bytes): 413", maxRequestBody);
        return response;
    }

    private Future<ProxyResponse> requestPhases(ProxyContext context, PipelineRun run, EdgeExchange exchange) {
        if (run.requestPhasesBlock()) {
            Future<LocalAnswer> waited = !redisWaitsOnLoop || run.requestPhasesSleep() ? null
                    : onLoop(context.vertxContext(), run::runRequestPhases);
            if (waited == null) {
                waited = offLoop.call(context.vertxContext(), run::runRequestPhases);
            }
            return waited.compose(answer -> respond(context, run, exchange, answer));
        }
        if (run.requestPhasesSlow(offloadAboveNanos)) {
            return slowStep(context, run, run::runRequestPhases).compose(answer -> respond(context, run, exchange, answer));
        }
        return respond(context, run, exchange, run.runRequestPhases());
    }

    /**
     * A step with a slow unit: off the event loop when {@link OffLoop#tryCall} takes it and a
     * turn frees up in time; else (the in-flight bound reached, or no turn within
     * {@code edge.units.offload-max-wait}) inline on the request's loop without its slow units,
     * which end as {@code overloaded} (their failure policy decides 500 or continue).
     */
    private <T> Future<T> slowStep(ProxyContext context, PipelineRun run, Supplier<T> step) {
        Future<T> off = offLoop.tryCall(context.vertxContext(), step::get);
        if (off == null) {
            run.refuseSlow(offloadAboveNanos);
            return Future.succeededFuture(step.get());
        }
        return off.recover(failure -> {
            if (!(failure instanceof OffLoop.NoTurn)) {
                return Future.failedFuture(failure);
            }
            LOG.debugf("a slow unit step waited %s for a turn off the event loop: run inline without its slow units",
                    offLoop.maxWait());
            run.refuseSlow(offloadAboveNanos);
            return Future.succeededFuture(step.get()); // back on the request's loop: the future completes there
        });
    }

    /**
     * Runs a step whose units wait only for Redis on this event loop ({@link LoopStep}): a Redis
     * call suspends the step and the reply resumes it here, with no thread hop (a virtual thread
     * pays two per call and two per step). Null when it cannot (not on an event loop thread, or
     * the JVM lacks continuations): the caller moves the step to a virtual thread instead.
     */
    private static <T> Future<T> onLoop(io.vertx.core.Context loop, java.util.concurrent.Callable<T> step) {
        if (!LoopStep.available() || !loop.isEventLoopContext() || !io.vertx.core.Context.isOnEventLoopThread()) {
            return null;
        }
        Promise<T> promise = Promise.promise();
        LoopStep.start(step, task -> loop.runOnContext(v -> task.run()), (value, failure) -> {
            if (failure != null) {
                promise.fail(failure);
            } else {
                promise.complete(value);
            }
        });
        return promise.future();
    }

    private Future<ProxyResponse> respond(ProxyContext context, PipelineRun run, EdgeExchange exchange,
                                          LocalAnswer answer) {
        if (exchange.requestHeadersOverflow() != null) {
            return Future.succeededFuture(unitLimitPage(exchange.requestHeadersOverflow()));
        }
        if (answer == null) {
            UpstreamRewrite.apply(context, run.state());
            if (run.state().requestBodyChanged()) {
                context.requestBody(Buffer.buffer(run.state().requestBody()));
            }
            return proxy(context, run, exchange);
        }
        ProxyResponse local = ProxyResponse.of(answer.status(), answer.contentType(), Buffer.buffer(answer.body()));
        if (run.state().bodyWritten()) {
            // nginx streams ngx.say/ngx.print output chunked: no Content-Length unless a unit sets one.
            local.mutableHeaders().remove("Content-Length");
        }
        return filters(context, run, exchange, local, true);
    }

    private Future<ProxyResponse> proxy(ProxyContext context, PipelineRun run, EdgeExchange exchange) {
        UnitSteering.apply(context, run);
        if (run.runs(Phase.BALANCER)) {
            context.put(Balancer.class, new UnitBalancer(run, exchange));
        }
        return context.sendRequest()
                .recover(failure -> Future.succeededFuture(failure instanceof ProxyException e && e.isUnitExit()
                        ? nginxPage(e.status()) : ProxyErrors.toResponse(failure)))
                .compose(response -> filters(context, run, exchange, response, false));
    }

    /** @param local a local answer: body_filter sees its body as nginx passes it (one chunk per say/print) */
    private Future<ProxyResponse> filters(ProxyContext context, PipelineRun run, EdgeExchange exchange,
                                          ProxyResponse response, boolean local) {
        exchange.response(response);
        Future<ProxyResponse> headed;
        if (run.blocks(Phase.HEADER_FILTER)) {
            headed = offLoop.call(context.vertxContext(), () -> {
                run.runHeaderFilter(exchange);
                return response;
            });
        } else if (run.slow(Phase.HEADER_FILTER, offloadAboveNanos)) {
            headed = slowStep(context, run, () -> {
                run.runHeaderFilter(exchange);
                return response;
            });
        } else {
            run.runHeaderFilter(exchange);
            headed = Future.succeededFuture(response);
        }
        // The cache may be waiting for an X-Accel-Expires set here before it stores the answer.
        headed = headed.onComplete(done -> UnitSteering.headersDecided(context, run));
        headed = headed.map(r -> {
            if (exchange.responseHeadersOverflow() == null) {
                return r;
            }
            if (r.body() instanceof ResponseBody.Streamed streamed) {
                streamed.abort().run(); // the upstream body is not sent: free its connection
            }
            return unitLimitPage(exchange.responseHeadersOverflow());
        });
        if (!run.runs(Phase.BODY_FILTER)) {
            if (local && run.state().bodyWritten()) {
                return headed.compose(r -> Future.succeededFuture(r.headers().contains("Content-Length") ? r
                        : r.addBodyFilter((chunk, eof) -> chunk))); // no length: the writer sends it chunked
            }
            return headed;
        }
        return headed.compose(r -> {
            if (r.status() == 500 && exchange.responseHeadersOverflow() != null) {
                return Future.succeededFuture(r);
            }
            return run.blocks(Phase.BODY_FILTER) ? wholeBodyFilter(context, run, r, local)
                    : Future.succeededFuture(r.addBodyFilter(local
                            ? new LocalBodyFilter(run, limits.maxFilteredOutput())
                            : new ChunkFilter(run, limits.maxFilteredOutput())));
        });
    }

    /** The answer when units passed a limit of the edge's: a 500 it can still write, never a dropped connection. */
    private static ProxyResponse unitLimitPage(String why) {
        LOG.errorf("units passed an output limit, answering 500: %s", why);
        return ProxyErrors.error(500, why + ". Change the units so that they set fewer headers, or raise "
                + "edge.units.max-headers / max-header-bytes");
    }

    /** A balancer unit's {@code ngx.exit(status)}: nginx's page for that status, as for an exit in any other phase. */
    private static ProxyResponse nginxPage(int status) {
        LocalAnswer page = io.nott.unit.pipeline.ErrorPages.exit(status, 0);
        return ProxyResponse.of(page.status(), page.contentType(), Buffer.buffer(page.body()));
    }

    /** body_filter units that call Redis: the body is collected and filtered once, on a virtual thread. */
    private Future<ProxyResponse> wholeBodyFilter(ProxyContext context, PipelineRun run, ProxyResponse response,
                                                  boolean local) {
        return Bodies.collect(response.body(), maxCollectedBody).compose(body -> offLoop.call(context.vertxContext(), () -> {
            BodyChunk out = local ? run.runBodyFilterOnLocalBody(body.getBytes()) : run.runBodyFilter(body.getBytes(), true);
            if (out.data().length > limits.maxFilteredOutput()) {
                return unitLimitPage("body_filter produced " + out.data().length + " bytes, more than the "
                        + limits.maxFilteredOutput() + " allowed (edge.units.max-body)");
            }
            response.mutableHeaders().remove("Content-Length");
            return response.body(new ResponseBody.Full(Buffer.buffer(out.data())))
                    .addBodyFilter((chunk, eof) -> chunk); // marks the body as filtered: chunked, no length
        }));
    }

    /** body_filter on the event loop, chunk by chunk ({@code ngx.arg[1]}, {@code ngx.arg[2]}). */
    private static class ChunkFilter implements BodyFilter {
        final PipelineRun run;
        private final long maxOutput;
        private long produced;

        ChunkFilter(PipelineRun run, long maxOutput) {
            this.run = run;
            this.maxOutput = maxOutput;
        }

        @Override
        public Buffer apply(Buffer chunk, boolean eof) {
            return bounded(run.runBodyFilter(chunk.getBytes(), eof).data());
        }

        final Buffer bounded(byte[] out) {
            produced += out.length;
            if (produced > maxOutput) {
                // The writer answers 500 if nothing was sent yet, else cuts the connection: never a silently short body.
                throw new BodyFilter.LimitExceeded("body_filter produced more than " + maxOutput
                        + " bytes (edge.units.max-body)");
            }
            return out.length == 0 ? ResponseBody.EMPTY : Buffer.buffer(out);
        }
    }

    /** body_filter on a local answer, which the writer hands over whole, with eof: split as nginx would. */
    private static final class LocalBodyFilter extends ChunkFilter {
        LocalBodyFilter(PipelineRun run, long maxOutput) {
            super(run, maxOutput);
        }

        @Override
        public Buffer apply(Buffer chunk, boolean eof) {
            return bounded(eof ? run.runBodyFilterOnLocalBody(chunk.getBytes()).data()
                    : run.runBodyFilter(chunk.getBytes(), false).data());
        }
    }

    /** Work after the response only when the log phase runs or units logged lines to emit. */
    @Override
    public boolean completes(ProxyContext context) {
        PipelineRun run = context.get(PipelineRun.class);
        return run != null && (run.runs(Phase.LOG) || !run.state().logs().isEmpty());
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
