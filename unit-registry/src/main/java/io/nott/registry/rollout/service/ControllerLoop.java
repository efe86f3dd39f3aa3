package io.nott.registry.rollout.service;

import io.nott.registry.rollout.config.RolloutConfig;
import io.nott.registry.rollout.repository.RolloutRepository;
import io.nott.registry.unit.repository.UnitRepository;
import io.nott.registry.unit.service.ChangePublisher;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Clock;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * Runs this replica's {@link RolloutController} every {@code rollout.tick} on a thread of its own
 * (it calls Redis, never on an event loop). Every replica ticks; only the lease holder acts.
 */
@ApplicationScoped
public class ControllerLoop {

    private static final Logger LOG = Logger.getLogger(ControllerLoop.class);

    private final RolloutController controller;
    private final RolloutConfig config;
    private ScheduledExecutorService timer;

    public ControllerLoop(RolloutRepository rollouts, UnitRepository units, ChangePublisher publisher,
            HealthService health, Clock clock, RolloutConfig config) {
        this.config = config;
        // the pid tells an operator which process on a machine holds the lease ({cu}:rollout-lease);
        // the random part keeps replicas in containers (all pid 1) apart
        this.controller = new RolloutController(rollouts, units, publisher, health, clock,
                "registry-" + ProcessHandle.current().pid() + "-" + UUID.randomUUID().toString().substring(0, 8),
                config.leaseTtl());
    }

    public RolloutController controller() {
        return controller;
    }

    void start(@Observes StartupEvent event) {
        if (!config.enabled()) {
            LOG.info("Rollout controller off (rollout.enabled=false): canaries stay at their share on this replica");
            return;
        }
        timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "rollout-controller");
            t.setDaemon(true);
            return t;
        });
        long every = config.tick().toMillis();
        timer.scheduleWithFixedDelay(this::tick, every, every, TimeUnit.MILLISECONDS);
    }

    private void tick() {
        try {
            controller.tick();
        } catch (RuntimeException e) {
            // Redis away or similar: the lease lapses and another replica (or this one later) carries on
            LOG.warnf("Rollout controller tick failed: %s; retrying in %s", e.getMessage(), config.tick());
        }
    }

    void stop(@Observes ShutdownEvent event) {
        if (timer != null) {
            timer.shutdownNow();
            try {
                controller.stop();
            } catch (RuntimeException e) {
                LOG.debugf("Lease not released (%s); it expires after %s", e.getMessage(), config.leaseTtl());
            }
        }
    }
}
