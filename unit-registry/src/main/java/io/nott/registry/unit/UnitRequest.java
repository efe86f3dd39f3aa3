package io.nott.registry.unit;

import java.util.List;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** The body of {@code PUT /units/{id}} (and of inline dry runs and validation): a unit as an operator writes it. */
@Schema(description = "A computing unit as written by an operator; omitted fields take their defaults")
public record UnitRequest(
        @Schema(description = "Must equal the id in the path when given", example = "geo-block") String id,
        @Schema(description = "The nginx phase; the seed's access_by_lua_block etc. are accepted too", example = "access",
                enumeration = {"rewrite", "access", "content", "header_filter", "body_filter", "log"}) String phase,
        @Schema(description = "Lua source", example = "if ngx.var.arg_block == '1' then ngx.exit(403) end") String code,
        @Schema(description = "Empty = every host; exact names, *.example.com or www.example.* wildcards or ~regex") List<String> hosts,
        @Schema(description = "Empty = every path; nginx location specs: '= /exact', '/prefix', '^~ /prefix', "
                + "'~ regex', '~* regex' (PCRE, as ngx.re). The edge chooses one location per request in nginx's "
                + "order among the paths of all units for the request's host; the unit runs when it is one of its own",
                example = "[\"/hls/\"]") List<String> paths,
        @Schema(description = "Percent of requests that run the unit, 0-100, default 100", minimum = "0", maximum = "100", example = "100") Integer sampling,
        @Schema(description = "Optional nginx variable whose value makes sampling deterministic, e.g. remote_addr") String samplingKey,
        @Schema(description = "Lower runs first; ties by id; default 0") Integer order,
        @Schema(description = "Default true") Boolean enabled,
        Budget budget,
        @Schema(description = "open (log and continue, default) or closed (answer 500)", enumeration = {"open", "closed"}) String failure,
        @Schema(description = "Optional second version of the code, run for a share of requests beside this one "
                + "(a gradual rollout, issue #18)") Canary canary,
        @Schema(description = "How the canary goes live; omitted: the registry's default plan (rollout.plan.*). "
                + "Only with a canary") RolloutPlan rollout) {

    /** A unit without a canary. */
    public UnitRequest(String id, String phase, String code, List<String> hosts, List<String> paths, Integer sampling,
            String samplingKey, Integer order, Boolean enabled, Budget budget, String failure) {
        this(id, phase, code, hosts, paths, sampling, samplingKey, order, enabled, budget, failure, null, null);
    }

    /** A canary as written: its code, its share and the nginx variable that picks a request's side. */
    @Schema(name = "CanaryRequest", description = "A canary version of the unit's code; everything else (phase, hosts, paths, budget, failure) is the unit's")
    public record Canary(
            @Schema(description = "Lua source of the canary version") String code,
            @Schema(description = "Percent of requests that run the canary, 0-100, default 0", minimum = "0", maximum = "100") Integer percent,
            @Schema(description = "nginx variable hashed with the unit id to pick a request's side: remote_addr "
                    + "(default), cookie_<name> or http_<name>", example = "remote_addr") String key) {
    }

    /** Optional per-unit budget; missing values take the configured defaults. */
    public record Budget(Long instructions, Long wallMillis) {
    }
}
