package io.nott.unit.runtime.shared;

import java.time.Clock;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One {@code lua_shared_dict}: a bounded key/value store shared by every unit and thread of a node,
 * with lua-nginx-module's semantics (its {@code ngx_http_lua_shdict.c} and lua-resty-core's
 * {@code shdict.lua}, checked against nginx + libnginx-mod-http-lua): flags, TTLs in milliseconds,
 * lazy expiry (each write and {@code get} frees at most two expired entries from the LRU end; an
 * expired entry stays readable through {@code get_stale} until then), LRU eviction by force when a
 * {@code set}/{@code add}/{@code replace}/{@code incr} with init does not fit ({@code forcible}),
 * lists.
 *
 * <p>Thread-safe with one short lock per dict, as nginx takes the zone's mutex around every
 * operation; nothing under the lock allocates more than the entry being stored. Values are
 * {@code byte[]} (strings, stored as given: callers must not change them afterwards),
 * {@link Double} or {@link Boolean}; keys are byte strings held as ISO-8859-1 {@link String}s
 * (lossless). Memory is counted with {@link SlabModel} against the declared size.
 */
public final class SharedDict {

    /** What the store operations do when the key exists or not, as lua-nginx-module's flags. */
    public enum Op {
        SET(false, false, false), SAFE_SET(false, false, true), ADD(true, false, false), SAFE_ADD(true, false, true),
        REPLACE(false, true, false);

        final boolean add;
        final boolean replace;
        final boolean safe;

        Op(boolean add, boolean replace, boolean safe) {
            this.add = add;
            this.replace = replace;
            this.safe = safe;
        }
    }

    /** {@code get}/{@code get_stale}: the value ({@link #LIST} for a list), its flags, whether expired. */
    public record Value(Object value, int flags, boolean stale) {
    }

    /** A store's answer: {@code ok, err, forcible} as Lua sees them. */
    public record Stored(boolean ok, String err, boolean forcible) {
    }

    /** {@code incr}'s answer: the new value or an error, and whether the init insert evicted entries. */
    public record Incremented(Double value, String err, boolean forcible) {
    }

    /** {@code lpush}/{@code rpush}/{@code llen}: the list's length or an error. */
    public record Length(long length, String err) {
    }

    /** {@code lpop}/{@code rpop}: the value (null for a missing key) or an error. */
    public record Popped(Object value, String err) {
    }

    /** Marks a list value in {@link Value#value()}. */
    public static final Object LIST = new Object();

    public static final String NOT_FOUND = "not found";
    public static final String EXISTS = "exists";
    public static final String NO_MEMORY = "no memory";
    public static final String NOT_A_NUMBER = "not a number";
    public static final String NOT_A_LIST = "value not a list";

    private static final class Entry {
        Object value;
        int flags;
        /** Epoch millis; 0 = never. */
        long expires;
        long bytes;
    }

    private static final class ListValue {
        final ArrayDeque<Object> items = new ArrayDeque<>();
    }

    private final String name;
    private final Clock clock;
    private final ReentrantLock lock = new ReentrantLock();
    /** Access order: iteration starts at the least recently used entry (nginx's LRU queue tail). */
    private final LinkedHashMap<String, Entry> entries = new LinkedHashMap<>(64, 0.75f, true);
    private long declared;
    private long usable;
    private long used;
    private long evictions;

    public SharedDict(String name, long declaredBytes, Clock clock) {
        this.name = name;
        this.clock = clock;
        this.declared = declaredBytes;
        this.usable = SlabModel.usable(declaredBytes);
    }

    public String name() {
        return name;
    }

    // ---- reads ------------------------------------------------------------------------------

    /** {@code get} (stale = false: expired entries are absent) or {@code get_stale}; null when absent. */
    public Value get(String key, boolean stale) {
        lock.lock();
        try {
            long now = clock.millis();
            if (!stale) {
                expire(now, 1);
            }
            Entry e = entries.get(key);
            if (e == null) {
                return null;
            }
            boolean expired = expired(e, now);
            if (expired && !stale) {
                return null;
            }
            Object v = e.value instanceof ListValue ? LIST : e.value;
            return new Value(v, e.flags, expired);
        } finally {
            lock.unlock();
        }
    }

    /** Seconds to live (negative once expired but not yet freed), 0 for no expiry, null when absent. */
    public Double ttl(String key) {
        lock.lock();
        try {
            Entry e = entries.get(key);
            if (e == null) {
                return null;
            }
            return e.expires == 0 ? 0.0 : (e.expires - clock.millis()) / 1000.0;
        } finally {
            lock.unlock();
        }
    }

    /** Sets a new time to live (0 = none), even on an expired entry not yet freed; false when absent. */
    public boolean expire(String key, long ttlMillis) {
        lock.lock();
        try {
            Entry e = entries.get(key);
            if (e == null) {
                return false;
            }
            e.expires = deadline(ttlMillis, clock.millis());
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** {@code get_keys}: unexpired keys, most recently used first, at most {@code max} (0 = all). */
    public List<String> keys(int max) {
        lock.lock();
        try {
            long now = clock.millis();
            List<String> keys = new ArrayList<>();
            for (Map.Entry<String, Entry> e : entries.reversed().entrySet()) {
                if (!expired(e.getValue(), now)) {
                    keys.add(e.getKey());
                    if (max > 0 && keys.size() >= max) {
                        break;
                    }
                }
            }
            return keys;
        } finally {
            lock.unlock();
        }
    }

    // ---- writes -----------------------------------------------------------------------------

    /**
     * {@code set}/{@code safe_set}/{@code add}/{@code safe_add}/{@code replace}; a null value deletes.
     * {@code ttlMillis} 0 = no expiry.
     */
    public Stored store(Op op, String key, Object value, long ttlMillis, int flags) {
        lock.lock();
        try {
            long now = clock.millis();
            expire(now, 1);
            Entry e = entries.get(key);
            boolean live = e != null && !expired(e, now);
            if (op.replace && !live) {
                return new Stored(false, NOT_FOUND, false);
            }
            if (op.add && live) {
                return new Stored(false, EXISTS, false);
            }
            if (e != null) {
                remove(key, e);
            }
            if (value == null) {
                return new Stored(true, null, false);
            }
            Entry fresh = new Entry();
            fresh.value = value;
            fresh.flags = flags;
            fresh.expires = deadline(ttlMillis, now);
            fresh.bytes = SlabModel.entry(key.length(), valueBytes(value));
            boolean[] forcible = new boolean[1];
            if (!reserve(fresh.bytes, !op.safe, forcible, now)) {
                return new Stored(false, NO_MEMORY, forcible[0]);
            }
            entries.put(key, fresh);
            return new Stored(true, null, forcible[0]);
        } finally {
            lock.unlock();
        }
    }

    /**
     * {@code incr}: adds {@code by} to a number; with {@code init} a missing (or expired) key is
     * created as {@code init + by} with {@code initTtlMillis} (0 = none) and flags 0.
     */
    public Incremented incr(String key, double by, Double init, long initTtlMillis) {
        lock.lock();
        try {
            long now = clock.millis();
            expire(now, 1);
            Entry e = entries.get(key);
            if (e == null || expired(e, now)) {
                if (init == null) {
                    return new Incremented(null, NOT_FOUND, false);
                }
                if (e != null) {
                    remove(key, e);
                }
                Entry fresh = new Entry();
                fresh.value = init + by;
                fresh.expires = deadline(initTtlMillis, now);
                fresh.bytes = SlabModel.entry(key.length(), 8);
                boolean[] forcible = new boolean[1];
                if (!reserve(fresh.bytes, true, forcible, now)) {
                    return new Incremented(null, NO_MEMORY, forcible[0]);
                }
                entries.put(key, fresh);
                return new Incremented((Double) fresh.value, null, forcible[0]);
            }
            if (!(e.value instanceof Double d)) {
                return new Incremented(null, NOT_A_NUMBER, false);
            }
            e.value = d + by;
            return new Incremented((Double) e.value, null, false);
        } finally {
            lock.unlock();
        }
    }

    /** {@code lpush} ({@code left}) / {@code rpush}: the value is a {@code byte[]} or a {@link Double}. */
    public Length push(String key, Object value, boolean left) {
        lock.lock();
        try {
            long now = clock.millis();
            expire(now, 1);
            Entry e = entries.get(key);
            if (e != null && expired(e, now)) {
                remove(key, e);
                e = null;
            }
            if (e != null && !(e.value instanceof ListValue)) {
                return new Length(0, NOT_A_LIST);
            }
            if (e == null) {
                e = new Entry();
                e.value = new ListValue();
                e.bytes = SlabModel.entry(key.length(), 16);
                if (!reserve(e.bytes, true, new boolean[1], now)) {
                    return new Length(0, NO_MEMORY);
                }
                entries.put(key, e);
            }
            ListValue list = (ListValue) e.value;
            long item = SlabModel.listItem(valueBytes(value));
            // nginx does not evict for a list item: it fails, dropping a list it has just made.
            if (!fits(item)) {
                if (list.items.isEmpty()) {
                    remove(key, e);
                }
                return new Length(0, NO_MEMORY);
            }
            used += item;
            e.bytes += item;
            if (left) {
                list.items.addFirst(value);
            } else {
                list.items.addLast(value);
            }
            return new Length(list.items.size(), null);
        } finally {
            lock.unlock();
        }
    }

    /** {@code lpop} ({@code left}) / {@code rpop}; an emptied list is removed. */
    public Popped pop(String key, boolean left) {
        lock.lock();
        try {
            long now = clock.millis();
            expire(now, 1);
            Entry e = entries.get(key);
            if (e == null || expired(e, now)) {
                return new Popped(null, null);
            }
            if (!(e.value instanceof ListValue list)) {
                return new Popped(null, NOT_A_LIST);
            }
            Object v = left ? list.items.pollFirst() : list.items.pollLast();
            long item = SlabModel.listItem(valueBytes(v));
            used -= item;
            e.bytes -= item;
            if (list.items.isEmpty()) {
                remove(key, e);
            }
            return new Popped(v, null);
        } finally {
            lock.unlock();
        }
    }

    /** {@code llen}: 0 for a missing or expired key. */
    public Length llen(String key) {
        lock.lock();
        try {
            long now = clock.millis();
            expire(now, 1);
            Entry e = entries.get(key);
            if (e == null || expired(e, now)) {
                return new Length(0, null);
            }
            if (!(e.value instanceof ListValue list)) {
                return new Length(0, NOT_A_LIST);
            }
            return new Length(list.items.size(), null);
        } finally {
            lock.unlock();
        }
    }

    /**
     * {@code flush_all}: every entry expires (nginx sets {@code expires = 1}, far in the past) and,
     * as nginx then calls its expire with n = 0, up to three from the LRU end are freed at once;
     * the rest stay readable by {@code get_stale} until freed.
     */
    public void flushAll() {
        lock.lock();
        try {
            entries.values().forEach(e -> e.expires = 1);
            expire(clock.millis(), 0);
        } finally {
            lock.unlock();
        }
    }

    /** {@code flush_expired}: frees expired entries, at most {@code max} (0 = all); how many were freed. */
    public int flushExpired(int max) {
        lock.lock();
        try {
            long now = clock.millis();
            int freed = 0;
            for (Iterator<Entry> it = entries.values().iterator(); it.hasNext(); ) {
                Entry e = it.next();
                if (e.expires != 0 && e.expires <= now) {
                    it.remove();
                    used -= e.bytes;
                    freed++;
                    if (max > 0 && freed >= max) {
                        break;
                    }
                }
            }
            return freed;
        } finally {
            lock.unlock();
        }
    }

    // ---- sizes ------------------------------------------------------------------------------

    /** {@code capacity()}: the declared size in bytes. */
    public long capacity() {
        lock.lock();
        try {
            return declared;
        } finally {
            lock.unlock();
        }
    }

    /** {@code free_space()}: free whole pages in bytes (0 once less than a page is left). */
    public long freeSpace() {
        lock.lock();
        try {
            return Math.max(0, (usable - used) / SlabModel.PAGE * SlabModel.PAGE);
        } finally {
            lock.unlock();
        }
    }

    /** Bytes the entries take (never above the usable part of the declared size). */
    public long used() {
        lock.lock();
        try {
            return used;
        } finally {
            lock.unlock();
        }
    }

    /** Entries held, expired ones not yet freed included. */
    public int size() {
        lock.lock();
        try {
            return entries.size();
        } finally {
            lock.unlock();
        }
    }

    /** Unexpired entries removed by force to make room ({@code forcible} stores). */
    public long evictions() {
        lock.lock();
        try {
            return evictions;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Changes the declared size (a snapshot re-declared the dict); when it shrinks, the least
     * recently used entries go until the rest fits. The contents survive, as nginx's zones
     * survive a reload.
     */
    public void resize(long declaredBytes) {
        lock.lock();
        try {
            declared = declaredBytes;
            usable = SlabModel.usable(declaredBytes);
            long now = clock.millis();
            Iterator<Map.Entry<String, Entry>> it = entries.entrySet().iterator();
            while (used > usable && it.hasNext()) {
                Entry e = it.next().getValue();
                it.remove();
                used -= e.bytes;
                if (!expired(e, now)) {
                    evictions++;
                }
            }
        } finally {
            lock.unlock();
        }
    }

    // ---- internals (lock held) --------------------------------------------------------------

    private static boolean expired(Entry e, long now) {
        return e.expires != 0 && e.expires < now;
    }

    private static long deadline(long ttlMillis, long now) {
        return ttlMillis > 0 ? now + ttlMillis : 0;
    }

    private static int valueBytes(Object value) {
        if (value instanceof byte[] b) {
            return b.length;
        }
        return value instanceof Boolean ? 1 : 8;
    }

    private void remove(String key, Entry e) {
        entries.remove(key);
        used -= e.bytes;
    }

    /**
     * Makes room for {@code bytes}; with {@code force}, as nginx does up to 30 times, evicts the
     * least recently used entry (and up to two expired ones after it) and sets {@code forcible}.
     */
    private boolean reserve(long bytes, boolean force, boolean[] forcible, long now) {
        if (fits(bytes)) {
            used += bytes;
            return true;
        }
        if (!force) {
            return false;
        }
        for (int i = 0; i < 30 && !fits(bytes); i++) {
            if (expire(now, 0) == 0) {
                break;
            }
            forcible[0] = true;
        }
        if (!fits(bytes)) {
            return false;
        }
        used += bytes;
        return true;
    }

    /** Small allocations fit in any free bytes; larger ones need whole free pages ({@link SlabModel#fits}). */
    private boolean fits(long bytes) {
        return SlabModel.fits(bytes, usable - used);
    }

    /**
     * nginx's {@code ngx_http_lua_shdict_expire}: {@code n == 1} frees one or two expired entries
     * from the LRU end; {@code n == 0} first frees the LRU entry whatever its state.
     */
    private int expire(long now, int n) {
        int freed = 0;
        Iterator<Entry> it = entries.values().iterator();
        while (n < 3 && it.hasNext()) {
            Entry e = it.next();
            if (n++ != 0 && (e.expires == 0 || e.expires > now)) {
                return freed;
            }
            if (!(e.expires != 0 && e.expires <= now)) {
                evictions++;
            }
            it.remove();
            used -= e.bytes;
            freed++;
        }
        return freed;
    }
}
