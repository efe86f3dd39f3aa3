package io.nott.unit.pipeline;

import io.nott.unit.model.Phase;
import io.nott.unit.runtime.BalancerAttempt;
import io.nott.unit.runtime.BodyChunk;
import io.nott.unit.runtime.HttpExchange;
import io.nott.unit.runtime.PhaseRunner;
import io.nott.unit.runtime.UnitOutcome;
import io.nott.unit.runtime.UnitSnapshot;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The request pipeline every host uses: OpenResty's phase order and rules over a
 * {@link PhaseRunner}. An asynchronous host (the edge) drives a {@link PipelineRun}'s steps
 * itself, running the ones that call Redis off its event loop; a host that has the upstream
 * response at hand (the registry's dry run, tests) calls {@link #run} and gets the final
 * response. Both go through the same steps, so they answer the same. Thread-safe.
 */
public final class RequestPipeline {

    private final PhaseRunner runner;

    public RequestPipeline(PhaseRunner runner) {
        this.runner = runner;
    }

    public PhaseRunner runner() {
        return runner;
    }

    /**
     * Starts one request.
     *
     * @param only     run only this phase's units (the dry run's phase filter), or null for all
     * @param outcomes told each unit call's outcome, in run order
     */
    public PipelineRun start(UnitSnapshot snapshot, HttpExchange exchange, Phase only,
                             Consumer<UnitOutcome> outcomes) {
        return new PipelineRun(runner, snapshot, exchange, only, outcomes);
    }

    /**
     * Runs every step on this thread: the request phases, then {@code upstream} unless they
     * answered, header_filter, body_filter (an upstream body as one chunk, a local one per say/print), and log.
     *
     * @param upstream the response the upstream (or cache) gives; called only when no unit answered
     * @return the response as the client gets it
     */
    public BufferedResponse run(PipelineRun run, Supplier<BufferedResponse> upstream) {
        LocalAnswer answer = run.hasRequestPhases() ? run.runRequestPhases() : null;
        BufferedResponse response;
        if (answer != null) {
            response = BufferedResponse.of(answer);
        } else {
            // One upstream attempt: balancer units run for it (their refused peers and exits show here too).
            int exit = run.runBalancer(new BalancerAttempt(null, 0, 0));
            response = exit > 0 ? BufferedResponse.of(ErrorPages.exit(exit, 0)) : upstream.get();
        }
        run.runHeaderFilter(response);
        if (run.runs(Phase.BODY_FILTER)) {
            // A local answer reaches body_filter as nginx passes it (one chunk per say/print), as on the edge.
            BodyChunk chunk = answer != null ? run.runBodyFilterOnLocalBody(response.body())
                    : run.runBodyFilter(response.body(), true);
            response.body(chunk.data());
        }
        run.runLog();
        return response;
    }
}
