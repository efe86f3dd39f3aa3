package io.nott.unit.runtime;

import io.nott.unit.model.ComputingUnit;

/**
 * What a unit's source text says about how it must be run, read once per compiled unit (the
 * host asks these on every request, per phase and host, so they are never searched for again). A mention is enough: a word in a comment makes the unit look
 * heavier than it is, never lighter.
 *
 * @param usesRedis mentions {@code redis_client}: its calls block, so its phase runs off the event loop
 * @param sleeps    mentions {@code sleep} (ngx.sleep or a local alias of it) in a phase where
 *                  ngx.sleep is allowed: the call may wait, so it must not hold an event loop
 * @param readsBody mentions {@code read_body} or {@code discard_body}: the host reads the request
 *                  body before the request phases
 */
record UnitTraits(boolean usesRedis, boolean sleeps, boolean readsBody) {

    static UnitTraits of(ComputingUnit unit) {
        // Four intrinsic searches, not one regex alternation: a bulk apply reads 10,000 units, and
        // the regex was a tenth of the edge's build (issue #17). The same words, found anywhere.
        String code = unit.code();
        boolean redis = code.contains("redis_client");
        boolean sleep = code.contains("sleep");
        boolean body = code.contains("read_body") || code.contains("discard_body");
        // ngx.sleep is refused outside rewrite/access/content: elsewhere the word changes nothing.
        return new UnitTraits(redis, sleep && CallContext.REQUEST.allows(unit.phase()), body);
    }

    /** True when a call may wait (Redis or ngx.sleep): such a step must run off an event loop. */
    boolean blocks() {
        return usesRedis || sleeps;
    }
}
