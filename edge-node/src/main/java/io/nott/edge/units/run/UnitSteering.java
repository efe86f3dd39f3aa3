package io.nott.edge.units.run;

import io.nott.edge.cache.CacheSteering;
import io.nott.edge.proxy.ProxyContext;
import io.nott.unit.model.Phase;
import io.nott.unit.pipeline.PipelineRun;
import java.util.Map;

/**
 * What the request phases decided about where the request goes and how it is cached, applied
 * before the cache and the origin see it (issue #16): {@code ngx.var.upstream} picks another
 * configured upstream group for the route; {@code ngx.var.cache_bypass}, {@code no_cache} and
 * {@code cache_key} become the cache's {@link CacheSteering}; when header_filter units run, the
 * cache's store waits for them so an {@code X-Accel-Expires} they set decides the lifetime.
 */
final class UnitSteering {

    private UnitSteering() {
    }

    static void apply(ProxyContext context, PipelineRun run) {
        Map<String, String> vars = run.state().variables();
        String chosen = null;
        String upstream = vars.get("upstream");
        // The name was checked when the unit set it; the same group as the route's changes nothing.
        if (upstream != null && !upstream.equals(context.origin().upstreamName()) && context.useUpstream(upstream)) {
            chosen = upstream;
        }
        boolean bypass = CacheSteering.truthy(vars.get("cache_bypass"));
        boolean noCache = CacheSteering.truthy(vars.get("no_cache"));
        String key = vars.get("cache_key");
        if (key != null && key.isEmpty()) {
            key = null;
        }
        boolean awaitHeaders = run.runs(Phase.HEADER_FILTER);
        if (bypass || noCache || key != null || chosen != null || awaitHeaders) {
            context.put(CacheSteering.class, new CacheSteering(bypass, noCache, key, chosen, awaitHeaders));
        }
    }

    /** Tells the cache what header_filter decided: the {@code X-Accel-Expires} units set, if any. */
    static void headersDecided(ProxyContext context, PipelineRun run) {
        CacheSteering steering = context.get(CacheSteering.class);
        if (steering == null) {
            return;
        }
        var change = run.state().headerChange("X-Accel-Expires");
        steering.headersDecided(change == null || change.removed() ? null : change.values().get(0));
    }
}
