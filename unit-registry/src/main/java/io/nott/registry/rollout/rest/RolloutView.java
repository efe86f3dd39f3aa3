package io.nott.registry.rollout.rest;

import io.nott.registry.rollout.RolloutState;
import io.nott.registry.rollout.repository.RolloutRepository;
import io.nott.registry.unit.RolloutPlan;
import java.time.Instant;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** A rollout as the API shows it, with its decisions, newest first. */
@Schema(description = "A unit's rollout")
public record RolloutView(
        @Schema(required = true) String unitId,
        @Schema(required = true) long canaryVersion,
        @Schema(required = true, enumeration = {"running", "paused", "promoted", "rolled_back", "aborted"}) String status,
        @Schema(required = true, description = "The canary's share now, percent") int percent,
        @Schema(required = true, description = "Index of the current step in plan.steps") int step,
        @Schema(required = true) Instant stepSince,
        @Schema(required = true) Instant startedAt,
        @Schema(required = true) RolloutPlan plan,
        @Schema(required = true) List<Decision> decisions) {

    /** One decision of the controller or an operator, with the figures it rests on. */
    @Schema(name = "RolloutDecision")
    public record Decision(String at, String actor, String action, int percent, String reason) {
    }

    static RolloutView of(RolloutState s, List<RolloutRepository.Decision> decisions) {
        return new RolloutView(s.unitId(), s.canaryVersion(), s.status(), s.percent(), s.step(), s.stepSince(),
                s.startedAt(), s.plan(), decisions.stream()
                .map(d -> new Decision(d.at(), d.actor(), d.action(), d.percent(), d.reason())).toList());
    }
}
