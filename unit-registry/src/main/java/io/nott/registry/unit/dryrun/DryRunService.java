package io.nott.registry.unit.dryrun;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.nott.registry.dict.repository.SharedDictRepository;
import io.nott.registry.error.RegistryException;
import io.nott.registry.unit.LegacyUnit;
import io.nott.registry.unit.StoredUnit;
import io.nott.registry.unit.UnitMapping;
import io.nott.registry.unit.UnitSpec;
import io.nott.registry.unit.repository.LegacyRepository;
import io.nott.registry.unit.repository.UnitRepository;
import io.nott.registry.unit.service.UnitValidation;
import io.nott.unit.model.ComputingUnit;
import io.nott.unit.model.Phase;
import io.nott.unit.pipeline.BufferedResponse;
import io.nott.unit.pipeline.PipelineRun;
import io.nott.unit.pipeline.RequestPipeline;
import io.nott.unit.runtime.InMemoryUnitRedisClient;
import io.nott.unit.runtime.PhaseRunner;
import io.nott.unit.runtime.RequestState;
import io.nott.unit.runtime.RunnerSettings;
import io.nott.unit.runtime.SimulatedExchange;
import io.nott.unit.runtime.UnitOutcome;
import io.nott.unit.runtime.UnitSnapshot;
import io.nott.unit.sandbox.UnitCompilationException;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Runs units against a sample request through unit-core's {@link RequestPipeline}, the one the
 * edges use, like CloudFront's TestFunction: the sample upstream response is what "go upstream"
 * returns, so status, body and headers are what an edge would answer. Nothing is stored: the
 * units' {@code redis_client} gets a fresh in-memory store per run, and no meters of the edge's
 * kind are recorded. The {@code phase} filter runs only that phase's units.
 */
@ApplicationScoped
public class DryRunService {

    private final UnitRepository units;
    private final LegacyRepository legacy;
    private final UnitValidation validation;
    private final Clock clock;
    private final MeterRegistry meters;
    private final RunnerSettings settings;
    private final DryRunGate gate;
    private final SharedDictRepository dicts;

    public DryRunService(UnitRepository units, LegacyRepository legacy, UnitValidation validation, Clock clock,
            MeterRegistry meters, RunnerSettings settings, DryRunGate gate, SharedDictRepository dicts) {
        this.dicts = dicts;
        this.settings = settings;
        this.gate = gate;
        this.units = units;
        this.legacy = legacy;
        this.validation = validation;
        this.clock = clock;
        this.meters = meters;
    }

    public DryRunResult run(DryRunRequest request) {
        return run(request, null);
    }

    /**
     * As {@link #run(DryRunRequest)}; {@code version} {@code canary} runs units' canary versions
     * (the unit under test must have one), {@code stable} their stable ones, null splits each
     * request as an edge does (by the canary's key in the sample request).
     */
    public DryRunResult run(DryRunRequest request, String version) {
        if (version != null && !version.equals("canary") && !version.equals("stable")) {
            throw RegistryException.badRequest("version", "version must be canary or stable (or left out to split "
                    + "as an edge does), got '" + version + "'");
        }
        if (request == null) {
            throw RegistryException.badRequest(null, "Send {unit | unitId | chain, request}");
        }
        // Everything a dry run does runs inside the gate, its Redis reads included (the stored
        // chain, dicts, a unit by id): 100 concurrent dry runs reading Redis before the gate
        // exhausted the Redis client's connection pool (its wait queue holds 24), and readiness,
        // which needs a connection too, went DOWN with it (issue #15, DryRunLoadIT).
        DryRunResult result = gate.run(() -> prepareAndExecute(request, version));
        Counter.builder("registry.dryruns").description("Dry runs answered, by the outcome of the unit under test")
                .tag("outcome", result.outcome()).register(meters).increment();
        return result;
    }

    private DryRunResult prepareAndExecute(DryRunRequest request, String version) {
        boolean chain = Boolean.TRUE.equals(request.chain());
        Phase only = request.phase() == null ? null : parsePhase(request.phase());
        Map<String, ComputingUnit> selected = new LinkedHashMap<>();
        if (chain) {
            storedChain().forEach(u -> selected.put(u.id(), u));
        } else {
            // A unit alone still sees the stored module and init units, as it would on an edge.
            storedChain().stream().filter(u -> !u.phase().perRequest()).forEach(u -> selected.put(u.id(), u));
        }
        ComputingUnit focus = focus(request);
        if (focus == null && !chain) {
            throw RegistryException.badRequest("unit", "Give an inline unit, a unitId, or chain: true");
        }
        if (focus != null) {
            if ("canary".equals(version) && focus.canary() == null) {
                throw RegistryException.badRequest("version", "Unit " + focus.id() + " has no canary; "
                        + "leave version out or give the unit a canary");
            }
            // the unit under test runs even when it is switched off in the registry
            selected.put(focus.id(), focus.withEnabled(true));
        }
        if (version != null) {
            selected.replaceAll((id, u) -> u.canary() == null ? u
                    : version.equals("canary") ? u.canaryUnit() : u.withCanary(null));
        }
        // The declared dicts, empty and in memory for this run only (the run's own PhaseRunner):
        // a unit sees ngx.shared.<name> as on an edge, without touching any edge's data.
        UnitSnapshot snapshot = UnitSnapshot.build(0, selected.values()).withSharedDicts(dicts.list().dicts());
        return execute(snapshot, only, request.request(), request.response(), focus);
    }

    private ComputingUnit focus(DryRunRequest request) {
        if (request.unit() != null) {
            String pathId = request.unit().id() == null ? "draft" : null;
            UnitSpec spec = validation.validate(pathId, request.unit());
            return UnitMapping.toCore(spec, 0, clock.instant(), "dry-run", false);
        }
        if (request.unitId() != null) {
            Optional<StoredUnit> stored = units.find(request.unitId());
            if (stored.isPresent()) {
                return UnitMapping.toCore(stored.get());
            }
            LegacyUnit old = legacy.find(request.unitId()).orElseThrow(() -> RegistryException.notFound("No unit "
                    + request.unitId()));
            if (old.spec() == null) {
                throw RegistryException.badRequest("unitId", "Legacy unit " + old.id() + " cannot run: " + old.problem());
            }
            return UnitMapping.toCore(old.spec(), 0, null, null, true);
        }
        return null;
    }

    /** What an edge would load right now: registry units, plus legacy units no registry unit shadows. */
    private List<ComputingUnit> storedChain() {
        List<ComputingUnit> chain = new ArrayList<>();
        for (StoredUnit u : units.list().units()) {
            chain.add(UnitMapping.toCore(u));
        }
        for (LegacyUnit l : legacy.list()) {
            if (l.spec() != null && chain.stream().noneMatch(u -> u.id().equals(l.id()))) {
                chain.add(UnitMapping.toCore(l.spec(), 0, null, null, true));
            }
        }
        return chain;
    }

    /**
     * Runs unit-core's request pipeline with the sample upstream response plugged in as "the
     * upstream": the same steps, in the same order, as on an edge; body_filter sees the whole
     * body as one chunk.
     */
    private DryRunResult execute(UnitSnapshot snapshot, Phase only, DryRunRequest.SampleRequest sampleRequest,
            DryRunRequest.SampleResponse sampleResponse, ComputingUnit focus) {
        DryRunRequest.SampleResponse upstream = sampleResponse == null
                ? new DryRunRequest.SampleResponse(200, Map.of(), "") : sampleResponse;
        int upstreamStatus = upstream.status() == null ? 200 : upstream.status();
        SimulatedExchange exchange = exchange(sampleRequest);
        // The run's calls reserve memory from the gate's admission as an edge's calls do from the node's.
        PhaseRunner runner = new PhaseRunner(settings, null, clock, new InMemoryUnitRedisClient(clock), gate.memory());
        RequestPipeline pipeline = new RequestPipeline(runner);
        // Init units first, once, as an edge runs them when it loads the snapshot; their failures show.
        List<UnitOutcome> outcomes = new ArrayList<>(runner.prepare(snapshot));
        PipelineRun run = pipeline.start(snapshot, exchange, only, outcomes::add);
        BufferedResponse response = pipeline.run(run, () -> {
            Map<String, List<String>> headers = new LinkedHashMap<>();
            if (upstream.headers() != null) {
                upstream.headers().forEach((k, v) -> headers.put(k, List.of(v)));
            }
            return new BufferedResponse(upstreamStatus, headers,
                    upstream.body() == null ? new byte[0] : upstream.body().getBytes(StandardCharsets.UTF_8));
        });
        return result(snapshot, focus, exchange, run.state(), outcomes, response.status(), response.headers(),
                response.body());
    }

    /**
     * The sample request only: the sample response reaches units through the pipeline, as the
     * upstream's does on an edge, so before it exists (rewrite, access, content) {@code ngx.status}
     * is 0 and response headers are nil there too.
     */
    private static SimulatedExchange exchange(DryRunRequest.SampleRequest r) {
        SimulatedExchange.Builder b = SimulatedExchange.builder();
        if (r != null) {
            if (r.method() != null && !r.method().isBlank()) {
                b.method(r.method().strip().toUpperCase(java.util.Locale.ROOT));
            }
            if (r.uri() != null && !r.uri().isBlank()) {
                if (!r.uri().startsWith("/")) {
                    throw RegistryException.badRequest("request.uri", "uri must start with /, e.g. /hls/live.m3u8?a=1");
                }
                try {
                    java.net.URI.create(r.uri());
                } catch (IllegalArgumentException e) {
                    throw RegistryException.badRequest("request.uri", "uri is not a valid request target: "
                            + e.getMessage());
                }
                b.target(r.uri());
            }
            if (r.headers() != null) {
                r.headers().forEach(b::header);
            }
            if (r.clientAddress() != null && !r.clientAddress().isBlank()) {
                b.remoteAddress(r.clientAddress().strip());
            }
            if (r.variables() != null) {
                r.variables().forEach(b::variable);
            }
            if (r.body() != null && !r.body().isEmpty()) {
                byte[] body = r.body().getBytes(StandardCharsets.UTF_8);
                b.body(body);
                if (r.headers() == null || r.headers().keySet().stream().noneMatch(h -> h.equalsIgnoreCase("Content-Length"))) {
                    b.header("Content-Length", Integer.toString(body.length));
                }
            }
        }
        return b.build();
    }

    private static DryRunResult result(UnitSnapshot snapshot, ComputingUnit focus, SimulatedExchange exchange,
            RequestState state, List<UnitOutcome> outcomes, int status, Map<String, List<String>> headers, byte[] body) {
        long nanos = 0;
        long instructions = 0;
        List<DryRunResult.UnitCall> calls = new ArrayList<>();
        for (UnitOutcome o : outcomes) {
            nanos += o.durationNanos();
            instructions += o.instructions();
            calls.add(new DryRunResult.UnitCall(o.unitId(), o.phase().luaName(), o.kind().wireName(),
                    o.durationNanos() / 1000, o.instructions(), o.status() == 0 ? null : o.status(), o.problem()));
        }
        List<String> logs = state.logs().stream()
                .map(l -> "[" + l.levelName() + "] " + l.unitId() + ": " + l.message()).toList();
        Map<String, String> compileErrors = new LinkedHashMap<>();
        for (Map.Entry<String, UnitCompilationException> e : snapshot.errors().entrySet()) {
            compileErrors.put(e.getKey(), (e.getValue().line() > 0 ? "line " + e.getValue().line() + ": " : "")
                    + e.getValue().detail());
        }
        Map<String, List<String>> requestHeaders = new LinkedHashMap<>();
        exchange.requestHeaders().forEach(h -> requestHeaders.computeIfAbsent(h.getKey(), k -> new ArrayList<>())
                .add(h.getValue()));
        String outcome = outcome(focus, outcomes, compileErrors);
        return new DryRunResult(status, headers, new String(body, StandardCharsets.UTF_8), logs, outcome, nanos / 1000,
                instructions, calls, compileErrors, requestHeaders);
    }

    /** The worst thing that happened to the unit under test (or to any unit of a chain). */
    private static String outcome(ComputingUnit focus, List<UnitOutcome> outcomes, Map<String, String> compileErrors) {
        if (focus != null && compileErrors.containsKey(focus.id())) {
            return "compile_error";
        }
        List<UnitOutcome.Kind> order = List.of(UnitOutcome.Kind.ERROR, UnitOutcome.Kind.TIMEOUT,
                UnitOutcome.Kind.BREAKER_OPEN, UnitOutcome.Kind.OVERLOADED, UnitOutcome.Kind.EXIT, UnitOutcome.Kind.OK, UnitOutcome.Kind.SKIPPED);
        List<UnitOutcome> relevant = outcomes.stream().filter(o -> focus == null || o.unitId().equals(focus.id()))
                .toList();
        for (UnitOutcome.Kind kind : order) {
            if (relevant.stream().anyMatch(o -> o.kind() == kind)) {
                return kind.wireName();
            }
        }
        return "not_run";
    }

    private static Phase parsePhase(String phase) {
        try {
            return Phase.parse(phase);
        } catch (IllegalArgumentException e) {
            throw RegistryException.badRequest("phase", e.getMessage());
        }
    }
}
