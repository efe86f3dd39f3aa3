package io.nott.unit.runtime;

import java.util.List;

/**
 * The result of running one phase's units for one request.
 *
 * @param action   what the host does next
 * @param status   for {@code EXIT} the status to answer with (from {@code ngx.exit}, {@code ngx.redirect}
 *                 or 500 by a {@code closed} failure policy); for {@code RESPONSE} the status of the
 *                 generated response; 0 for {@code CONTINUE}
 * @param outcomes one outcome per unit considered, in run order
 */
public record PhaseResult(Action action, int status, List<UnitOutcome> outcomes) {

    public enum Action {
        /** Go on with the request (proxy, next phase). */
        CONTINUE,
        /**
         * Finish the request now with {@link #status()}: an error page, or a redirect whose
         * {@code Location} is in {@link RequestState#headerChanges()}; headers set before still apply.
         * From header_filter ({@code ngx.exit}, or a {@code closed} failure as 500): the response
         * becomes the answer for that status. The request pipeline turns it into nginx's answer.
         */
        EXIT,
        /** A unit produced the response ({@code ngx.say}/{@code ngx.print}): send {@link RequestState#body()} with {@link #status()}. */
        RESPONSE
    }

    public static final PhaseResult EMPTY = new PhaseResult(Action.CONTINUE, 0, List.of());

    public boolean isContinue() {
        return action == Action.CONTINUE;
    }
}
