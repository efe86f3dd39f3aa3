package io.nott.registry.rollout;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.quarkus.runtime.annotations.RegisterForReflection;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * {@code GET /api/v1/units/{id}/health}: what each version of a unit did across the edges over the
 * edges' sliding window (issue #18), added up from their heartbeats.
 */
@RegisterForReflection
@Schema(description = "Per-version health of a unit across the edges that reported it")
public record UnitHealthView(
        @Schema(required = true) String unitId,
        @Schema(required = true, description = "The edges' counting window in seconds") long windowSeconds,
        @Schema(required = true, description = "Edges whose current heartbeat went into these figures") int edges,
        @Schema(required = true) List<Version> versions) {

    /** One version's figures: calls, failures, the unit's own exits by status class and call duration percentiles. */
    @RegisterForReflection
    @Schema(name = "UnitHealthVersion", description = "One unit version's figures over the window")
    public record Version(
            @Schema(required = true, description = "The registry version that wrote this code") long version,
            @Schema(required = true, enumeration = {"stable", "canary"}) String role,
            @Schema(required = true) long calls,
            @Schema(required = true, description = "Lua errors") long errors,
            @Schema(required = true, description = "Calls stopped by their budget") long timeouts,
            @Schema(required = true, description = "Calls refused by an open circuit breaker") long breakerTrips,
            @Schema(required = true) Exits exits,
            @Schema(required = true, description = "Median call duration (upper bound of its histogram bucket)") double p50Ms,
            @Schema(required = true, description = "99th percentile call duration (upper bound of its histogram bucket)") double p99Ms) {
    }

    /** The unit's own {@code ngx.exit} statuses by class. */
    @RegisterForReflection
    @Schema(name = "UnitHealthExits", description = "The unit's ngx.exit statuses by class")
    public record Exits(
            @JsonProperty("2xx") @Schema(name = "2xx", required = true) long s2xx,
            @JsonProperty("3xx") @Schema(name = "3xx", required = true) long s3xx,
            @JsonProperty("4xx") @Schema(name = "4xx", required = true) long s4xx,
            @JsonProperty("5xx") @Schema(name = "5xx", required = true) long s5xx) {
    }
}
