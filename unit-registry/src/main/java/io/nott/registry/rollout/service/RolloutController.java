package io.nott.registry.rollout.service;

import io.nott.registry.error.RegistryException;
import io.nott.registry.rollout.RolloutState;
import io.nott.registry.rollout.UnitHealthView;
import io.nott.registry.rollout.repository.RolloutRepository;
import io.nott.registry.unit.StoredUnit;
import io.nott.registry.unit.UnitSpec;
import io.nott.registry.unit.repository.UnitRepository;
import io.nott.registry.unit.service.ChangePublisher;
import io.nott.unit.model.Canary;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;
import org.jboss.logging.Logger;

/**
 * The rollout controller (issue #18): on each {@link #tick()}, if this replica holds the lease, it
 * judges every running rollout on the edges' figures ({@link RolloutJudge}) and applies the verdict.
 *
 * <p>Applying a step is two compare-and-sets, in this order: the unit (its canary must still be
 * the rollout's version at the step's share, and the lease still this controller's fence, both
 * watched in the unit write's own transaction; the write goes through {@link UnitRepository#commit},
 * so it is versioned, audited with the figures and published), then the rollout state (it must
 * still be at the step, and the lease still ours). A second controller, or this one again after a
 * crash between the two, finds the unit already moved: it changes nothing there and only brings the
 * state up to the unit ({@link #reconcile}). So no step is ever applied twice, and a restarted or
 * other replica carries on from what Redis holds.
 *
 * <p>Plain class, built by {@link ControllerLoop}; tests build their own with a clock they move.
 */
public final class RolloutController {

    private static final Logger LOG = Logger.getLogger(RolloutController.class);
    public static final String ACTOR = "rollout-controller";

    private final RolloutRepository rollouts;
    private final UnitRepository units;
    private final ChangePublisher publisher;
    private final HealthService health;
    private final Clock clock;
    private final String replica;
    private final Duration leaseTtl;
    private String fence;

    public RolloutController(RolloutRepository rollouts, UnitRepository units, ChangePublisher publisher,
            HealthService health, Clock clock, String replica, Duration leaseTtl) {
        this.rollouts = rollouts;
        this.units = units;
        this.publisher = publisher;
        this.health = health;
        this.clock = clock;
        this.replica = replica;
        this.leaseTtl = leaseTtl;
    }

    /** The fence this controller holds, or null when another replica acts. */
    public String fence() {
        return fence;
    }

    /** One round: take or renew the lease, then judge and act on each running rollout. */
    public void tick() {
        fence = rollouts.lease(replica, fence, leaseTtl);
        if (fence == null) {
            return;
        }
        Map<String, UnitHealthView> figures = null;
        for (String id : rollouts.active()) {
            try {
                Optional<RolloutState> state = rollouts.find(id);
                if (state.isEmpty() || state.get().finished() || state.get().plan().isManual()) {
                    continue;
                }
                if (figures == null) {
                    figures = health.all();
                }
                step(state.get(), figures.get(id));
            } catch (RuntimeException e) {
                // one broken rollout must not stop the others; the next tick tries again
                LOG.warnf("Rollout of %s: %s; retrying on the next tick", id, e.getMessage());
            }
        }
    }

    /** Releases the lease on a clean shutdown. */
    public void stop() {
        if (fence != null) {
            rollouts.release(fence);
            fence = null;
        }
    }

    private void step(RolloutState state, UnitHealthView figures) {
        Optional<StoredUnit> unit = units.find(state.unitId());
        if (reconcile(state, unit)) {
            return;
        }
        RolloutJudge.Verdict verdict = RolloutJudge.judge(state, figures, clock.instant());
        switch (verdict.action()) {
            case WAIT -> {
            }
            case ROLL_BACK -> finish(state, RolloutState.ROLLED_BACK, "rollout-rollback", null, verdict.reason(), fence);
            case COMPLETE -> finish(state, RolloutState.PROMOTED, "rollout-complete", null, verdict.reason(), fence);
            case NEXT_STEP -> next(state, verdict.reason(), fence);
        }
    }

    /**
     * Brings the state up to the unit when they disagree (a crash between the two writes, or an
     * operator's PUT): the unit is the truth. True when the rollout needs nothing else this tick.
     */
    private boolean reconcile(RolloutState state, Optional<StoredUnit> unit) {
        Canary canary = unit.map(u -> u.spec().canary()).orElse(null);
        if (canary == null || canary.version() != state.canaryVersion()) {
            // the canary is gone or replaced: promoted, rolled back or overwritten meanwhile
            boolean promoted = unit.isPresent() && canary == null
                    && unit.get().spec().code().equals(codeOfCanary(state));
            String status = promoted ? RolloutState.PROMOTED : RolloutState.ABORTED;
            rollouts.compareAndSet(state.unitId(), state.step(), state.status(), fence, s -> s.withStatus(status))
                    .ifPresent(s -> rollouts.decided(state.unitId(), ACTOR, "rollout-" + status, state.percent(),
                            "the unit no longer has canary v" + state.canaryVersion() + " (now "
                                    + unit.map(u -> "v" + u.version()).orElse("deleted") + "); the rollout ends",
                            state.canaryVersion()));
            return true;
        }
        if (canary.percent() == state.percent()) {
            return false;
        }
        int step = state.plan().steps().indexOf(canary.percent());
        if (step > state.step()) {
            // the unit is already at a later step: that step was applied, only the state was not moved
            rollouts.compareAndSet(state.unitId(), state.step(), state.status(), fence, s -> s.at(step, clock.instant()));
        } else {
            // the state's step was never written to the unit (a crash right after the rollout started): write it now
            applyFirstStep(state, canary.percent(), fence);
        }
        return true;
    }

    private String codeOfCanary(RolloutState state) {
        return units.history(state.unitId()).stream()
                .filter(h -> h.unit() != null && h.unit().canary() != null && h.version() == state.canaryVersion())
                .map(h -> h.unit().canary().code()).findFirst().orElse(null);
    }

    /**
     * A new rollout's first step: the canary goes from the share it was written with to the plan's
     * first. {@code leaseFence} is null for the PUT that starts the rollout (an operator's write).
     */
    void applyFirstStep(RolloutState state, int writtenPercent, String leaseFence) {
        int to = state.percent();
        if (commitCanary(state, writtenPercent, "rollout-step", "rollout starts: " + writtenPercent + " % -> " + to
                + " %", c -> c.withCanary(c.canary().withPercent(to)), ACTOR, leaseFence) != null) {
            rollouts.decided(state.unitId(), ACTOR, "rollout-step", to, "first step", state.canaryVersion());
        }
    }

    /** The next step: the unit's canary share moves (compare-and-set on the unit), then the state. */
    void next(RolloutState state, String reason, String leaseFence) {
        int from = state.percent();
        int to = state.plan().steps().get(state.step() + 1);
        Instant at = clock.instant();
        UnitRepository.Committed committed = commitCanary(state, from, "rollout-step",
                "rollout step " + from + " % -> " + to + " %: " + reason, c -> c.withCanary(c.canary().withPercent(to)),
                ACTOR, leaseFence);
        if (committed == null) {
            return;
        }
        rollouts.compareAndSet(state.unitId(), state.step(), state.status(), leaseFence, s -> s.at(s.step() + 1, at));
        rollouts.decided(state.unitId(), ACTOR, "rollout-step", to, reason, state.canaryVersion());
    }

    /**
     * Ends the rollout: promoted (the canary's code becomes the unit's, the canary goes) or rolled
     * back / aborted (the canary goes, the stable code stays). {@code by} is the operator, null for the controller.
     */
    void finish(RolloutState state, String status, String action, String by, String reason, String leaseFence) {
        String actor = by == null ? ACTOR : by;
        boolean promote = status.equals(RolloutState.PROMOTED);
        String summary = (promote ? "canary v" + state.canaryVersion() + " becomes stable: "
                : "canary v" + state.canaryVersion() + " removed (" + status + "): ") + reason;
        UnitRepository.Committed committed = commitCanary(state, state.percent(), action, summary,
                c -> promote ? c.withCode(c.canary().code()).withCanary(null) : c.withCanary(null),
                actor, leaseFence);
        if (committed == null) {
            return;
        }
        rollouts.compareAndSet(state.unitId(), state.step(), state.status(), leaseFence, s -> s.withStatus(status));
        rollouts.decided(state.unitId(), actor, action, promote ? 100 : 0, reason, state.canaryVersion());
    }

    /**
     * The unit write, applied only while the unit still has the rollout's canary at
     * {@code expectedPercent} and, for the controller ({@code leaseFence} given), while the lease is
     * still that fence: both are checked again by the write's own commit script, so neither a
     * second controller nor one that lost its lease can apply a step again.
     */
    private UnitRepository.Committed commitCanary(RolloutState state, int expectedPercent, String action, String summary,
            UnaryOperator<UnitSpec> change, String actor, String leaseFence) {
        UnitRepository.Fence fenced = leaseFence == null ? null : new UnitRepository.Fence(RolloutRepository.LEASE, leaseFence);
        try {
            UnitRepository.Committed committed = units.commit(state.unitId(), actor, fenced, current -> {
                StoredUnit unit = current.unit().orElseThrow(() -> RegistryException.conflict("unit deleted"));
                Canary canary = unit.spec().canary();
                if (canary == null || canary.version() != state.canaryVersion() || canary.percent() != expectedPercent) {
                    throw RegistryException.conflict("the unit moved on: canary " + (canary == null ? "none"
                            : "v" + canary.version() + " at " + canary.percent() + " %"));
                }
                return new UnitRepository.Change(change.apply(unit.spec()), action, summary);
            });
            publisher.publish(committed.notice());
            return committed;
        } catch (RegistryException moved) {
            // applied already (by another controller, or by us before a crash): reconcile picks it up
            LOG.infof("Rollout of %s: %s not applied: %s", state.unitId(), action, moved.getMessage());
            return null;
        }
    }
}
