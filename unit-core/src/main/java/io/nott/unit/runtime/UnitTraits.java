package io.nott.unit.runtime;

import io.nott.unit.model.ComputingUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a unit's source text says about how it must be run, read once per compiled unit in one
 * pass over the text (the host asks these on every request, per phase and host, so they are
 * never searched for again). A mention is enough: a word in a comment makes the unit look
 * heavier than it is, never lighter.
 *
 * @param usesRedis mentions {@code redis_client}: its calls block, so its phase runs off the event loop
 * @param sleeps    mentions {@code sleep} (ngx.sleep or a local alias of it) in a phase where
 *                  ngx.sleep is allowed: the call may wait, so it must not hold an event loop
 * @param readsBody mentions {@code read_body} or {@code discard_body}: the host reads the request
 *                  body before the request phases
 */
record UnitTraits(boolean usesRedis, boolean sleeps, boolean readsBody) {

    private static final Pattern WORDS = Pattern.compile("redis_client|read_body|discard_body|sleep");

    static UnitTraits of(ComputingUnit unit) {
        boolean redis = false;
        boolean sleep = false;
        boolean body = false;
        Matcher m = WORDS.matcher(unit.code());
        while (m.find() && !(redis && sleep && body)) {
            switch (m.group()) {
                case "redis_client" -> redis = true;
                case "sleep" -> sleep = true;
                default -> body = true;
            }
        }
        // ngx.sleep is refused outside rewrite/access/content: elsewhere the word changes nothing.
        return new UnitTraits(redis, sleep && CallContext.REQUEST.allows(unit.phase()), body);
    }

    /** True when a call may wait (Redis or ngx.sleep): such a step must run off an event loop. */
    boolean blocks() {
        return usesRedis || sleeps;
    }
}
