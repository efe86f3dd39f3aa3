package io.nott.unit.runtime;

import io.nott.unit.model.Canary;
import java.time.Clock;

/**
 * Which version of a unit serves a request when it has a canary (issue #18): nginx's
 * {@code split_clients} on the canary's key. The side is a hash of the unit id and the key's value,
 * so it needs no state: the same viewer lands on the same side on every request and every edge,
 * and raising the share only moves viewers from stable to canary, never back.
 */
public final class CanarySplit {

    private CanarySplit() {
    }

    /** The entry that serves this request: the unit's canary for its share, else the unit itself. */
    static UnitSnapshot.Entry choose(UnitSnapshot.Entry entry, HttpExchange exchange, RequestState state, Clock clock) {
        UnitSnapshot.Entry canary = entry.canary;
        if (canary == null) {
            return entry;
        }
        Canary c = entry.unit().canary();
        if (c.percent() <= 0) {
            return entry;
        }
        if (c.percent() >= 100) {
            return canary;
        }
        String value = NgxVariables.resolve(c.key(), exchange, state, clock);
        return onCanary(entry.unit().id(), value, c.percent()) ? canary : entry;
    }

    /**
     * True when a request whose key has {@code value} runs the canary of unit {@code unitId} at
     * {@code percent}. A missing value (no such cookie) is the empty string: such requests all
     * land on one side, which is nginx's behaviour for an empty {@code split_clients} key too.
     */
    public static boolean onCanary(String unitId, String value, int percent) {
        // salted apart from unit sampling, so a unit sampled by the same key is not split along the same line
        return PhaseRunner.bucket("canary\u0000", unitId, value == null ? "" : value) < percent;
    }
}
