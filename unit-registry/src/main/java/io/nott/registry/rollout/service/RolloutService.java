package io.nott.registry.rollout.service;

import io.nott.registry.error.RegistryException;
import io.nott.registry.rollout.RolloutState;
import io.nott.registry.rollout.config.RolloutConfig;
import io.nott.registry.rollout.repository.RolloutRepository;
import io.nott.registry.unit.RolloutPlan;
import io.nott.registry.unit.StoredUnit;
import io.nott.registry.unit.UnitWritten;
import io.nott.unit.model.Canary;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Clock;
import java.time.Instant;
import java.util.List;

/**
 * Starts a rollout when a PUT brings a canary, and applies operators' pause, resume, promote and
 * abort. Operator actions use the same compare-and-sets as the controller ({@link RolloutController}),
 * so an operator and the controller acting at once never apply a step twice; they need no lease.
 */
@ApplicationScoped
public class RolloutService {

    private final RolloutRepository rollouts;
    private final RolloutController steps;
    private final RolloutConfig config;
    private final Clock clock;

    public RolloutService(RolloutRepository rollouts, ControllerLoop loop, RolloutConfig config, Clock clock) {
        this.rollouts = rollouts;
        this.steps = loop.controller();
        this.config = config;
        this.clock = clock;
    }

    /** The default plan of {@code rollout.plan.*}. */
    public RolloutPlan defaults() {
        RolloutConfig.Plan p = config.plan();
        return new RolloutPlan(p.steps(), p.minRequests(), p.minStepSeconds(), p.maxErrorRateIncrease(),
                p.maxP99Factor(), p.minP99Ms(), p.minP99Calls(), p.maxStatusShareIncrease(), false);
    }

    /**
     * A PUT wrote a unit: a new canary starts a rollout at the plan's first step (the write carried
     * the canary at the share the operator gave, 0 by default, so the first step is a write of its
     * own, audited like every other). A unit without a canary ends a running rollout.
     */
    void written(@Observes UnitWritten event) {
        StoredUnit unit = event.unit();
        String id = unit.spec().id();
        Canary canary = unit.spec().canary();
        var previous = rollouts.find(id).filter(s -> !s.finished());
        if (canary == null || canary.version() != unit.version()) {
            previous.ifPresent(s -> rollouts.compareAndSet(id, s.step(), s.status(), null,
                    p -> p.withStatus(RolloutState.ABORTED)).ifPresent(p -> rollouts.decided(id, event.actor(),
                    "rollout-aborted", 0, "the unit was written " + (canary == null ? "without a canary" : "again")
                            + " (v" + unit.version() + ")", s.canaryVersion())));
            return;
        }
        RolloutPlan plan = (event.rollout() == null ? new RolloutPlan(null, null, null, null, null, null, null, null, null)
                : event.rollout()).orElse(defaults());
        Instant now = clock.instant();
        if (plan.isManual()) {
            RolloutPlan held = new RolloutPlan(List.of(canary.percent()), plan.minRequests(), plan.minStepSeconds(),
                    plan.maxErrorRateIncrease(), plan.maxP99Factor(), plan.minP99Ms(), plan.minP99Calls(),
                    plan.maxStatusShareIncrease(), true);
            rollouts.start(new RolloutState(id, canary.version(), held, 0, now, RolloutState.RUNNING, now),
                    event.actor(), "manual: canary v" + canary.version() + " held at " + canary.percent()
                            + " % until an operator promotes or aborts it");
            return;
        }
        // step -1 does not exist: the state starts at step 0 once the first step's write is done
        RolloutState first = new RolloutState(id, canary.version(), plan, 0, now, RolloutState.RUNNING, now);
        rollouts.start(first, event.actor(), "plan " + plan.steps() + " %, at least " + plan.minRequests()
                + " canary calls and " + plan.minStepSeconds() + " s per step; rollback when error+timeout rate > stable + "
                + plan.maxErrorRateIncrease() + ", 4xx+5xx share > stable + " + plan.maxStatusShareIncrease()
                + ", p99 > stable x " + plan.maxP99Factor() + " (judged from " + plan.p99Calls() + " canary calls)");
        if (canary.percent() != first.percent()) {
            steps.applyFirstStep(first, canary.percent(), null);
        }
    }

    public RolloutState get(String id) {
        return rollouts.find(id).orElseThrow(() -> RegistryException.notFound("Unit " + id + " has no rollout; "
                + "PUT it with a canary to start one"));
    }

    public List<RolloutRepository.Decision> decisions(String id) {
        return rollouts.decisions(id);
    }

    /** pause, resume, promote (the next step now, or stable from the last one) or abort (remove the canary). */
    public RolloutState act(String id, String action, String actor) {
        RolloutState s = get(id);
        if (s.finished()) {
            throw RegistryException.conflict("The rollout of " + id + " is " + s.status() + "; PUT the unit with a new "
                    + "canary to start another");
        }
        switch (action) {
            case "pause" -> {
                require(s, RolloutState.RUNNING, action);
                cas(s, s.withStatus(RolloutState.PAUSED), actor, "rollout-pause", "paused by " + actor);
            }
            case "resume" -> {
                require(s, RolloutState.PAUSED, action);
                cas(s, s.withStatus(RolloutState.RUNNING).at(s.step(), clock.instant()), actor, "rollout-resume",
                        "resumed by " + actor + "; the step's time counts from now");
            }
            case "promote" -> {
                if (s.lastStep()) {
                    steps.finish(s, RolloutState.PROMOTED, "rollout-complete", actor, "promoted to stable by " + actor, null);
                } else {
                    steps.next(s, "promoted by " + actor, null);
                }
            }
            case "abort" -> steps.finish(s, RolloutState.ABORTED, "rollout-abort", actor, "aborted by " + actor, null);
            default -> throw RegistryException.badRequest("action", "Unknown rollout action '" + action
                    + "'; use pause, resume, promote or abort");
        }
        return get(id);
    }

    private static void require(RolloutState s, String status, String action) {
        if (!s.status().equals(status)) {
            throw RegistryException.conflict("Cannot " + action + " the rollout of " + s.unitId() + ": it is "
                    + s.status());
        }
    }

    private void cas(RolloutState s, RolloutState next, String actor, String action, String reason) {
        rollouts.compareAndSet(s.unitId(), s.step(), s.status(), null, x -> next)
                .orElseThrow(() -> RegistryException.conflict("The rollout of " + s.unitId() + " changed meanwhile; "
                        + "read it again and retry"));
        rollouts.decided(s.unitId(), actor, action, next.percent(), reason, s.canaryVersion());
    }
}
