package io.nott.unit.validation;

import static org.assertj.core.api.Assertions.assertThat;

import io.nott.unit.model.Budget;
import io.nott.unit.model.ComputingUnit;
import io.nott.unit.model.FailurePolicy;
import io.nott.unit.model.FieldError;
import io.nott.unit.model.Phase;
import io.nott.unit.model.ValidationLimits;
import java.util.List;
import org.junit.jupiter.api.Test;

class UnitValidatorTest {

    private final UnitValidator validator = new UnitValidator(new ValidationLimits(100, 1000, 100, 2, 2));

    @Test
    void validUnitHasNoErrors() {
        ComputingUnit u = ComputingUnit.of("auth-1.x", Phase.ACCESS, "if ngx.var.arg_t ~= 'x' then return ngx.exit(403) end")
                .withHosts(List.of("example.com", "*.cdn.example.com"))
                .withBudget(new Budget(1000, 100));
        assertThat(validator.validate(u)).isEmpty();
    }

    @Test
    void hostsTakeNginxsSuffixWildcardWithoutPort() {
        ComputingUnit ok = ComputingUnit.of("suffix", Phase.ACCESS, "return").withHosts(List.of("www.example.*"))
                .withBudget(new Budget(1000, 100));
        assertThat(validator.validate(ok)).isEmpty();
        ComputingUnit bad = ComputingUnit.of("suffix", Phase.ACCESS, "return")
                .withHosts(List.of("www.example:80.*", ".*")).withBudget(new Budget(1000, 100));
        assertThat(validator.validate(bad)).extracting(FieldError::field).containsExactly("hosts[0]", "hosts[1]");
        assertThat(validator.validate(bad).get(0).message()).contains("e.g. www.example.*");
    }

    @Test
    void reportsEveryProblemWithItsField() {
        ComputingUnit u = new ComputingUnit("Bad Id", Phase.ACCESS, "local x = = 1", List.of("~(", "exa mple", "*."),
                101, "Remote-Addr", 0, true, new Budget(5000, 500), FailurePolicy.OPEN, 0, null, null, false);
        List<FieldError> errors = validator.validate(u);
        assertThat(errors).extracting(FieldError::field).containsExactlyInAnyOrder(
                "id", "sampling", "samplingKey", "hosts", "hosts[0]", "hosts[1]", "hosts[2]",
                "budget.instructions", "budget.wallMillis", "code");
        assertThat(errors).filteredOn(e -> e.field().equals("code")).first()
                .satisfies(e -> {
                    assertThat(e.line()).isEqualTo(1);
                    assertThat(e.message()).startsWith("does not compile:").contains("unexpected symbol");
                });
        assertThat(errors).filteredOn(e -> e.field().equals("hosts[0]")).first()
                .satisfies(e -> assertThat(e.message()).contains("invalid regular expression"));
    }

    @Test
    void pathsAreNginxLocationsWithRegexesCompiledAsNgxReCompilesThem() {
        ComputingUnit ok = ComputingUnit.of("scoped", Phase.ACCESS, "return")
                .withPaths(List.of("/hls/", "= /live.m3u8", "^~ /static/", "~ \\.ts$", "~* \\.M3U8$"));
        assertThat(new UnitValidator().validate(ok)).isEmpty();

        ComputingUnit bad = ComputingUnit.of("scoped", Phase.ACCESS, "return")
                .withPaths(List.of("hls/", "~ (a", "~* [z-a]", "@named")).withBudget(new Budget(1000, 100));
        List<FieldError> errors = validator.validate(bad);
        assertThat(errors).extracting(FieldError::field)
                .containsExactly("paths", "paths[0]", "paths[1]", "paths[2]", "paths[3]");
        assertThat(errors.get(0).message()).isEqualTo("at most 2 paths, got 4");
        assertThat(errors.get(1).message()).contains("must be a path starting with /");
        assertThat(errors.get(2).message()).startsWith("pcre_compile() failed: missing )");
        assertThat(errors.get(3).message()).startsWith("pcre_compile() failed: ").contains("[z-a]");
        assertThat(errors.get(4).message()).contains("named locations");
    }

    @Test
    void codeSizeIsBounded() {
        ComputingUnit u = ComputingUnit.of("big", Phase.LOG, "-- " + "x".repeat(200)).withBudget(new Budget(10, 10));
        assertThat(validator.validate(u)).extracting(FieldError::message)
                .containsExactly("is 203 bytes, at most 100 allowed");
    }

    @Test
    void validationNeverExecutesCode() {
        // Would loop forever if run: compile only.
        ComputingUnit u = ComputingUnit.of("loop", Phase.ACCESS, "while true do end");
        assertThat(new UnitValidator().validate(u)).isEmpty();
    }
}
