package io.nott.conformance;

/**
 * How one case came out.
 *
 * @param kind   the outcome
 * @param detail what differed, or why the case failed; empty for a match
 */
record Verdict(String id, String area, Kind kind, String detail) {

    enum Kind {
        /** The edge answers what nginx answers. */
        MATCH(true),
        /** The edge differs and accepted-differences.txt lists the case. */
        ACCEPTED(true),
        /** The edge differs and the case is not listed. */
        DIFFERS(false),
        /** Listed in accepted-differences.txt, yet the edge now matches: remove the listing. */
        STALE_LISTING(false),
        /** nginx no longer answers the recorded expectation, has none recorded, or refused the case. */
        NGINX_CHANGED(false);

        final boolean passes;

        Kind(boolean passes) {
            this.passes = passes;
        }
    }
}
