package io.nott.unit.codec;

import io.nott.unit.model.Budget;
import io.nott.unit.model.Canary;
import io.nott.unit.model.ComputingUnit;
import io.nott.unit.model.FailurePolicy;
import io.nott.unit.model.Phase;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code {cu}:unit:<id>} hash fields &lt;-&gt; {@link ComputingUnit}. All values are strings;
 * {@code hosts} and {@code paths} are JSON arrays of strings (regexes may contain commas; {@code paths}
 * is written only when not empty, so a path-less unit's hash is what it was before path scopes),
 * {@code updated_at} is
 * ISO-8601. Missing optional fields take their defaults so older hashes keep loading. A canary
 * (issue #18) is four {@code canary_*} fields, written only when there is one, so a unit without
 * a canary hashes as it did before.
 */
public final class UnitHashCodec {

    public static final String ID = "id";
    public static final String PHASE = "phase";
    public static final String CODE = "code";
    public static final String HOSTS = "hosts";
    public static final String PATHS = "paths";
    public static final String SAMPLING = "sampling";
    public static final String SAMPLING_KEY = "sampling_key";
    public static final String ORDER = "order";
    public static final String ENABLED = "enabled";
    public static final String BUDGET_INSTRUCTIONS = "budget_instructions";
    public static final String BUDGET_WALL_MS = "budget_wall_ms";
    public static final String FAILURE = "failure";
    public static final String VERSION = "version";
    public static final String UPDATED_AT = "updated_at";
    public static final String UPDATED_BY = "updated_by";
    public static final String CANARY_CODE = "canary_code";
    public static final String CANARY_PERCENT = "canary_percent";
    public static final String CANARY_KEY = "canary_key";
    public static final String CANARY_VERSION = "canary_version";

    /** Every field a unit hash may hold. */
    static final List<String> FIELDS = List.of(ID, PHASE, CODE, HOSTS, PATHS, SAMPLING, SAMPLING_KEY, ORDER, ENABLED,
            BUDGET_INSTRUCTIONS, BUDGET_WALL_MS, FAILURE, VERSION, UPDATED_AT, UPDATED_BY, CANARY_CODE, CANARY_PERCENT,
            CANARY_KEY, CANARY_VERSION);

    private UnitHashCodec() {
    }

    public static Map<String, String> encode(ComputingUnit u) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put(ID, u.id());
        m.put(PHASE, u.phase().luaName());
        m.put(CODE, u.code());
        m.put(HOSTS, Json.write(u.hosts()));
        if (!u.paths().isEmpty()) {
            m.put(PATHS, Json.write(u.paths()));
        }
        m.put(SAMPLING, Integer.toString(u.sampling()));
        if (u.samplingKey() != null) {
            m.put(SAMPLING_KEY, u.samplingKey());
        }
        m.put(ORDER, Integer.toString(u.order()));
        m.put(ENABLED, Boolean.toString(u.enabled()));
        m.put(BUDGET_INSTRUCTIONS, Long.toString(u.budget().instructions()));
        m.put(BUDGET_WALL_MS, Long.toString(u.budget().wallMillis()));
        m.put(FAILURE, u.failure().wireName());
        m.put(VERSION, Long.toString(u.version()));
        if (u.updatedAt() != null) {
            m.put(UPDATED_AT, u.updatedAt().toString());
        }
        if (u.updatedBy() != null) {
            m.put(UPDATED_BY, u.updatedBy());
        }
        if (u.canary() != null) {
            m.put(CANARY_CODE, u.canary().code());
            m.put(CANARY_PERCENT, Integer.toString(u.canary().percent()));
            m.put(CANARY_KEY, u.canary().key());
            m.put(CANARY_VERSION, Long.toString(u.canary().version()));
        }
        return m;
    }

    /** @throws UnitCodecException naming the field that is missing or malformed */
    public static ComputingUnit decode(Map<String, String> h) {
        String id = required(h, ID);
        Phase phase;
        try {
            phase = Phase.parse(required(h, PHASE));
        } catch (IllegalArgumentException e) {
            throw new UnitCodecException(PHASE, e.getMessage());
        }
        String code = required(h, CODE);
        List<String> hosts = strings(HOSTS, h.get(HOSTS));
        List<String> paths = strings(PATHS, h.get(PATHS));
        int sampling = (int) number(h, SAMPLING, 100);
        int order = (int) number(h, ORDER, 0);
        String enabled = h.getOrDefault(ENABLED, "true");
        if (!enabled.equals("true") && !enabled.equals("false")) {
            throw new UnitCodecException(ENABLED, "expected true or false, got '" + enabled + "'");
        }
        Budget budget;
        try {
            budget = new Budget(number(h, BUDGET_INSTRUCTIONS, Budget.DEFAULT.instructions()),
                    number(h, BUDGET_WALL_MS, Budget.DEFAULT.wallMillis()));
        } catch (IllegalArgumentException e) {
            throw new UnitCodecException("budget", e.getMessage());
        }
        FailurePolicy failure;
        try {
            failure = h.containsKey(FAILURE) ? FailurePolicy.parse(h.get(FAILURE)) : FailurePolicy.OPEN;
        } catch (IllegalArgumentException e) {
            throw new UnitCodecException(FAILURE, e.getMessage());
        }
        Instant updatedAt = null;
        if (h.get(UPDATED_AT) != null) {
            try {
                updatedAt = instant(h.get(UPDATED_AT));
            } catch (DateTimeParseException e) {
                throw new UnitCodecException(UPDATED_AT, "not an ISO-8601 instant: '" + h.get(UPDATED_AT) + "'");
            }
        }
        return new ComputingUnit(id, phase, code, hosts, paths, sampling, h.get(SAMPLING_KEY), order,
                Boolean.parseBoolean(enabled), budget, failure, number(h, VERSION, 0), updatedAt,
                h.get(UPDATED_BY), false, canary(h));
    }

    /**
     * {@code text} as an instant: what {@link Instant#toString} writes (the registry's
     * {@code updated_at}: {@code 2026-12-03T02:21:00.123456Z}) read directly, anything else by
     * {@link Instant#parse}. An edge decodes 10,000 of them per full read, and the formatter's
     * parse cost a few microseconds and a kilobyte of garbage each.
     */
    static Instant instant(String text) {
        int n = text.length();
        if (n < 20 || n > 30 || n == 21 || text.charAt(n - 1) != 'Z' || text.charAt(4) != '-' || text.charAt(7) != '-'
                || text.charAt(10) != 'T' || text.charAt(13) != ':' || text.charAt(16) != ':'
                || (n > 20 && text.charAt(19) != '.')) {
            return Instant.parse(text);
        }
        int year = digits(text, 0, 4);
        int month = digits(text, 5, 7);
        int day = digits(text, 8, 10);
        int hour = digits(text, 11, 13);
        int minute = digits(text, 14, 16);
        int second = digits(text, 17, 19);
        int fraction = n > 20 ? digits(text, 20, n - 1) : 0;
        if (year < 0 || month < 1 || month > 12 || day < 1 || day > 28 && day > java.time.YearMonth.of(year, month).lengthOfMonth()
                || hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 59 || fraction < 0) {
            return Instant.parse(text); // not the plain form (or not a date): the formatter decides and explains
        }
        long nanos = fraction;
        for (int i = n - 1 - 20; n > 20 && i < 9; i++) {
            nanos *= 10;
        }
        long epochDay = java.time.LocalDate.of(year, month, day).toEpochDay();
        return Instant.ofEpochSecond(epochDay * 86_400 + hour * 3_600L + minute * 60L + second, nanos);
    }

    /** The decimal number in {@code text[from, to)}; -1 when a character is not a digit. */
    private static int digits(String text, int from, int to) {
        int value = 0;
        for (int i = from; i < to; i++) {
            char c = text.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            value = value * 10 + (c - '0');
        }
        return value;
    }

    private static Canary canary(Map<String, String> h) {
        String code = h.get(CANARY_CODE);
        if (code == null) {
            return null;
        }
        return new Canary(code, (int) number(h, CANARY_PERCENT, 0), h.get(CANARY_KEY), number(h, CANARY_VERSION, 0));
    }

    private static String required(Map<String, String> h, String field) {
        String v = h.get(field);
        if (v == null) {
            throw new UnitCodecException(field, "missing");
        }
        return v;
    }

    private static long number(Map<String, String> h, String field, long dflt) {
        String v = h.get(field);
        if (v == null) {
            return dflt;
        }
        try {
            return Long.parseLong(v.trim());
        } catch (NumberFormatException e) {
            throw new UnitCodecException(field, "expected an integer, got '" + v + "'");
        }
    }

    private static List<String> strings(String field, String json) {
        if (json == null || json.isBlank()) {
            return List.of();
        }
        Object parsed;
        try {
            parsed = Json.parse(json);
        } catch (IllegalArgumentException e) {
            throw new UnitCodecException(field, e.getMessage());
        }
        if (!(parsed instanceof List<?> list)) {
            throw new UnitCodecException(field, "expected a JSON array of strings");
        }
        List<String> out = new ArrayList<>();
        for (Object o : list) {
            if (!(o instanceof String s)) {
                throw new UnitCodecException(field, "expected a JSON array of strings, found " + o);
            }
            out.add(s);
        }
        return out;
    }
}
