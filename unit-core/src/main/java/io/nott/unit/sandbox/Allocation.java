package io.nott.unit.sandbox;

import java.util.Arrays;
import org.luaj.vm2.LuaString;

/**
 * The one way library code charges the running unit call for what it is about to build or do
 * (issue #15): every library function that builds a string or table, or does work in proportion
 * to its input, calls one of these first, so that no call can build an unbounded Java object or
 * spend unbounded time in one Lua instruction.
 *
 * <ul>
 *   <li>{@link #string(long, String)}: a string of known size is about to be built: refused
 *       beyond the string limit, charged to the call's memory;</li>
 *   <li>{@link #output(String)}: a string of unknown size is built piece by piece: an
 *       {@link Output} refuses the piece that would pass the string limit before it is
 *       written and charges memory as its buffer grows;</li>
 *   <li>{@link #memory(long, String)}: anything else the call will keep (tables, copies of an
 *       argument): charged to the call's memory;</li>
 *   <li>{@link #work(Work, long)}: work proportional to a number of bytes (hashing, encoding,
 *       copying, matching): charged as instructions at the {@link Work} rate, and the wall clock
 *       checked, before the work is done.</li>
 * </ul>
 *
 * <p>Charges go to the {@link BudgetHook} armed on the calling thread. Outside a unit call
 * (tests, tools) only the default string limit is enforced.
 */
public final class Allocation {

    /** What a table slot (array or hash part, with its key and value) costs when charged up front. */
    public static final int TABLE_SLOT_BYTES = 40;

    private Allocation() {
    }

    /**
     * Kinds of library work, each with its rate in instructions per KiB. A rate is the time the
     * JDK takes per KiB divided by the time of one Lua instruction with the budget hook, both
     * measured in one run ({@code unit-core/README.md}, "Library costs"), rounded up to a power
     * of two: a call's instruction count then tracks its CPU time whatever it calls, and the
     * instruction budget bounds library-heavy units as it bounds loops.
     */
    public enum Work {
        /** md5, sha1, hmac_sha1, crc32 (measured 17-72): per byte hashed. */
        HASH(96),
        /** base64, URI escaping, SQL quoting, case conversion, os.date (measured 82-133): per byte in and out. */
        ENCODE(128),
        /** json.encode/decode (measured 468: UTF-8 text and Java objects per value): per byte of JSON text. */
        JSON(512),
        /** string.rep, reverse, concat, format, ngx.say buffers (memcpy): per byte copied. */
        COPY(8),
        /** Lua patterns and regex: one instruction per byte read (counted by the matchers themselves). */
        MATCH(1024),
        /**
         * ngx.re translating and compiling a regex not in the cache (measured 66 ns a byte warm, a
         * 1 MiB regex: 768), per byte of regex: a regex built at run time can be megabytes long.
         */
        COMPILE(1024);

        private final int perKiB;

        Work(int perKiB) {
            this.perKiB = perKiB;
        }

        /** Instructions charged for {@code bytes} of this work. */
        public long instructions(long bytes) {
            return (bytes * perKiB + 1023) >> 10;
        }

        public int perKiB() {
            return perKiB;
        }
    }

    /** A string of {@code bytes} is about to be built by {@code what}: check the string limit, charge memory. */
    public static void string(long bytes, String what) {
        BudgetHook hook = BudgetHook.current();
        if (hook != null) {
            hook.chargeBytes(bytes, what);
        } else if (bytes > SandboxLimits.DEFAULT.maxStringBytes()) {
            throw new UnitAbort.ResourceLimitExceeded(what + " would build a string of " + bytes
                    + " bytes; the limit is " + SandboxLimits.DEFAULT.maxStringBytes());
        }
    }

    /** {@code bytes} that are not one string (a table, a copy) are about to be allocated by {@code what}. */
    public static void memory(long bytes, String what) {
        BudgetHook hook = BudgetHook.current();
        if (hook != null) {
            hook.chargeMemory(bytes, what);
        }
    }

    /** A table of {@code slots} entries is about to be built by {@code what}. */
    public static void table(long slots, String what) {
        memory(slots * TABLE_SLOT_BYTES, what);
    }

    /**
     * Runs {@code op}, which grows {@code t} in library code ({@code table.insert}): the slots it
     * gained are charged after it, as the interpreter's own stores are charged on a thread with
     * no allocation counter (a virtual thread), so a table grown only through library calls
     * meets the memory limit there too.
     */
    public static <T> T growing(org.luaj.vm2.LuaTable t, String what, java.util.function.Supplier<T> op) {
        BudgetHook hook = BudgetHook.current();
        if (hook == null) {
            return op.get();
        }
        long before = BudgetHook.slots(t);
        T result = op.get();
        long now = BudgetHook.slots(t);
        if (now > before) {
            hook.chargeMemory((now - before) * TABLE_SLOT_BYTES, what);
        }
        return result;
    }

    /** {@code bytes} of {@code kind} work are about to be done: charged as instructions; the deadline checked. */
    public static void work(Work kind, long bytes) {
        BudgetHook hook = BudgetHook.current();
        if (hook != null) {
            hook.spend(kind, kind.instructions(bytes));
        }
    }

    /**
     * The budget meter of a matcher (Lua patterns, the plain {@code string.find}, {@code ngx.re}):
     * a matcher runs no Lua instruction the hook could count, and backtracking can take
     * exponential time in one call, so it counts its own steps (a byte read or compared, a
     * backtrack) and every {@value #BATCH} steps are charged as {@link Work#MATCH} work to the call
     * running at that moment, which checks its wall clock then. One meter for every matcher: each
     * ends within one batch of its budget whatever it matches (issue #15). Not thread-safe: one
     * per match or iterator; the call charged is looked up when a batch is charged (a
     * {@code gmatch} iterator may be resumed by a later call).
     */
    public static final class Steps {
        /** Steps per charge (and per wall-clock check): ~10 us of matching. */
        public static final int BATCH = 1024;
        private int steps;

        /** One step. */
        public void step() {
            if (++steps >= BATCH) {
                steps = 0;
                charge(BATCH);
            }
        }

        /** {@code n} steps at once (a stretch of bytes compared). */
        public void add(int n) {
            steps += n;
            if (steps >= BATCH) {
                int batch = steps;
                steps = 0;
                charge(batch);
            }
        }

        /** The steps not charged yet (the match ended): charged now. */
        public void flush() {
            if (steps > 0) {
                int rest = steps;
                steps = 0;
                charge(rest);
            }
        }

        private static void charge(long n) {
            BudgetHook hook = BudgetHook.current();
            if (hook != null) {
                hook.spend(Work.MATCH, Work.MATCH.instructions(n));
            }
        }
    }

    /**
     * Checks the running call's wall clock from library code that works through a large input in
     * steps it has already paid for (a parse charged up front): ends the call as a timeout past
     * its deadline, whatever the real pace of the work turned out to be.
     */
    public static void checkDeadline() {
        BudgetHook hook = BudgetHook.current();
        if (hook != null) {
            hook.checkDeadline();
        }
    }

    /** The string limit of the running call (the default outside one). */
    public static int maxStringBytes() {
        BudgetHook hook = BudgetHook.current();
        return hook != null ? hook.maxStringBytes() : SandboxLimits.DEFAULT.maxStringBytes();
    }

    /** A checked builder for one string whose size is not known up front. */
    public static Output output(String what) {
        return new Output(what, 64);
    }

    /**
     * A checked builder for one string of about {@code expected} bytes: that much is checked and
     * charged at once (no doubling steps charged on the way there).
     */
    public static Output output(String what, long expected) {
        Output out = new Output(what, 64);
        return expected > 64 ? out.reserve(expected) : out;
    }

    /**
     * A byte buffer for one result string: every write is checked against the string limit before
     * anything is copied, and the buffer's growth is charged to the call's memory before the new
     * buffer is allocated. {@code ByteArrayOutputStream}'s methods, minus its unbounded growth.
     */
    public static final class Output {
        private final String what;
        private final int max;
        private byte[] buf;
        private int size;

        private Output(String what, int initial) {
            this.what = what;
            this.max = maxStringBytes();
            this.buf = new byte[initial];
        }

        /** Makes room for {@code n} more bytes, or refuses them if the result would pass the limit. */
        public Output reserve(long n) {
            long need = size + n;
            if (need > max) {
                throw limit(need);
            }
            if (need > buf.length) {
                long grown = Math.min(max, Math.max(need, 2L * buf.length));
                memory(grown, what);
                // The bytes that will fill the new room are copied in: charged now, before the
                // caller writes them (growth at least doubles, so this is at most twice the result).
                work(Work.COPY, grown - buf.length);
                buf = Arrays.copyOf(buf, (int) grown);
            }
            return this;
        }

        private UnitAbort limit(long need) {
            String message = what + " would build a string of more than " + (need - 1) + " bytes; the limit is " + max;
            BudgetHook hook = BudgetHook.current();
            return hook != null ? hook.tripResource(message) : new UnitAbort.ResourceLimitExceeded(message);
        }

        public Output write(int b) {
            if (size == buf.length) {
                reserve(1);
            }
            buf[size++] = (byte) b;
            return this;
        }

        public Output write(byte[] b, int off, int len) {
            reserve(len);
            System.arraycopy(b, off, buf, size, len);
            size += len;
            return this;
        }

        public Output write(byte[] b) {
            return write(b, 0, b.length);
        }

        public Output write(LuaString s) {
            return write(s.m_bytes, s.m_offset, s.m_length);
        }

        /** Latin-1 text, one byte per char (how Lua bytes travel through Java strings here). */
        public Output writeLatin1(CharSequence s) {
            reserve(s.length());
            for (int i = 0; i < s.length(); i++) {
                buf[size++] = (byte) s.charAt(i);
            }
            return this;
        }

        public int size() {
            return size;
        }

        /** The bytes written, without a copy when the buffer is exactly full. */
        public byte[] toByteArray() {
            return size == buf.length ? buf : Arrays.copyOf(buf, size);
        }

        /** The result as a Lua string (shares the buffer: the Output must not be written after). */
        public LuaString toLuaString() {
            return LuaString.valueUsing(buf, 0, size);
        }
    }
}
