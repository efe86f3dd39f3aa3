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

    /** nginx disables yielding APIs in balancer_by_lua; the registry says so at save time, per use and line. */
    @Test
    void aBalancerUnitMayNotUseYieldingApis() {
        String code = String.join("\n",
                "local b = require 'ngx.balancer'",
                "local r = edge_computing.redis_client",
                "-- ngx.sleep(1) in a comment, and 'ngx.sleep' in a string, do not count",
                "local s = 'ngx.sleep'",
                "local nap = ngx.sleep",
                "local t = ngx.thread.spawn(function() end)",
                "local res = ngx.location.capture_multi({})",
                "local sock = ngx.socket.tcp()",
                "b.set_current_peer('10.0.0.1', 80)");
        List<FieldError> errors = new UnitValidator().validate(ComputingUnit.of("lb", Phase.BALANCER, code));
        assertThat(errors).extracting(FieldError::line).containsExactly(2, 5, 6, 7, 8);
        assertThat(errors).extracting(FieldError::field).containsOnly("code");
        assertThat(errors).extracting(FieldError::message).satisfiesExactly(
                m -> assertThat(m).startsWith("uses edge_computing.redis_client on line 2, which yields: a balancer unit cannot yield"),
                m -> assertThat(m).startsWith("uses ngx.sleep on line 5"),
                m -> assertThat(m).startsWith("uses ngx.thread.spawn on line 6"),
                m -> assertThat(m).startsWith("uses ngx.location.capture_multi on line 7"),
                m -> assertThat(m).startsWith("uses ngx.socket on line 8").contains("access unit"));
        // The same code is fine in the phases where nginx lets it yield; ngx.balancer alone is fine in a balancer unit.
        assertThat(new UnitValidator().validate(ComputingUnit.of("acc", Phase.ACCESS, code))).isEmpty();
        assertThat(new UnitValidator().validate(ComputingUnit.of("lb", Phase.BALANCER,
                "local b = require 'ngx.balancer' local f = b.get_last_failure() b.set_current_peer('10.0.0.1', 80)"))).isEmpty();
    }
}
