package io.nott.unit.codec;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * What one committed registry version changed, as published on {@link RedisSchema#CHANGES_CHANNEL}
 * and kept in {@link RedisSchema#CHANGE_LOG}: the edge fetches and compiles only {@code units}
 * (and re-reads the shared dicts when {@code dicts}).
 *
 * <p>On the wire (JSON): {@code {"version":12,"committed_at_ms":1764633600123,"units":["a","b"],"dicts":false}};
 * {@code "units":"*"} when the change is too large to list ({@link #all()}: fetch everything). A
 * bare number (what older registries and redis-cli publish) parses as a notice whose units are not
 * known ({@link #known()} false): the edge looks the version up in the change log.
 *
 * @param version           the new {@code {cu}:version}
 * @param committedAtMillis the registry's clock when the transaction committed (epoch ms), 0 when
 *                          unknown; for propagation metrics (commit → edge applied)
 * @param units             the ids written or deleted (sorted), empty with {@code all}
 * @param dicts             whether {@code {cu}:shared-dicts} changed
 * @param all               too many ids to list: every unit may have changed
 * @param known             false for a bare version number: what changed must be looked up
 */
public record ChangeNotice(long version, long committedAtMillis, Set<String> units, boolean dicts, boolean all,
        boolean known) {

    /** Above this many ids a notice says "everything" instead of listing them (messages stay small). */
    public static final int MAX_LISTED_IDS = 1000;

    public ChangeNotice {
        units = Set.copyOf(units);
    }

    /** The notice of a commit that changed {@code ids} (and the dicts when {@code dicts}). */
    public static ChangeNotice of(long version, long committedAtMillis, Collection<String> ids, boolean dicts) {
        if (ids.size() > MAX_LISTED_IDS) {
            return new ChangeNotice(version, committedAtMillis, Set.of(), dicts, true, true);
        }
        return new ChangeNotice(version, committedAtMillis, new TreeSet<>(ids), dicts, false, true);
    }

    /** A bare version: something changed, what is not said. */
    public static ChangeNotice unknown(long version) {
        return new ChangeNotice(version, 0, Set.of(), false, false, false);
    }

    public String toJson() {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("version", version);
        doc.put("committed_at_ms", committedAtMillis);
        doc.put("units", all ? "*" : new ArrayList<>(new TreeSet<>(units)));
        doc.put("dicts", dicts);
        return Json.write(doc);
    }

    /**
     * A message of {@link RedisSchema#CHANGES_CHANNEL} or a {@code notice} field of the change log.
     *
     * @throws IllegalArgumentException when it is neither a number nor a notice, naming what it got
     */
    public static ChangeNotice parse(String message) {
        String text = message == null ? "" : message.strip();
        if (!text.isEmpty() && text.chars().allMatch(Character::isDigit)) {
            return unknown(Long.parseLong(text));
        }
        Object parsed;
        try {
            parsed = Json.parse(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("not a change notice (" + e.getMessage() + "): " + abbreviate(text), e);
        }
        if (!(parsed instanceof Map<?, ?> doc) || !(doc.get("version") instanceof Long version)) {
            throw new IllegalArgumentException("a change notice needs a numeric \"version\": " + abbreviate(text));
        }
        long at = doc.get("committed_at_ms") instanceof Long l ? l : 0;
        boolean dicts = Boolean.TRUE.equals(doc.get("dicts"));
        Object units = doc.get("units");
        if ("*".equals(units)) {
            return new ChangeNotice(version, at, Set.of(), dicts, true, true);
        }
        if (!(units instanceof List<?> list) || !list.stream().allMatch(String.class::isInstance)) {
            throw new IllegalArgumentException("a change notice's \"units\" is \"*\" or an array of ids: " + abbreviate(text));
        }
        List<String> ids = list.stream().map(String.class::cast).toList();
        return new ChangeNotice(version, at, new TreeSet<>(ids), dicts, false, true);
    }

    private static String abbreviate(String text) {
        return text.length() <= 120 ? text : text.substring(0, 120) + "...";
    }
}
