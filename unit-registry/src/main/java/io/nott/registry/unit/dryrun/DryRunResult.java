package io.nott.registry.unit.dryrun;

import java.util.List;
import java.util.Map;

/**
 * What a dry run produced: the response as a client would get it, the log lines, the overall
 * outcome ({@code ok}, {@code exit}, {@code error}, {@code timeout}...), and per unit call its
 * outcome, duration and instruction count.
 */
public record DryRunResult(int status, Map<String, List<String>> headers, String body, List<String> logs,
        String outcome, long durationMicros, long instructions, List<UnitCall> units, Map<String, String> compileErrors,
        Map<String, List<String>> requestHeaders) {

    /** One unit call. */
    public record UnitCall(String unitId, String phase, String kind, long durationMicros, long instructions,
            Integer status, String message) {
    }
}
