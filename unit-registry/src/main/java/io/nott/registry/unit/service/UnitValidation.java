package io.nott.registry.unit.service;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.nott.registry.config.RegistryConfig;
import io.nott.registry.error.Problem;
import io.nott.registry.error.RegistryException;
import io.nott.registry.unit.UnitRequest;
import io.nott.registry.unit.UnitSpec;
import io.nott.unit.model.Budget;
import io.nott.unit.model.Canary;
import io.nott.unit.model.ComputingUnit;
import io.nott.unit.model.FailurePolicy;
import io.nott.unit.model.FieldError;
import io.nott.unit.model.Phase;
import io.nott.unit.model.ValidationLimits;
import io.nott.unit.validation.UnitValidator;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Checks a unit as written and normalises it into a {@link UnitSpec}. The rules are
 * unit-core's {@link UnitValidator} (the edges' own), with the limits from the registry's
 * configuration; Lua is compiled, never executed. Every problem is reported with its field.
 */
@ApplicationScoped
public class UnitValidation {

    public static final Pattern ID = UnitValidator.ID;

    private final RegistryConfig config;
    private final MeterRegistry meters;
    private final UnitValidator validator;

    public UnitValidation(RegistryConfig config, MeterRegistry meters) {
        this.config = config;
        this.meters = meters;
        this.validator = new UnitValidator(new ValidationLimits(config.maxCodeBytes(),
                config.budget().maxInstructions(), config.budget().maxWallMillis(), config.maxHosts(),
                config.maxPaths()));
    }

    /** The normalised unit, or a 413 (code too large) / 400 (every other problem) exception. */
    public UnitSpec validate(String pathId, UnitRequest request) {
        checkSize(request);
        List<Problem> problems = problems(pathId, request);
        if (!problems.isEmpty()) {
            throw RegistryException.invalid(problems);
        }
        return normalise(pathId, request);
    }

    /** A 413 when the code is larger than {@code registry.max-code-bytes}. */
    public void checkSize(UnitRequest request) {
        if (request != null && request.code() != null) {
            int bytes = request.code().getBytes(StandardCharsets.UTF_8).length;
            if (bytes > config.maxCodeBytes()) {
                failed("code");
                throw RegistryException.tooLarge("code", "code is " + bytes + " bytes; the limit is "
                        + config.maxCodeBytes() + " bytes (registry.max-code-bytes)");
            }
        }
    }

    /** Every problem of the unit; empty when it is valid. */
    public List<Problem> problems(String pathId, UnitRequest request) {
        List<Problem> problems = new ArrayList<>();
        if (request == null) {
            problems.add(new Problem(null, "Send the unit as a JSON object"));
            return count(problems);
        }
        String id = pathId != null ? pathId : request.id();
        if (pathId != null && request.id() != null && !request.id().equals(pathId)) {
            problems.add(new Problem("id", "id in the body (" + request.id() + ") differs from the path (" + pathId + ")"));
        }
        Phase phase = Phase.ACCESS;
        try {
            phase = Phase.parse(request.phase());
        } catch (IllegalArgumentException e) {
            problems.add(new Problem("phase", e.getMessage()));
        }
        FailurePolicy failure = FailurePolicy.OPEN;
        if (request.failure() != null) {
            try {
                failure = FailurePolicy.parse(request.failure());
            } catch (IllegalArgumentException e) {
                problems.add(new Problem("failure", e.getMessage()));
            }
        }
        long instructions = askedInstructions(request);
        long wallMillis = askedWallMillis(request);
        if (instructions < 1) {
            problems.add(new Problem("budget.instructions", "must be at least 1, got " + instructions));
        }
        if (wallMillis < 1) {
            problems.add(new Problem("budget.wallMillis", "must be at least 1 ms, got " + wallMillis));
        }
        // an invalid half is replaced by its configured default so the other half is still checked against its bound
        Budget budget = new Budget(instructions < 1 ? config.budget().defaultInstructions() : instructions,
                wallMillis < 1 ? config.budget().defaultWallMillis() : wallMillis);
        ComputingUnit unit = UnitSpec.builder(id == null ? "" : id, phase, request.code() == null ? "" : request.code())
                .hosts(withoutNulls("hosts", request.hosts(), problems))
                .paths(withoutNulls("paths", request.paths(), problems))
                .sampling(request.sampling() == null ? 100 : request.sampling())
                .samplingKey(request.samplingKey())
                .order(request.order() == null ? 0 : request.order())
                .budget(budget)
                .failure(failure)
                .canary(canary(request))
                .build().toCore(0, null, null, false);
        for (FieldError error : validator.validate(unit)) {
            problems.add(toProblem(error));
        }
        if (request.rollout() != null) {
            if (request.canary() == null) {
                problems.add(new Problem("rollout", "a rollout plan needs a canary to roll out; add canary or drop rollout"));
            }
            for (String p : request.rollout().problems()) {
                int colon = p.indexOf(':');
                problems.add(new Problem(p.substring(0, colon), p));
            }
        }
        return count(problems);
    }

    /** Problems of a hosts list, a paths list and sampling (PATCH), by the same rules. */
    public List<Problem> patchProblems(String id, List<String> hosts, List<String> paths, Integer sampling) {
        List<Problem> problems = new ArrayList<>();
        // only hosts, paths and sampling can be wrong here: the rest of the probe is a valid unit
        ComputingUnit probe = ComputingUnit.of(id, Phase.ACCESS, "local _ = 1")
                .withHosts(withoutNulls("hosts", hosts, problems))
                .withPaths(withoutNulls("paths", paths, problems))
                .withSampling(sampling == null ? 100 : sampling, null);
        validator.validate(probe).forEach(e -> problems.add(toProblem(e)));
        return count(problems);
    }

    private static List<String> withoutNulls(String field, List<String> patterns, List<Problem> problems) {
        if (patterns == null) {
            return List.of();
        }
        // List.of(...).contains(null) throws, so look for nulls by stream
        if (patterns.stream().anyMatch(Objects::isNull)) {
            problems.add(new Problem(field, (field.equals("hosts") ? "host patterns" : "paths")
                    + " must be strings, found null"));
            return patterns.stream().filter(Objects::nonNull).toList();
        }
        return patterns;
    }

    /** unit-core's messages read after the field name; a Lua error keeps its line as a field. */
    private static Problem toProblem(FieldError error) {
        return new Problem(error.field(), error.field() + " " + error.message(), error.line());
    }

    private long askedInstructions(UnitRequest r) {
        UnitRequest.Budget b = r.budget();
        return b == null || b.instructions() == null ? config.budget().defaultInstructions() : b.instructions();
    }

    private long askedWallMillis(UnitRequest r) {
        UnitRequest.Budget b = r.budget();
        return b == null || b.wallMillis() == null ? config.budget().defaultWallMillis() : b.wallMillis();
    }

    /** The unit of a request that {@link #problems} found none in (a bulk apply checks all units first). */
    public UnitSpec normalised(String pathId, UnitRequest r) {
        return normalise(pathId, r);
    }

    /** Only called once {@link #problems} found none, so every parse succeeds. */
    private UnitSpec normalise(String pathId, UnitRequest r) {
        return UnitSpec.builder(pathId != null ? pathId : r.id(), Phase.parse(r.phase()), r.code())
                .hosts(r.hosts())
                .paths(r.paths())
                .sampling(r.sampling() == null ? 100 : r.sampling())
                .samplingKey(r.samplingKey())
                .order(r.order() == null ? 0 : r.order())
                .enabled(r.enabled() == null || r.enabled())
                .budget(new Budget(askedInstructions(r), askedWallMillis(r)))
                .failure(r.failure() == null ? FailurePolicy.OPEN : FailurePolicy.parse(r.failure()))
                .canary(canary(r))
                .build();
    }

    /** The canary as unit-core's type, unstamped (version 0); a missing code is checked as an empty one. */
    private static Canary canary(UnitRequest r) {
        UnitRequest.Canary c = r.canary();
        if (c == null) {
            return null;
        }
        return new Canary(c.code() == null ? "" : c.code(), c.percent() == null ? 0 : c.percent(), c.key(), 0);
    }

    private List<Problem> count(List<Problem> problems) {
        problems.forEach(p -> failed(p.field()));
        return problems;
    }

    private void failed(String field) {
        Counter.builder("registry.validation.failures").description("Problems found in submitted units, by field")
                .tag("field", field == null ? "body" : field.replaceAll("\\[\\d+]", "").toLowerCase(Locale.ROOT))
                .register(meters).increment();
    }
}
