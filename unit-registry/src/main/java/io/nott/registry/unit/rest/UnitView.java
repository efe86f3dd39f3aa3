package io.nott.registry.unit.rest;

import io.nott.registry.unit.LegacyUnit;
import io.nott.registry.unit.StoredUnit;
import io.nott.registry.unit.UnitSpec;
import io.nott.unit.model.Budget;
import io.nott.unit.model.Canary;
import io.nott.unit.model.FailurePolicy;
import io.nott.unit.model.Phase;
import java.time.Instant;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * A unit as the API shows it. Legacy units have no version and say why they cannot be read, if so.
 * The phase is written as its Lua name ({@code access}) and the failure policy as {@code open}/{@code closed}.
 */
public record UnitView(String id,
        @Schema(type = SchemaType.STRING, example = "access", enumeration = {"rewrite", "access", "content",
                "header_filter", "body_filter", "log"}, description = "null for a legacy unit that cannot be read") Phase phase,
        String code, List<String> hosts,
        @Schema(description = "nginx location specs the unit is scoped to; empty = every path") List<String> paths,
        Integer sampling, String samplingKey, Integer order, Boolean enabled,
        Budget budget,
        @Schema(type = SchemaType.STRING, example = "open", enumeration = {"open", "closed"},
                description = "open: log and continue; closed: answer 500") FailurePolicy failure, Long version, Instant updatedAt,
        String updatedBy, boolean legacy, String problem,
        @Schema(description = "The canary version run beside this one for a share of requests (issue #18); "
                + "version is the registry version that wrote it") Canary canary) {

    public static UnitView of(StoredUnit unit) {
        return of(unit.spec(), unit.version(), unit.updatedAt(), unit.updatedBy(), false);
    }

    public static UnitView of(LegacyUnit unit) {
        if (unit.spec() == null) {
            return new UnitView(unit.id(), null, null, List.of(), List.of(), null, null, null, null, null, null, null, null, null,
                    true, unit.problem(), null);
        }
        return of(unit.spec(), null, null, null, true);
    }

    private static UnitView of(UnitSpec s, Long version, Instant updatedAt, String updatedBy, boolean legacy) {
        return new UnitView(s.id(), s.phase(), s.code(), s.hosts(), s.paths(), s.sampling(), s.samplingKey(), s.order(),
                s.enabled(), s.budget(), s.failure(), version, updatedAt, updatedBy, legacy, null,
                s.canary());
    }
}
