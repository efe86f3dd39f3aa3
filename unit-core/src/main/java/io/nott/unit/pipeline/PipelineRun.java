package io.nott.unit.pipeline;

import io.nott.unit.model.Phase;
import io.nott.unit.runtime.BalancerAttempt;
import io.nott.unit.runtime.BodyChunk;
import io.nott.unit.runtime.HttpExchange;
import io.nott.unit.runtime.Location;
import io.nott.unit.runtime.PhaseResult;
import io.nott.unit.runtime.PhaseRunner;
import io.nott.unit.runtime.RequestState;
import io.nott.unit.runtime.UnitOutcome;
import io.nott.unit.runtime.UnitSnapshot;
import java.util.List;
import java.util.function.Consumer;

/**
 * One request going through the units, as a small state machine whose steps the host drives in
 * this order, each step at most once except body_filter:
 * <ol>
 *   <li>{@link #runRequestPhases()}: rewrite → access → content; either a {@link LocalAnswer} or
 *       null ("go upstream", which for the edge may be the cache);</li>
 *   <li>{@link #runHeaderFilter(HostResponse)} on the response about to be sent (upstream, cache
 *       or local answer): header_filter runs, then its status, header changes and exit apply;</li>
 *   <li>{@link #runBodyFilter(byte[], boolean)} once per chunk, the last with {@code eof};</li>
 *   <li>{@link #runLog()} after the response went out.</li>
 * </ol>
 * Every OpenResty rule (what ends the request, which status and body an exit produces, what
 * header_filter sees) is decided here, so the edge and the dry run cannot drift. Each step may run
 * on any thread; {@link #blocks(Phase)} tells the host which ones make blocking Redis calls and
 * must run off an event loop. Steps for phases without units cost a check and allocate nothing.
 * Not for concurrent use: steps of one request run one after the other.
 */
public final class PipelineRun {

    private static final BodyChunk DROPPED = new BodyChunk(new byte[0], true, List.of());

    private final PhaseRunner runner;
    private final UnitSnapshot snapshot;
    private final HttpExchange exchange;
    private final RequestState state = new RequestState();
    private final Phase only;
    private final Consumer<UnitOutcome> outcomes;
    private boolean bodyDone;
    private long refuseSlowAbove;
    /** The request's location among units' {@code paths}; chosen on first use and again after each jump. */
    private Location location;
    private boolean located;

    PipelineRun(PhaseRunner runner, UnitSnapshot snapshot, HttpExchange exchange, Phase only,
                Consumer<UnitOutcome> outcomes) {
        this.runner = runner;
        this.snapshot = snapshot;
        this.exchange = exchange;
        this.only = only;
        this.outcomes = outcomes;
    }

    public UnitSnapshot snapshot() {
        return snapshot;
    }

    public HttpExchange exchange() {
        return exchange;
    }

    /** What the units left behind: ctx, body, header changes, log lines. */
    public RequestState state() {
        return state;
    }

    /**
     * True when units of {@code phase} run for this request (the snapshot has some for its host and
     * its location, and no phase filter excludes it).
     */
    public boolean runs(Phase phase) {
        return (only == null || only == phase) && snapshot.has(phase) && snapshot.has(phase, exchange.host(), location());
    }

    /**
     * The location chosen among units' {@code paths} for this request, as nginx chooses one
     * {@code location} block: by the normalised {@code $uri} once, and again by the new {@code $uri}
     * after {@code ngx.req.set_uri(uri, true)} (nginx's re-match); a {@code set_uri} without jump
     * keeps it, as in nginx. Null when no declared path matches: only units without paths run.
     */
    public Location location() {
        if (!located) {
            location = snapshot.locate(exchange.uri(), exchange.host());
            located = true;
        }
        return location;
    }

    /** True when a unit of {@code phase} calls {@code redis_client} or {@code ngx.sleep}: run that step off the event loop. */
    public boolean blocks(Phase phase) {
        return runs(phase) && snapshot.blocks(phase, exchange.host());
    }

    /**
     * True when a request phase has a unit that reads the request body: the host reads the whole
     * body ({@link HttpExchange#requestBody()}) before {@link #runRequestPhases()}, without blocking.
     */
    public boolean readsRequestBody() {
        String host = exchange.host();
        return runs(Phase.REWRITE) && snapshot.readsBody(Phase.REWRITE, host)
                || runs(Phase.ACCESS) && snapshot.readsBody(Phase.ACCESS, host)
                || runs(Phase.CONTENT) && snapshot.readsBody(Phase.CONTENT, host);
    }

    /**
     * True when an eligible unit of {@code phase} is slow for {@code thresholdNanos} (its recent
     * cost, with hysteresis: {@link io.nott.unit.runtime.UnitCost#slow}): a host with an event
     * loop runs that step off it.
     */
    public boolean slow(Phase phase, long thresholdNanos) {
        return runs(phase) && snapshot.slow(phase, exchange.host(), location(), thresholdNanos);
    }

    /** True when {@link #runRequestPhases()} has a slow unit (see {@link #slow}). */
    public boolean requestPhasesSlow(long thresholdNanos) {
        return slow(Phase.REWRITE, thresholdNanos) || slow(Phase.ACCESS, thresholdNanos)
                || slow(Phase.CONTENT, thresholdNanos);
    }

    /**
     * From now on, units slow for {@code thresholdNanos} are not run in this request's rewrite,
     * access, content and header_filter steps (outcome {@code overloaded}, their failure policy
     * applies): the host could not move the step off its event loop and will run it inline.
     */
    public void refuseSlow(long thresholdNanos) {
        this.refuseSlowAbove = thresholdNanos;
    }

    /** True when rewrite, access or content have units to run. */
    public boolean hasRequestPhases() {
        return runs(Phase.REWRITE) || runs(Phase.ACCESS) || runs(Phase.CONTENT);
    }

    /** True when {@link #runRequestPhases()} makes blocking Redis calls. */
    public boolean requestPhasesBlock() {
        return blocks(Phase.REWRITE) || blocks(Phase.ACCESS) || blocks(Phase.CONTENT);
    }

    /**
     * True when a request phase that runs has a unit that may {@code ngx.sleep}: the step must
     * wait on a thread of its own; one that only waits for Redis can suspend on its event loop
     * ({@link io.nott.unit.runtime.LoopStep}).
     */
    public boolean requestPhasesSleep() {
        return runs(Phase.REWRITE) && snapshot.sleeps(Phase.REWRITE) || runs(Phase.ACCESS) && snapshot.sleeps(Phase.ACCESS)
                || runs(Phase.CONTENT) && snapshot.sleeps(Phase.CONTENT);
    }

    /**
     * Step 1: rewrite, access and content in order. A phase ends the request with
     * <ul>
     *   <li>{@code ngx.exit(status)}, {@code ngx.redirect}, a {@code closed} failure (500): nginx's
     *       answer for the status ({@link ErrorPages#exit});</li>
     *   <li>a body written with {@code ngx.say}/{@code ngx.print} (in rewrite/access as soon as the
     *       unit returns, in content after every content unit): that body as {@code text/plain}
     *       (nginx's {@code default_type}) with {@code ngx.status}, else the exit status, else 200.</li>
     * </ul>
     * Content units that write nothing let the request go upstream (unlike nginx's
     * {@code content_by_lua}, which replaces {@code proxy_pass}): a content unit answers only the
     * requests it wants to.
     *
     * @return the local answer, or null to go upstream
     */
    public LocalAnswer runRequestPhases() {
        LocalAnswer answer = requestPhase(Phase.REWRITE);
        // ngx.req.set_uri(uri, true): nginx re-matches locations and runs rewrite again, at most
        // NGX_HTTP_MAX_URI_CHANGES (10) times; the 11th change is its "rewrite or internal redirection cycle" 500.
        for (int changes = 1; answer == null && state.takeJump(); changes++) {
            if (changes > MAX_URI_CHANGES) {
                return ErrorPages.exit(500, state.status());
            }
            location = snapshot.locate(state.uri(), exchange.host());
            located = true;
            answer = requestPhase(Phase.REWRITE);
        }
        if (answer == null) {
            answer = requestPhase(Phase.ACCESS);
        }
        if (answer == null) {
            answer = requestPhase(Phase.CONTENT);
        }
        return answer;
    }

    private static final int MAX_URI_CHANGES = 10;

    private LocalAnswer requestPhase(Phase phase) {
        if (!runs(phase)) {
            return null;
        }
        PhaseResult r = runner.run(snapshot, phase, exchange, state, refuseSlowAbove, location());
        report(r.outcomes());
        return switch (r.action()) {
            case CONTINUE -> null;
            case EXIT -> ErrorPages.exit(r.status(), state.status());
            case RESPONSE -> new LocalAnswer(r.status(), "text/plain", state.body());
        };
    }

    /**
     * Step 2, on every response (upstream, cache hit, error, local answer). header_filter units see
     * this response: {@code ngx.status} is its status (a status units set before going upstream is
     * replaced by the upstream's, as in nginx), {@code ngx.header} its headers under the changes
     * units made. Then their status applies; {@code ngx.exit(status)} in header_filter replaces the
     * response with nginx's answer for that status; and every header change units made in any
     * phase so far is applied to the response.
     */
    public void runHeaderFilter(HostResponse response) {
        state.response(response);
        int conditional = NotModified.check(response.status(), exchange, effectiveHeader(response, "ETag"),
                effectiveHeader(response, "Last-Modified"));
        if (conditional == 304) {
            response.status(304);
            response.replaceBody(null, new byte[0]);
        } else if (conditional == 412) {
            LocalAnswer page = ErrorPages.exit(412, 0);
            response.status(412);
            response.replaceBody(page.contentType(), page.body());
        }
        state.setStatus(response.status());
        if (runs(Phase.HEADER_FILTER)) {
            PhaseResult r = runner.run(snapshot, Phase.HEADER_FILTER, exchange, state, refuseSlowAbove, location());
            report(r.outcomes());
            if (r.action() == PhaseResult.Action.EXIT) {
                LocalAnswer page = ErrorPages.exit(r.status(), 0);
                response.replaceBody(page.contentType(), page.body());
                state.setStatus(page.status());
            }
            if (state.status() != response.status()) {
                response.status(state.status());
            }
        }
        List<RequestState.HeaderChange> changes = state.headerChanges();
        for (int i = 0; i < changes.size(); i++) {
            RequestState.HeaderChange change = changes.get(i);
            if (change.removed()) {
                response.removeHeader(change.name());
            } else {
                response.setHeader(change.name(), change.values());
            }
        }
    }

    /** A response header as it will be sent: the units' change if they made one, else the response's. */
    private String effectiveHeader(HostResponse response, String name) {
        RequestState.HeaderChange change = state.headerChange(name);
        if (change != null) {
            return change.removed() ? null : change.values().get(0);
        }
        return response.header(name);
    }

    /**
     * Step 3, per chunk of the response body ({@code ngx.arg[1]}, {@code ngx.arg[2]}). Once a
     * unit set {@code ngx.arg[2] = true}, later chunks are dropped (an empty last chunk comes back).
     * A failing filter leaves its chunk unchanged under either failure policy: the status is sent.
     */
    public BodyChunk runBodyFilter(byte[] chunk, boolean eof) {
        if (bodyDone) {
            return DROPPED;
        }
        BodyChunk out = runner.runBodyFilter(snapshot, exchange, state, chunk, eof, location());
        report(out.outcomes());
        bodyDone = out.eof();
        return out;
    }

    /**
     * Step 3 for a local answer's whole body ({@link LocalAnswer#body()}): body_filter sees it as
     * nginx passes it, one chunk per {@code ngx.say}/{@code ngx.print} call and then an empty
     * last chunk with {@code eof}; an exit page (no such calls) is one chunk with {@code eof}. A
     * unit setting {@code ngx.arg[2] = true} drops the rest. Returns the filtered body.
     */
    public BodyChunk runBodyFilterOnLocalBody(byte[] body) {
        List<Integer> ends = state.bodyChunkEnds();
        if (ends.isEmpty() || ends.get(ends.size() - 1) != body.length) {
            return runBodyFilter(body, true);
        }
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(body.length + 64);
        List<UnitOutcome> all = new java.util.ArrayList<>();
        int start = 0;
        for (int end : ends) {
            BodyChunk piece = runBodyFilter(java.util.Arrays.copyOfRange(body, start, end), false);
            out.writeBytes(piece.data());
            all.addAll(piece.outcomes());
            start = end;
        }
        BodyChunk last = runBodyFilter(new byte[0], true);
        out.writeBytes(last.data());
        all.addAll(last.outcomes());
        return new BodyChunk(out.toByteArray(), true, all);
    }

    /**
     * Between step 1 and 2, once per upstream attempt (retries call it again): balancer units
     * choose the attempt's peer, further tries and timeouts with {@code ngx.balancer}
     * ({@code balancer_by_lua}). Runs on the caller's thread; balancer units cannot call Redis.
     *
     * @return 0 to go on with the attempt, or the status to end the request with
     *         ({@code ngx.exit(status)}, or 500 for a {@code closed} unit that failed)
     */
    public int runBalancer(BalancerAttempt attempt) {
        if (!runs(Phase.BALANCER)) {
            return 0;
        }
        state.balancer(attempt);
        try {
            PhaseResult r = runner.run(snapshot, Phase.BALANCER, exchange, state, refuseSlowAbove);
            report(r.outcomes());
            return r.action() == PhaseResult.Action.EXIT && r.status() >= 400 ? r.status() : 0;
        } finally {
            state.balancer(null);
        }
    }

    /** Step 4, after the response was sent. Exits and failures here change nothing. */
    public void runLog() {
        if (runs(Phase.LOG)) {
            report(runner.run(snapshot, Phase.LOG, exchange, state, 0, location()).outcomes());
        }
    }

    private void report(List<UnitOutcome> list) {
        for (int i = 0; i < list.size(); i++) {
            outcomes.accept(list.get(i));
        }
    }
}
