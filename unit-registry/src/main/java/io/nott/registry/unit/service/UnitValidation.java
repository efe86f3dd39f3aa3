package io.nott.registry.unit.service;

import io.nott.registry.config.RegistryConfig;
import io.nott.registry.error.Problem;
import io.nott.registry.error.RegistryException;
import io.nott.registry.unit.UnitBudget;
import io.nott.registry.unit.UnitRequest;
import io.nott.registry.unit.UnitSpec;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Checks a unit as written and normalises it into a {@link UnitSpec}. Lua is compiled, never
 * executed. Every problem is reported with its field, not only the first one.
 */
@ApplicationScoped
public class UnitValidation {

    public static final Pattern ID = Pattern.compile("[a-z0-9][a-z0-9._-]{0,63}");
    private static final Pattern HOST = Pattern.compile("[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*(:\\d{1,5})?");
    private static final Pattern VARIABLE = Pattern.compile("[a-z_][a-z0-9_]{0,63}");

    private final RegistryConfig config;
    private final MeterRegistry meters;

    public UnitValidation(RegistryConfig config, MeterRegistry meters) {
        this.config = config;
        this.meters = meters;
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
        if (id == null || !ID.matcher(id).matches()) {
            problems.add(new Problem("id", "id must match " + ID.pattern() + " (lower case, digits, . _ -; at most 64)"));
        }
        if (pathId != null && request.id() != null && !request.id().equals(pathId)) {
            problems.add(new Problem("id", "id in the body (" + request.id() + ") differs from the path (" + pathId + ")"));
        }
        if (request.phase() == null || request.phase().isBlank()) {
            problems.add(new Problem("phase", "phase is required: one of " + Phases.ALL));
        } else if (Phases.normalise(request.phase()).isEmpty()) {
            problems.add(new Problem("phase", "unknown phase '" + request.phase() + "'; use one of " + Phases.ALL
                    + " (or the *_by_lua_block spelling)"));
        }
        if (request.code() == null || request.code().isBlank()) {
            problems.add(new Problem("code", "code is required (Lua source)"));
        } else {
            int bytes = request.code().getBytes(StandardCharsets.UTF_8).length;
            if (bytes > config.maxCodeBytes()) {
                problems.add(new Problem("code", "code is " + bytes + " bytes; the limit is " + config.maxCodeBytes()));
            } else {
                LuaCheck.compile(id == null ? "unit" : id, request.code()).ifPresent(problems::add);
            }
        }
        if (request.sampling() != null && (request.sampling() < 0 || request.sampling() > 100)) {
            problems.add(new Problem("sampling", "sampling is a percentage: 0 to 100, got " + request.sampling()));
        }
        if (request.samplingKey() != null && !VARIABLE.matcher(request.samplingKey()).matches()) {
            problems.add(new Problem("samplingKey", "samplingKey must be an nginx variable name such as remote_addr"));
        }
        hostProblems(request.hosts(), problems);
        if (request.failure() != null && !List.of("open", "closed").contains(request.failure().toLowerCase(Locale.ROOT))) {
            problems.add(new Problem("failure", "failure must be open or closed, got '" + request.failure() + "'"));
        }
        budgetProblems(request.budget(), problems);
        return count(problems);
    }

    /** Problems of a hosts list (also used by PATCH). */
    public void hostProblems(List<String> hosts, List<Problem> problems) {
        if (hosts == null) {
            return;
        }
        for (int i = 0; i < hosts.size(); i++) {
            String host = hosts.get(i);
            String field = "hosts[" + i + "]";
            if (host == null || host.isBlank()) {
                problems.add(new Problem(field, "a host pattern must not be empty"));
            } else if (host.startsWith("~")) {
                try {
                    Pattern.compile(host.substring(1));
                } catch (PatternSyntaxException e) {
                    problems.add(new Problem(field, "regex does not compile: " + e.getDescription()
                            + " near index " + e.getIndex()));
                }
            } else if (!HOST.matcher(host.startsWith("*.") ? host.substring(2) : host).matches()) {
                problems.add(new Problem(field, "'" + host + "' is neither a host name, *.suffix nor ~regex"));
            }
        }
    }

    private void budgetProblems(UnitRequest.Budget budget, List<Problem> problems) {
        if (budget == null) {
            return;
        }
        RegistryConfig.Budget bounds = config.budget();
        if (budget.instructions() != null && (budget.instructions() < 1 || budget.instructions() > bounds.maxInstructions())) {
            problems.add(new Problem("budget.instructions", "instructions must be 1 to " + bounds.maxInstructions()));
        }
        if (budget.wallMillis() != null && (budget.wallMillis() < 1 || budget.wallMillis() > bounds.maxWallMillis())) {
            problems.add(new Problem("budget.wallMillis", "wallMillis must be 1 to " + bounds.maxWallMillis()));
        }
    }

    private UnitSpec normalise(String pathId, UnitRequest r) {
        RegistryConfig.Budget bounds = config.budget();
        UnitRequest.Budget b = r.budget();
        UnitBudget budget = new UnitBudget(
                b == null || b.instructions() == null ? bounds.defaultInstructions() : b.instructions(),
                b == null || b.wallMillis() == null ? bounds.defaultWallMillis() : b.wallMillis());
        return new UnitSpec(pathId != null ? pathId : r.id(), Phases.normalise(r.phase()).orElseThrow(), r.code(),
                r.hosts() == null ? List.of() : r.hosts(), r.sampling() == null ? 100 : r.sampling(), r.samplingKey(),
                r.order() == null ? 0 : r.order(), r.enabled() == null || r.enabled(), budget,
                r.failure() == null ? "open" : r.failure().toLowerCase(Locale.ROOT));
    }

    private List<Problem> count(List<Problem> problems) {
        problems.forEach(p -> failed(p.field()));
        return problems;
    }

    private void failed(String field) {
        meters.counter("registry.validation.failures", "field", field == null ? "body" : field.replaceAll("\\[\\d+]", ""))
                .increment();
    }
}
