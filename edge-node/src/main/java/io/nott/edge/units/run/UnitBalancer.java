package io.nott.edge.units.run;

import io.nott.edge.proxy.ProxyContext;
import io.nott.edge.upstream.Balancer;
import io.nott.unit.pipeline.PipelineRun;
import io.nott.unit.runtime.BalancerAttempt;
import java.util.function.Predicate;

/**
 * The balancer phase as the upstream group's {@link Balancer}: runs the request's balancer units
 * for each attempt, on the attempt's thread (the event loop; balancer units cannot call Redis,
 * so they never block). A peer outside the group's allow-list is refused inside the unit API
 * ({@code nil, err}) and again by the group before any connection.
 */
final class UnitBalancer implements Balancer {

    private final PipelineRun run;
    private final EdgeExchange exchange;

    UnitBalancer(PipelineRun run, EdgeExchange exchange) {
        this.run = run;
        this.exchange = exchange;
    }

    @Override
    public Choice choose(ProxyContext context, Attempt attempt, Predicate<String> allowed) {
        BalancerAttempt units = new BalancerAttempt(attempt.failureState(), attempt.failureStatus(),
                attempt.maxMoreTries());
        exchange.balancing(attempt.group(), allowed);
        try {
            int exit = run.runBalancer(units);
            return new Choice(units.peer(), units.moreTries(), units.connectTimeout(), units.readTimeout(), exit);
        } finally {
            exchange.balancing(null, null);
        }
    }
}
