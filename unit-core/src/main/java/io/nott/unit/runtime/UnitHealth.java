package io.nott.unit.runtime;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.function.LongSupplier;

/**
 * What each unit version did on this node over a sliding window (issue #18): calls, errors,
 * timeouts, breaker trips, the unit's own exits by status class and a small duration histogram,
 * per unit id, role ({@code stable}/{@code canary}) and unit version. The edge puts
 * {@link #snapshot()} in its heartbeat; the registry adds the nodes' figures up and its rollout
 * controller compares canary with stable.
 *
 * <p>The window is {@link #SLICES} slices, each reset when the clock reaches it again, so a
 * reading covers between {@code window - slice} and {@code window} of traffic; lock-free on the
 * request path except at a slice's turn. Counting is per call of a request phase: a unit that
 * answered with {@code ngx.exit(500)} is one call and one 5xx exit; a Lua error is one error.
 */
public final class UnitHealth {

    /** Upper bounds of the duration histogram's buckets in microseconds; one more bucket holds the rest. */
    public static final long[] BOUNDS_MICROS = {100, 250, 500, 1_000, 2_500, 5_000, 10_000, 25_000, 50_000,
            100_000, 250_000, 500_000, 1_000_000, 2_500_000, 5_000_000};
    public static final int BUCKETS = BOUNDS_MICROS.length + 1;
    static final int SLICES = 6;

    private static final int CALLS = 0;
    private static final int ERRORS = 1;
    private static final int TIMEOUTS = 2;
    private static final int TRIPS = 3;
    private static final int EXITS = 4; // 2xx, 3xx, 4xx, 5xx
    private static final int HISTOGRAM = 8;
    private static final int FIELDS = HISTOGRAM + BUCKETS;

    /** A unit version's figures; {@code exits} is 2xx, 3xx, 4xx, 5xx; {@code histogram} has {@link #BUCKETS} counts. */
    public record Figures(String unitId, String role, long version, long calls, long errors, long timeouts,
                          long breakerTrips, long[] exits, long[] histogram) {

        /** The duration at quantile {@code q} in ms: the upper bound of the bucket it falls in (0 without calls). */
        public double percentileMillis(double q) {
            return UnitHealth.percentileMillis(histogram, q);
        }
    }

    /** One unit version's series; built once per snapshot entry, so recording a call allocates nothing. */
    record Key(String unitId, String role, long version) {
    }

    private static final class Slice {
        volatile long epoch = -1;
        final AtomicLongArray counts = new AtomicLongArray(FIELDS);
    }

    /**
     * One unit version's slices. A caller may keep it ({@link #series(Key)}) and record into it
     * without a lookup per call until {@link #snapshot()} drops it for being quiet ({@link #dropped()}).
     */
    static final class Series {
        final Slice[] slices = newSlices();
        volatile boolean dropped;

        /** True once the window dropped it: counts made here are lost, look the series up again. */
        boolean dropped() {
            return dropped;
        }
    }

    /**
     * The clock's millis: for a system clock (the edge's) {@link CoarseClock}'s, at most 250 ms old
     * and no system call per unit call (a slice is 10 s); a test's clock as it is.
     */
    private final LongSupplier millis;
    private final long sliceMillis;
    private final ConcurrentHashMap<Key, Series> series = new ConcurrentHashMap<>();

    /** A 60 s window. */
    public UnitHealth(Clock clock) {
        this(clock, Duration.ofSeconds(60));
    }

    public UnitHealth(Clock clock, Duration window) {
        this.millis = clock.getClass() == Clock.systemUTC().getClass() ? CoarseClock.get()::wallTime : clock::millis;
        this.sliceMillis = Math.max(1, window.toMillis() / SLICES);
    }

    /** The length of the window the figures cover. */
    public Duration window() {
        return Duration.ofMillis(sliceMillis * SLICES);
    }

    /** Counts one outcome of the unit version {@code key} names; skipped calls (sampled out) are not counted. */
    void record(UnitOutcome o, Key key) {
        if (o.kind() == UnitOutcome.Kind.SKIPPED) {
            return;
        }
        record(o, series(key));
    }

    /** The series of the unit version {@code key} names, to keep for {@link #record(UnitOutcome, Series)}. */
    Series series(Key key) {
        Series s = series.get(key);
        return s != null ? s : series.computeIfAbsent(key, k -> new Series());
    }

    /** Counts one outcome in a series {@link #series(Key)} gave (not {@link Series#dropped() dropped}). */
    void record(UnitOutcome o, Series s) {
        if (o.kind() == UnitOutcome.Kind.SKIPPED) {
            return;
        }
        Slice[] slices = s.slices;
        long epoch = millis.getAsLong() / sliceMillis;
        Slice slice = slices[(int) Math.floorMod(epoch, (long) SLICES)];
        if (slice.epoch != epoch) {
            synchronized (slice) {
                if (slice.epoch != epoch) {
                    for (int i = 0; i < FIELDS; i++) {
                        slice.counts.set(i, 0);
                    }
                    slice.epoch = epoch;
                }
            }
        }
        AtomicLongArray c = slice.counts;
        c.incrementAndGet(CALLS);
        switch (o.kind()) {
            case ERROR -> c.incrementAndGet(ERRORS);
            case TIMEOUT -> c.incrementAndGet(TIMEOUTS);
            case BREAKER_OPEN -> c.incrementAndGet(TRIPS);
            case EXIT -> {
                int cls = o.status() / 100;
                if (cls >= 2 && cls <= 5) {
                    c.incrementAndGet(EXITS + cls - 2);
                }
            }
            default -> {
            }
        }
        if (o.durationNanos() > 0) {
            c.incrementAndGet(HISTOGRAM + bucket(o.durationNanos() / 1000));
        }
    }

    /** Every unit version with calls in the window, by unit id, role and version; forgets the others. */
    public List<Figures> snapshot() {
        long now = millis.getAsLong() / sliceMillis;
        List<Figures> out = new ArrayList<>();
        for (Map.Entry<Key, Series> e : series.entrySet()) {
            long[] sum = new long[FIELDS];
            for (Slice s : e.getValue().slices) {
                long epoch = s.epoch;
                if (epoch >= 0 && now - epoch < SLICES) {
                    for (int i = 0; i < FIELDS; i++) {
                        sum[i] += s.counts.get(i);
                    }
                }
            }
            Key k = e.getKey();
            if (sum[CALLS] == 0) {
                // A quiet version drops out; whoever kept the series looks it up again. A request
                // racing this removal may count one call into the dropped series (lost, as before
                // the series could be kept) or start a fresh one.
                e.getValue().dropped = true;
                series.remove(k, e.getValue());
                continue;
            }
            out.add(new Figures(k.unitId(), k.role(), k.version(), sum[CALLS], sum[ERRORS], sum[TIMEOUTS], sum[TRIPS],
                    java.util.Arrays.copyOfRange(sum, EXITS, EXITS + 4),
                    java.util.Arrays.copyOfRange(sum, HISTOGRAM, FIELDS)));
        }
        out.sort(Comparator.comparing(Figures::unitId).thenComparing(Figures::role).thenComparingLong(Figures::version));
        return out;
    }

    /** The duration at quantile {@code q} in ms of a histogram with {@link #BUCKETS} counts; 0 when empty. */
    public static double percentileMillis(long[] histogram, double q) {
        long total = 0;
        for (long n : histogram) {
            total += n;
        }
        if (total == 0) {
            return 0;
        }
        long rank = (long) Math.ceil(q * total);
        long seen = 0;
        for (int i = 0; i < histogram.length; i++) {
            seen += histogram[i];
            if (seen >= Math.max(1, rank)) {
                // the open-ended last bucket is reported as twice the last bound: "more than 5 s"
                long bound = i < BOUNDS_MICROS.length ? BOUNDS_MICROS[i] : BOUNDS_MICROS[BOUNDS_MICROS.length - 1] * 2;
                return bound / 1000.0;
            }
        }
        return 0;
    }

    static int bucket(long micros) {
        for (int i = 0; i < BOUNDS_MICROS.length; i++) {
            if (micros <= BOUNDS_MICROS[i]) {
                return i;
            }
        }
        return BOUNDS_MICROS.length;
    }

    private static Slice[] newSlices() {
        Slice[] slices = new Slice[SLICES];
        for (int i = 0; i < SLICES; i++) {
            slices[i] = new Slice();
        }
        return slices;
    }
}
