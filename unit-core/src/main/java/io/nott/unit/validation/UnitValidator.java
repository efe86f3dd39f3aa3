package io.nott.unit.validation;

import io.nott.unit.model.Budget;
import io.nott.unit.model.Canary;
import io.nott.unit.model.ComputingUnit;
import io.nott.unit.model.FieldError;
import io.nott.unit.model.PathScope;
import io.nott.unit.model.Phase;
import io.nott.unit.model.ValidationLimits;
import io.nott.unit.sandbox.BundledNames;
import io.nott.unit.sandbox.UnitCompilationException;
import io.nott.unit.runtime.re.LocationRegex;
import io.nott.unit.sandbox.UnitCompiler;
import io.nott.unit.sandbox.YieldingApis;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Checks a unit before it is stored. Never executes the code: Lua is only compiled.
 * Returns every problem at once so an operator can fix them in one round.
 *
 * <p>Lives apart from {@code model} because it uses the sandbox's compiler, and the sandbox
 * compiles model types: in {@code model} it would tie the two packages into a cycle.
 */
public final class UnitValidator {

    /** The id pattern from the design brief. */
    public static final Pattern ID = Pattern.compile("[a-z0-9][a-z0-9._-]{0,63}");
    private static final Pattern HOST = Pattern.compile("[A-Za-z0-9]([A-Za-z0-9-]{0,62})(\\.[A-Za-z0-9]([A-Za-z0-9-]{0,62}))*\\.?(:\\d{1,5})?");
    private static final Pattern VARIABLE = Pattern.compile("[a-z_][a-z0-9_]{0,63}");

    private final ValidationLimits limits;

    public UnitValidator(ValidationLimits limits) {
        this.limits = limits;
    }

    public UnitValidator() {
        this(ValidationLimits.DEFAULT);
    }

    public ValidationLimits limits() {
        return limits;
    }

    /** @return empty when the unit is valid */
    public List<FieldError> validate(ComputingUnit unit) {
        List<FieldError> errors = new ArrayList<>();
        validateId(unit.id()).ifPresent(errors::add);
        if (unit.sampling() < 0 || unit.sampling() > 100) {
            errors.add(new FieldError("sampling", "must be a percentage from 0 to 100, got " + unit.sampling()));
        }
        if (unit.samplingKey() != null && !VARIABLE.matcher(unit.samplingKey()).matches()) {
            errors.add(new FieldError("samplingKey",
                    "must be an nginx variable name such as remote_addr or cookie_session, got '" + unit.samplingKey() + "'"));
        }
        validateHosts(unit.hosts(), errors);
        validatePaths(unit.paths(), errors);
        Budget b = unit.budget();
        if (b.instructions() > limits.maxInstructions()) {
            errors.add(new FieldError("budget.instructions",
                    "must be at most " + limits.maxInstructions() + ", got " + b.instructions()));
        }
        if (b.wallMillis() > limits.maxWallMillis()) {
            errors.add(new FieldError("budget.wallMillis",
                    "must be at most " + limits.maxWallMillis() + " ms, got " + b.wallMillis()));
        }
        validateCode(unit, errors);
        validateLibraryPhases(unit, errors);
        validateCanary(unit, errors);
        validateBalancer(unit, errors);
        return List.copyOf(errors);
    }

    /** Checks an id alone (the registry checks path ids before it reads a body). */
    public static java.util.Optional<FieldError> validateId(String id) {
        if (id == null || !ID.matcher(id).matches()) {
            return java.util.Optional.of(new FieldError("id",
                    "must match [a-z0-9][a-z0-9._-]{0,63} (lower case, starts with a letter or digit), got '" + id + "'"));
        }
        return java.util.Optional.empty();
    }

    private void validateHosts(List<String> hosts, List<FieldError> errors) {
        if (hosts.size() > limits.maxHosts()) {
            errors.add(new FieldError("hosts", "at most " + limits.maxHosts() + " patterns, got " + hosts.size()));
        }
        for (int i = 0; i < hosts.size(); i++) {
            String h = hosts.get(i);
            String field = "hosts[" + i + "]";
            if (h == null || h.isBlank()) {
                errors.add(new FieldError(field, "must not be empty"));
            } else if (h.startsWith("~")) {
                try {
                    Pattern.compile(h.substring(1));
                } catch (PatternSyntaxException e) {
                    errors.add(new FieldError(field, "invalid regular expression: " + e.getDescription()
                            + " near index " + e.getIndex()));
                }
            } else if (h.startsWith("*.")) {
                if (!HOST.matcher(h.substring(2)).matches()) {
                    errors.add(new FieldError(field, "'*.' must be followed by a host name, got '" + h + "'"));
                }
            } else if (h.endsWith(".*")) {
                // nginx's suffix wildcard: a name, then any last part (no port: it is not part of the name)
                String name = h.substring(0, h.length() - 2);
                if (name.contains(":") || !HOST.matcher(name).matches()) {
                    errors.add(new FieldError(field, "'.*' must follow a host name without port, e.g. www.example.*, got '"
                            + h + "'"));
                }
            } else if (!HOST.matcher(h).matches()) {
                errors.add(new FieldError(field, "must be a host name (example.com), a wildcard (*.example.com or"
                        + " www.example.*) or a regex (~^edge[0-9]+$), got '" + h + "'"));
            }
        }
    }

    /**
     * Each path must parse as an nginx location spec and a regex must compile with the PCRE
     * translation {@code ngx.re} uses, so what is accepted here is what the edge runs.
     */
    private void validatePaths(List<String> paths, List<FieldError> errors) {
        if (paths.size() > limits.maxPaths()) {
            errors.add(new FieldError("paths", "at most " + limits.maxPaths() + " paths, got " + paths.size()));
        }
        for (int i = 0; i < paths.size(); i++) {
            try {
                PathScope scope = PathScope.parse(paths.get(i));
                if (scope.kind().regex()) {
                    LocationRegex.compile(scope.pattern(), scope.kind() == PathScope.Kind.REGEX_CASELESS);
                }
            } catch (IllegalArgumentException e) {
                errors.add(new FieldError("paths[" + i + "]", e.getMessage()));
            }
        }
    }

    /**
     * Module and init units run for no request: a host filter or sampling would mean nothing, and a
     * module's name (its id) must not hide a bundled module. Whether a module returns a value is not
     * checked: that needs running it, and validation never runs code (Lua 5.1 makes it {@code true}).
     */
    private static void validateLibraryPhases(ComputingUnit unit, List<FieldError> errors) {
        if (unit.phase().perRequest()) {
            return;
        }
        String what = unit.phase().luaName() + " units";
        if (!unit.hosts().isEmpty()) {
            errors.add(new FieldError("hosts", what + " run for no request: leave hosts empty"));
        }
        if (!unit.paths().isEmpty()) {
            errors.add(new FieldError("paths", what + " run for no request: leave paths empty"));
        }
        if (unit.sampling() != 100 || unit.samplingKey() != null) {
            errors.add(new FieldError("sampling", what + " run for no request: leave sampling at 100 and samplingKey unset"));
        }
        if (unit.phase() == Phase.MODULE && BundledNames.isBundled(unit.id())) {
            errors.add(new FieldError("id", "'" + unit.id() + "' is a bundled module (" + String.join(", ",
                    BundledNames.names()) + "); a module unit is required by its id, so choose another id"));
        }
    }

    /**
     * A canary is checked as its unit's code is (compiled, never run), under {@code canary.*}
     * fields; only request-phase units have a canary: module and init units run for no request,
     * so there is nothing to split.
     */
    private void validateCanary(ComputingUnit unit, List<FieldError> errors) {
        Canary canary = unit.canary();
        if (canary == null) {
            return;
        }
        if (!unit.phase().perRequest()) {
            errors.add(new FieldError("canary", unit.phase().luaName()
                    + " units run for no request, so no share of requests can run a canary; change the unit itself"));
            return;
        }
        if (canary.percent() < 0 || canary.percent() > 100) {
            errors.add(new FieldError("canary.percent", "must be a percentage from 0 to 100, got " + canary.percent()));
        }
        if (!VARIABLE.matcher(canary.key()).matches()) {
            errors.add(new FieldError("canary.key", "must be an nginx variable name such as remote_addr, "
                    + "cookie_session or http_x_viewer, got '" + canary.key() + "'"));
        }
        List<FieldError> code = new ArrayList<>();
        validateCode(unit.canaryUnit(), code);
        code.forEach(e -> errors.add(new FieldError("canary." + e.field(), e.message(), e.line())));
    }

    /**
     * nginx runs balancer_by_lua where it cannot yield, and disables every API that would (Redis is
     * a cosocket there, ngx.sleep, light threads, subrequests), and so does the edge's runtime
     * ({@code CallContext.REDIS}, {@code SLEEP}). A balancer unit naming one would fail on every
     * attempt, so it is refused at save time, each use with its line.
     */
    private static void validateBalancer(ComputingUnit unit, List<FieldError> errors) {
        if (unit.phase() != Phase.BALANCER) {
            return;
        }
        for (YieldingApis.Use use : YieldingApis.find(unit.code())) {
            errors.add(new FieldError("code", "uses " + use.api() + " on line " + use.line()
                    + ", which yields: a balancer unit cannot yield (nginx disables it in balancer_by_lua too);"
                    + " call it in an access unit and pass the result in ngx.ctx", use.line()));
        }
    }

    private void validateCode(ComputingUnit unit, List<FieldError> errors) {
        int bytes = unit.code().getBytes(StandardCharsets.UTF_8).length;
        if (unit.code().isBlank()) {
            errors.add(new FieldError("code", "must not be empty"));
            return;
        }
        if (bytes > limits.maxCodeBytes()) {
            errors.add(new FieldError("code", "is " + bytes + " bytes, at most " + limits.maxCodeBytes() + " allowed"));
            return;
        }
        try {
            UnitCompiler.compileSource(unit.id(), unit.code());
        } catch (UnitCompilationException e) {
            errors.add(new FieldError("code", "does not compile: " + e.detail(), e.line() > 0 ? e.line() : null));
        }
    }
}
