package io.nott.registry.unit.rest;

import io.nott.registry.error.RegistryException;
import io.nott.unit.model.Phase;
import java.util.List;
import java.util.Locale;
import java.util.function.Predicate;

/**
 * Filters and one page of {@code GET /api/v1/units} (issue #17: 10,000 units are too many for one
 * answer a browser renders). Without parameters the answer is every unit, as before. Paging is
 * by offset over the filtered list, which is sorted (registry units by id, then legacy ones) and
 * taken at one global version: a client pages with {@code If-None-Match}-free GETs and compares
 * the {@code version} of each page to notice a change in between.
 */
public record UnitListQuery(Integer limit, int offset, Phase phase, String host, String prefix) {

    /** The most units one page may hold. */
    public static final int MAX_LIMIT = 1000;

    public static UnitListQuery parse(String limit, String offset, String phase, String host, String prefix) {
        Integer pageSize = limit == null ? null : number("limit", limit, 1, MAX_LIMIT);
        int from = offset == null ? 0 : number("offset", offset, 0, Integer.MAX_VALUE);
        Phase inPhase = null;
        if (phase != null) {
            try {
                inPhase = Phase.parse(phase);
            } catch (IllegalArgumentException e) {
                throw RegistryException.badRequest("phase", e.getMessage());
            }
        }
        return new UnitListQuery(pageSize, from, inPhase, blankToNull(host), blankToNull(prefix));
    }

    private static int number(String field, String text, int min, int max) {
        try {
            int value = Integer.parseInt(text.trim());
            if (value >= min && value <= max) {
                return value;
            }
        } catch (NumberFormatException e) {
            // answered below, with the range
        }
        throw RegistryException.badRequest(field, field + " must be a whole number from " + min + " to " + max + ", not '"
                + text + "'");
    }

    private static String blankToNull(String text) {
        return text == null || text.isBlank() ? null : text.trim();
    }

    private Predicate<UnitView> filter() {
        return unit -> (phase == null || phase == unit.phase())
                && (prefix == null || unit.id().startsWith(prefix))
                && (host == null || (unit.hosts() != null
                        && unit.hosts().stream().anyMatch(h -> h.toLowerCase(Locale.ROOT).equals(host.toLowerCase(Locale.ROOT)))));
    }

    /** The page of {@code all} (already in list order) this query asks for, with the count of every match. */
    public UnitListView page(long version, List<UnitView> all) {
        List<UnitView> matching = all.stream().filter(filter()).toList();
        int from = Math.min(offset, matching.size());
        int to = limit == null ? matching.size() : (int) Math.min((long) from + limit, matching.size());
        return new UnitListView(version, matching.subList(from, to), matching.size(), to < matching.size() ? to : null);
    }
}
