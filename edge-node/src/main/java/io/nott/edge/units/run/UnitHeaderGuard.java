package io.nott.edge.units.run;

import io.nott.edge.upstream.HopByHop;
import java.util.List;

/**
 * The edge's boundary for headers units set (issue #15), applied where they reach the live
 * request and response rather than in the {@code ngx} setters: framing headers
 * ({@code Content-Length}, {@code Transfer-Encoding}) and hop-by-hop ones are the edge's, decided
 * by the body it really sends, so a unit's value is ignored (a unit setting
 * {@code Content-Length: 40} on a request without a body would otherwise make the upstream wait for
 * 40 bytes that never come); and the count and bytes of headers units set per request are
 * bounded, so a runaway unit ends in a 500 the edge can still write instead of a head no client
 * or encoder accepts.
 */
final class UnitHeaderGuard {

    private final UnitOutputLimits limits;
    private int count;
    private long bytes;
    private String overflow;

    UnitHeaderGuard(UnitOutputLimits limits) {
        this.limits = limits;
    }

    /** True for headers whose value the edge decides, whatever a unit says. */
    static boolean edgeOwned(String name) {
        return name.equalsIgnoreCase("Content-Length") || HopByHop.isHopByHop(name);
    }

    /** Charges a header a unit sets; false (and the request marked) once the limits are passed. */
    boolean admit(String name, List<String> values) {
        if (overflow != null) {
            return false;
        }
        count += Math.max(1, values.size());
        bytes += name.length() + 4L; // ": " and CRLF
        for (String value : values) {
            bytes += value == null ? 0 : value.length() + name.length() + 4L;
        }
        if (count > limits.maxCount() || bytes > limits.maxBytes()) {
            overflow = "units set more than " + limits.maxCount() + " headers or " + limits.maxBytes()
                    + " bytes of headers (at '" + abbreviate(name) + "')";
            return false;
        }
        return true;
    }

    /** Why the limits were passed, or null. */
    String overflow() {
        return overflow;
    }

    private static String abbreviate(String name) {
        return name.length() <= 64 ? name : name.substring(0, 64) + "...";
    }
}
