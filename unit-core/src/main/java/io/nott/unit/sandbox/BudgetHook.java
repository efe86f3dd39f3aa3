package io.nott.unit.sandbox;

import io.nott.unit.model.Budget;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.management.ManagementFactory;
import java.util.function.LongSupplier;
import org.luaj.vm2.Lua;
import org.luaj.vm2.LuaClosure;
import org.luaj.vm2.LuaFunction;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Varargs;
import org.luaj.vm2.lib.DebugLib;

/**
 * Counts what a unit call spends and stops it when the budget runs out. LuaJ's interpreter calls
 * {@code globals.debuglib} on every call, instruction and return; we install this counting-only
 * subclass there and never load the {@code debug} library, so units cannot see, replace or remove
 * the hook. One instance per Lua runtime (per thread); {@link #arm} before a call, {@link #disarm} after.
 *
 * <p>Enforced here: the instruction budget (every instruction), the wall-clock budget (checked
 * every {@value #CHECK_EVERY} instructions), call depth (on each call), the size of {@code ..}
 * results (before the CONCAT instruction runs) and memory allocated by the call (thread allocation
 * counter, every {@value #CHECK_EVERY} instructions, plus the explicit charges library functions
 * make through {@link Allocation} before they build anything), and the node's grant for that
 * memory ({@link MemoryLease}).
 *
 * <p>The thread's allocation counter starts at the call's first periodic check, not at {@link #arm}:
 * reading it is a JNI call, some 2 % of a token check (a few dozen instructions, so it never
 * reaches a check). Until then the call is charged explicitly, as on a virtual thread, which has
 * no counter at all: library code charges what it builds either way, and the interpreter's own
 * tables, their growth, closures and concatenations are charged per instruction
 * ({@link #chargeInterpreter}). The memory limit holds over those first {@value #CHECK_EVERY}
 * instructions as it holds for a whole call off the event loop.
 */
public final class BudgetHook extends DebugLib {

    static final int CHECK_EVERY = 1024;
    private static final ThreadLocal<BudgetHook> CURRENT = new ThreadLocal<>();
    private static final com.sun.management.ThreadMXBean THREADS = threadBean();
    /** What a new table costs before any slot (object, arrays, metatable slot), charged when no counter measures it. */
    static final int TABLE_BYTES = 96;
    /** What a new closure costs (object, upvalue array), charged when no counter measures it. */
    static final int CLOSURE_BYTES = 64;
    /** What a string costs besides its bytes (object, array header). */
    static final int STRING_BYTES = 48;
    /** {@code LuaTable.getArrayLength()}/{@code getHashLength()} (protected in LuaJ): a table's capacity in slots. */
    private static final MethodHandle ARRAY_LENGTH;
    private static final MethodHandle HASH_LENGTH;

    static {
        MethodHandle array = null;
        MethodHandle hash = null;
        try {
            MethodHandles.Lookup luaj = MethodHandles.privateLookupIn(LuaTable.class, MethodHandles.lookup());
            array = luaj.findVirtual(LuaTable.class, "getArrayLength", MethodType.methodType(int.class));
            hash = luaj.findVirtual(LuaTable.class, "getHashLength", MethodType.methodType(int.class));
        } catch (ReflectiveOperationException | RuntimeException e) {
            // LuaJ's tables cannot be inspected here: growth is then seen through length() only.
        }
        ARRAY_LENGTH = array;
        HASH_LENGTH = hash;
    }

    /** System.nanoTime, or a test's clock: the wall-clock budget and the call's pace are read from it. */
    private final LongSupplier ticker;
    /** {@link #WORK_NANOS} with the system's ticker; a hook on a test clock keeps its own (not shared). */
    private final double[] workNanos;
    private Thread owner;
    private boolean armed;
    private long instructions;
    private long instructionLimit;
    private long deadlineNanos;
    /**
     * Wall time of one Lua instruction on this thread now (machine load included), an average
     * over recent check intervals that ran only Lua instructions; 0 until one was measured. Kept
     * across calls. Library rates are instructions of this kind ({@link Allocation.Work}), so a
     * charge times this is the time its work will take.
     */
    private double nanosPerInstruction;
    /**
     * Per kind of library work ({@link Allocation.Work}, by ordinal): the wall time one charged
     * instruction of it has been taking on this node lately (0 until measured). Shared by all
     * threads: it is the machine's speed at that work, load included, and a runtime that was just
     * created knows it too. A rate is a CPU-time ratio measured warm; a fresh 16 MiB buffer (page
     * faults, zeroing, a collection) or a cold method can take ten times that on a loaded machine,
     * and a refusal estimated at the bare rate let such calls run hundreds of ms past a 50 ms budget.
     * Plain doubles: a lost update between threads only drops one sample.
     */
    private static final double[] WORK_NANOS = new double[Allocation.Work.values().length];
    /** The last large charge whose work may still be running: its kind (-1: none), size and start. */
    private int workKind = -1;
    private long workSteps;
    private long workStarted;
    private long lastCheckNanos;
    private long lastCheckInstructions;
    /** Time waited for I/O so far in this call that was not charged to the wall clock. */
    private long excusedWaitNanos;
    private int depth;
    private int maxDepth;
    private int maxStringBytes;
    private long maxAllocated;
    /** Bytes the thread's allocation counter showed for this call at the last sample. */
    private long sampled;
    /**
     * Bytes charged explicitly ({@link Allocation}) since the last sample: charged before they
     * are allocated, then seen by the counter, so the next sample replaces them (no double count).
     */
    private long pending;
    /**
     * Charged explicitly before the counter started ({@link #startCounter}): the counter never sees
     * that memory, so its samples add to this rather than replace it.
     */
    private long chargedBeforeCounter;
    /** The thread's allocation counter when it started for this call; -1 until then, and for good without one. */
    private long allocBaseline = -1;
    /** This call's thread has an allocation counter, not read yet: it starts at the first periodic check. */
    private boolean counterPending;
    /** The thread's allocation counter when the call was suspended ({@link #suspendCall}); -1 when it runs. */
    private long suspendedAllocated = -1;
    /**
     * No allocation counter runs for this call (yet): a virtual thread has none (the JDK answers -1
     * there), and a platform thread's starts at the first periodic check. Meanwhile what the
     * interpreter allocates itself (tables, their growth, closures, concatenations) is charged
     * explicitly, per instruction, as library code charges what it builds.
     */
    private boolean explicitOnly;
    /** A table the last instruction stored into (explicit mode): its growth is charged at the next one. */
    private LuaTable storedInto;
    private long storedIntoSlots;
    /** The node's grant for this call's memory (see {@link MemoryLease}); null when unbounded. */
    private MemoryLease lease;
    private long granted;
    private UnitAbort tripped;
    private LuaClosure[] frames = new LuaClosure[16];
    private LuaValue[][] stacks = new LuaValue[16][];
    /** The last instruction each frame ran: where an error raised in that frame happened. */
    private int[] pcs = new int[16];
    /** The coroutine running now in this call, null for the unit's own (entry) thread. */
    LuaCoroutine coroutine;
    /** What {@code coroutine.running()} returns in the entry thread (OpenResty runs units in a coroutine). */
    LuaCoroutine entry;
    /** Library functions that call back into Lua ({@code table.sort}, {@code string.gsub}) active now: LuaJIT's C-call boundaries. */
    int cCalls;
    /** Coroutines and light threads this call created (the unit's meter). */
    long coroutinesCreated;
    /** The call's light threads ({@code ngx.thread.spawn}), null until the first spawn. */
    LightThreads lightThreads;

    private static com.sun.management.ThreadMXBean threadBean() {
        try {
            if (ManagementFactory.getThreadMXBean() instanceof com.sun.management.ThreadMXBean b
                    && b.isThreadAllocatedMemorySupported() && b.isThreadAllocatedMemoryEnabled()) {
                return b;
            }
        } catch (RuntimeException | Error e) {
            // Not available (some native images): explicit charging and the instruction budget remain.
        }
        return null;
    }

    public BudgetHook() {
        this(System::nanoTime, true);
    }

    /** A hook that reads wall time from {@code ticker} (nanoseconds, as {@link System#nanoTime}). */
    BudgetHook(LongSupplier ticker) {
        this(ticker, false);
    }

    private BudgetHook(LongSupplier ticker, boolean systemTicker) {
        this.ticker = ticker;
        this.workNanos = systemTicker ? WORK_NANOS : new double[WORK_NANOS.length];
    }

    /** The hook armed on the calling thread, or null outside a unit call. */
    public static BudgetHook current() {
        return CURRENT.get();
    }

    /** Starts counting for one call on the calling thread, with no node-level memory bound. */
    public void arm(Budget budget, SandboxLimits limits) {
        arm(budget, limits, null);
    }

    /**
     * Starts counting for one call on the calling thread; the call's memory use (charged and
     * measured) is covered by {@code lease} as it grows, and the call ends as overloaded when the
     * node cannot cover more.
     *
     * @return the ticker's reading the call starts at (a caller timing the call needs no reading of its own)
     */
    public long arm(Budget budget, SandboxLimits limits, MemoryLease lease) {
        owner = Thread.currentThread();
        instructions = 0;
        instructionLimit = budget.instructions();
        lastCheckNanos = ticker.getAsLong();
        lastCheckInstructions = 0;
        deadlineNanos = lastCheckNanos + budget.wallMillis() * 1_000_000L;
        excusedWaitNanos = 0;
        depth = 0;
        maxDepth = limits.maxCallDepth();
        maxStringBytes = limits.maxStringBytes();
        maxAllocated = limits.maxAllocatedBytes();
        sampled = 0;
        pending = 0;
        chargedBeforeCounter = 0;
        allocBaseline = -1;
        counterPending = THREADS != null && !owner.isVirtual();
        explicitOnly = true;
        storedInto = null;
        this.lease = lease;
        granted = lease != null ? lease.granted() : Long.MAX_VALUE;
        tripped = null;
        coroutine = null;
        entry = null;
        cCalls = 0;
        coroutinesCreated = 0;
        lightThreads = null;
        workKind = -1;
        armed = true;
        CURRENT.set(this);
        return lastCheckNanos;
    }

    /**
     * Starts the thread's allocation counter for the armed call now rather than at its first
     * periodic check: for a call whose whole allocation is measured ({@link #finalAllocated}, init
     * units), explicit charges being only the estimate for what the counter would not see yet.
     */
    public void countAllocationFromStart() {
        if (counterPending) {
            startCounter();
        }
    }

    /** Reads the counter's baseline; what was charged explicitly so far stays charged. On the call's thread. */
    private void startCounter() {
        counterPending = false;
        long now = THREADS.getCurrentThreadAllocatedBytes();
        if (now < 0) {
            return; // no counter after all: explicit charges only
        }
        chargedBeforeCounter += sampled + pending;
        sampled = 0;
        pending = 0;
        allocBaseline = now;
        explicitOnly = false;
        storedInto = null;
    }

    /**
     * The call is suspended while it waits for I/O ({@link IoContinuation}) and its thread serves
     * other requests meanwhile: the hook stops being the thread's current one, and what the thread
     * allocates until {@link #resumeCall} is not this call's.
     */
    public void suspendCall() {
        suspendedAllocated = armed && allocBaseline >= 0 ? THREADS.getCurrentThreadAllocatedBytes() : -1;
        CURRENT.set(null);
    }

    /** The suspended call goes on, on the thread it was suspended on. */
    public void resumeCall() {
        if (suspendedAllocated >= 0) {
            allocBaseline += THREADS.getCurrentThreadAllocatedBytes() - suspendedAllocated;
            suspendedAllocated = -1;
        }
        CURRENT.set(this);
    }

    public void disarm() {
        armed = false;
        lease = null;
        storedInto = null;
        CURRENT.set(null); // not remove(): the next arm() would allocate a new map entry for every call
        // Drop references to the finished call's stacks so they can be collected.
        java.util.Arrays.fill(frames, 0, Math.min(frames.length, depth + 1), null);
        java.util.Arrays.fill(stacks, 0, Math.min(stacks.length, depth + 1), null);
        depth = 0;
        // Suspended coroutines and light threads of the call become garbage with these references.
        coroutine = null;
        entry = null;
        lightThreads = null;
    }

    /** Coroutines and light threads created by the current (or last) call. */
    public long coroutinesCreated() {
        return coroutinesCreated;
    }

    /** The call has light threads that have not ended yet. */
    public boolean hasLiveLightThreads() {
        return lightThreads != null && lightThreads.anyAlive();
    }

    /** Runs the call's light threads that are still alive to their end (OpenResty: the handler waits for them). */
    public void finishLightThreads() {
        if (lightThreads != null) {
            lightThreads.finishAll(this);
        }
    }

    /** The Lua frames above {@code base}, taken off the tracked stack (a coroutine that yields keeps them). */
    Frames detach(int base) {
        int n = depth - base;
        if (n <= 0) {
            return null;
        }
        Frames f = new Frames(java.util.Arrays.copyOfRange(frames, base + 1, depth + 1),
                java.util.Arrays.copyOfRange(stacks, base + 1, depth + 1),
                java.util.Arrays.copyOfRange(pcs, base + 1, depth + 1));
        java.util.Arrays.fill(frames, base + 1, depth + 1, null);
        java.util.Arrays.fill(stacks, base + 1, depth + 1, null);
        depth = base;
        return f;
    }

    /** Puts a resumed coroutine's frames back on top of the resumer's: call depth counts both. */
    void attach(Frames f) {
        if (f == null) {
            return;
        }
        int n = f.frames().length;
        while (depth + n + 1 >= frames.length) {
            frames = java.util.Arrays.copyOf(frames, frames.length * 2);
            stacks = java.util.Arrays.copyOf(stacks, stacks.length * 2);
            pcs = java.util.Arrays.copyOf(pcs, pcs.length * 2);
        }
        System.arraycopy(f.frames(), 0, frames, depth + 1, n);
        System.arraycopy(f.stacks(), 0, stacks, depth + 1, n);
        System.arraycopy(f.pcs(), 0, pcs, depth + 1, n);
        depth += n;
    }

    int depth() {
        return depth;
    }

    /** A suspended coroutine's part of the tracked Lua call stack. */
    record Frames(LuaClosure[] frames, LuaValue[][] stacks, int[] pcs) {
    }

    public long instructions() {
        return instructions;
    }

    public int maxStringBytes() {
        return maxStringBytes;
    }

    /**
     * Takes a last sample of the thread's allocation counter (the periodic one may be up to
     * {@value #CHECK_EVERY} instructions old) and returns the call's memory use: what a call that
     * just ended allocated in all. Call it before {@link #disarm}, on the call's thread.
     */
    public long finalAllocated() {
        if (armed && allocBaseline >= 0 && Thread.currentThread() == owner) {
            long now = THREADS.getCurrentThreadAllocatedBytes();
            if (now >= allocBaseline) {
                sampled = now - allocBaseline;
                pending = 0;
            }
        }
        return allocated();
    }

    /** Memory this call has used so far: measured by the thread's counter plus charged since (and before it started). */
    public long allocated() {
        return chargedBeforeCounter + sampled + pending;
    }

    /**
     * A string of {@code bytes} is about to be built ({@link Allocation#string}): refused beyond
     * the string limit, else charged as memory.
     */
    void chargeBytes(long bytes, String what) {
        if (bytes > maxStringBytes) {
            throw tripResource(what + " would build a string of " + bytes + " bytes; the limit is " + maxStringBytes);
        }
        chargeMemory(bytes, what);
    }

    /** {@code bytes} are about to be allocated ({@link Allocation#memory}): checked against the call's allowance. */
    void chargeMemory(long bytes, String what) {
        if (tripped != null) {
            throw tripped;
        }
        pending += Math.max(0, bytes);
        checkMemory();
    }

    private void checkMemory() {
        long used = allocated();
        if (used > maxAllocated) {
            throw tripResource("memory limit exceeded: the call allocated more than " + maxAllocated + " bytes");
        }
        if (used > granted) {
            long now = lease.cover(used);
            if (now < 0) {
                throw trip(new UnitAbort.Overloaded("overloaded: the node's unit memory is reserved by calls in flight"
                        + " (this call needed " + used + " bytes); retry later or raise the node's share"));
            }
            granted = now;
        }
    }

    /** The hook that counts for the calling thread (closures may outlive the runtime that made them). */
    private BudgetHook self() {
        if (owner == Thread.currentThread()) {
            return this;
        }
        return CURRENT.get();
    }

    @Override
    public void onCall(LuaFunction f) {
        BudgetHook h = self();
        if (h != null && h.armed) {
            h.enter(null, null);
        }
    }

    @Override
    public void onCall(LuaClosure c, Varargs varargs, LuaValue[] stack) {
        BudgetHook h = self();
        if (h != null && h.armed) {
            h.enter(c, stack);
        }
    }

    private void enter(LuaClosure c, LuaValue[] stack) {
        if (tripped != null) {
            throw tripped;
        }
        // LuaJ calls onCall before its try/finally: throw before counting so depth stays balanced.
        if (depth >= maxDepth) {
            throw new UnitAbort.ResourceLimitExceeded("stack overflow: more than " + maxDepth + " nested calls");
        }
        depth++;
        if (depth >= frames.length) {
            frames = java.util.Arrays.copyOf(frames, frames.length * 2);
            stacks = java.util.Arrays.copyOf(stacks, stacks.length * 2);
            pcs = java.util.Arrays.copyOf(pcs, pcs.length * 2);
        }
        frames[depth] = c;
        stacks[depth] = stack;
    }

    @Override
    public void onReturn() {
        BudgetHook h = self();
        if (h != null && h.armed && h.depth > 0) {
            h.frames[h.depth] = null;
            h.stacks[h.depth] = null;
            h.depth--;
        }
    }

    @Override
    public void onInstruction(int pc, Varargs v, int top) {
        BudgetHook h = self();
        if (h != null && h.armed) {
            h.step(pc);
        }
    }

    private void step(int pc) {
        if (tripped != null) {
            throw tripped;
        }
        if (++instructions > instructionLimit) {
            throw trip(new UnitAbort.BudgetExceeded(
                    "instruction budget exceeded: more than " + instructionLimit + " instructions"));
        }
        if ((instructions & (CHECK_EVERY - 1)) == 0) {
            periodicChecks();
        }
        if (explicitOnly && storedInto != null) {
            chargeGrowth();
        }
        if (workKind >= 0) {
            endWork(ticker.getAsLong()); // the library call that charged it has returned
        }
        LuaClosure c = frames[depth];
        if (c != null) {
            pcs[depth] = pc;
            int i = c.p.code[pc];
            int op = i & 0x3f;
            if (op == Lua.OP_CONCAT) {
                checkConcat(i, stacks[depth]);
            } else if (explicitOnly) {
                chargeInterpreter(op, i, stacks[depth]);
            }
        }
    }

    /**
     * Explicit mode: what the instruction about to run allocates in the interpreter. A new table
     * or closure is charged before it exists; a store may grow a table, which is charged at the
     * next instruction by the capacity it gained (one rehash late at most, and the memory limit
     * is checked then).
     */
    private void chargeInterpreter(int op, int i, LuaValue[] stack) {
        switch (op) {
            case Lua.OP_NEWTABLE -> chargeMemory(TABLE_BYTES + (long) ((i >>> 23) + ((i >> 14) & 0x1ff))
                    * Allocation.TABLE_SLOT_BYTES, "a table");
            case Lua.OP_CLOSURE -> chargeMemory(CLOSURE_BYTES, "a function");
            case Lua.OP_SETTABLE, Lua.OP_SETLIST -> {
                int a = (i >> 6) & 0xff;
                if (stack != null && a < stack.length && stack[a] instanceof LuaTable t) {
                    storedInto = t;
                    storedIntoSlots = slots(t);
                }
            }
            default -> {
            }
        }
    }

    private void chargeGrowth() {
        LuaTable t = storedInto;
        storedInto = null;
        long now = slots(t);
        if (now > storedIntoSlots) {
            chargeMemory((now - storedIntoSlots) * Allocation.TABLE_SLOT_BYTES, "a growing table");
        }
    }

    static long slots(LuaTable t) {
        if (ARRAY_LENGTH == null) {
            return t.rawlen();
        }
        try {
            return (long) (int) ARRAY_LENGTH.invokeExact(t) + (int) HASH_LENGTH.invokeExact(t);
        } catch (Throwable e) {
            return t.rawlen();
        }
    }

    private void periodicChecks() {
        long now = ticker.getAsLong();
        measurePace(now);
        if (now - deadlineNanos > 0) {
            throw trip(new UnitAbort.BudgetExceeded("wall-clock budget exceeded"));
        }
        if (counterPending) {
            startCounter();
        } else if (allocBaseline >= 0) {
            long bytes = THREADS.getCurrentThreadAllocatedBytes();
            if (bytes >= allocBaseline) {
                sampled = bytes - allocBaseline;
                pending = 0;
            }
            checkMemory();
        }
    }

    /**
     * An interval of exactly {@value #CHECK_EVERY} instructions since the last check ran Lua code
     * only (no library charge in between): its time per instruction feeds the pace. One slow
     * interval (a GC pause, the thread descheduled) moves it by at most 4x/8.
     */
    private void measurePace(long now) {
        if (instructions - lastCheckInstructions == CHECK_EVERY) {
            double sample = (double) (now - lastCheckNanos) / CHECK_EVERY;
            nanosPerInstruction = nanosPerInstruction == 0 ? sample
                    : nanosPerInstruction + (Math.min(sample, 4 * nanosPerInstruction) - nanosPerInstruction) / 8;
        }
        lastCheckNanos = now;
        lastCheckInstructions = instructions;
    }

    /**
     * Counts work done by library code that runs no Lua instructions (pattern matching, hashing,
     * encoding: {@link Allocation#work}) against the instruction budget, before the work is done,
     * and checks the wall clock whenever the count crosses a multiple of {@value #CHECK_EVERY}, as
     * instructions do: a loop of small calls is checked as often as a loop of instructions.
     *
     * <p>A charge of at least {@value #CHECK_EVERY} instructions is work that takes a while in one
     * go (a hash slice, a whole string encoded): it is refused up front when it does not fit the
     * instructions left, or when at this thread's measured pace (wall time per Lua instruction,
     * the unit the library rates are in) it would end past the wall-clock deadline. The call then
     * ends as a timeout at the budget instead of after the work (issue #15: one big library call
     * started just before the deadline ended the call tens of ms late).
     */
    public void spend(long steps) {
        spend(null, steps);
    }

    /**
     * {@link #spend(long)} for {@code kind} of library work: a large charge is refused by the time
     * this kind of work has really been taking on this node ({@link #WORK_NANOS}), and its own
     * time is measured when the next charge or instruction comes.
     */
    public void spend(Allocation.Work kind, long steps) {
        if (tripped != null) {
            throw tripped;
        }
        if (workKind >= 0) {
            endWork(ticker.getAsLong());
        }
        long before = instructions;
        instructions += steps;
        if (instructions > instructionLimit) {
            throw trip(new UnitAbort.BudgetExceeded(
                    "instruction budget exceeded: more than " + instructionLimit + " instructions"));
        }
        if (steps >= CHECK_EVERY) {
            refuseWorkPastDeadline(kind, steps);
        } else if (before / CHECK_EVERY != instructions / CHECK_EVERY) {
            checkDeadline();
        }
    }

    private void refuseWorkPastDeadline(Allocation.Work kind, long steps) {
        long now = ticker.getAsLong();
        long left = deadlineNanos - now;
        double measured = kind == null ? 0 : workNanos[kind.ordinal()];
        double perStep = measured > 0 ? measured : nanosPerInstruction;
        if (left < 0 || steps * perStep > left) {
            if (left >= 0 && measured > 0) {
                // Refused on the estimate alone: no sample of this size comes to correct it, so it
                // fades by itself (one slow outlier must not refuse such calls for good).
                workNanos[kind.ordinal()] = measured * 7 / 8;
            }
            throw trip(new UnitAbort.BudgetExceeded("wall-clock budget exceeded"));
        }
        if (kind != null) {
            workKind = kind.ordinal();
            workSteps = steps;
            workStarted = now;
        }
    }

    /**
     * The large charge's work has ended by {@code now}: its time per charged instruction moves
     * that kind's {@link #WORK_NANOS}. A slower sample is taken at once (up to 4x the last: one
     * collection pause is not the pace), a faster one a quarter of the way, so a kind that turned
     * slow is refused from its next charge on, and one slow sample fades as faster calls follow.
     */
    private void endWork(long now) {
        int k = workKind;
        workKind = -1;
        // At most 10 us an instruction (a 256 KiB hash slice in 240 ms): a descheduled thread's sample.
        double sample = Math.min(10_000, (double) (now - workStarted) / workSteps);
        double last = workNanos[k];
        workNanos[k] = last <= 0 ? sample : sample > last ? Math.min(sample, 4 * last) : last + (sample - last) / 4;
    }

    /**
     * Moves the wall-clock deadline out by time the call spent waiting for I/O (a Redis answer),
     * up to {@code allowanceNanos} per call in total: the wait is bounded by the I/O's own timeout
     * and holds no event-loop thread, so it is not the unit's work. Past the allowance, waiting
     * counts against the budget again.
     */
    public void excuseWait(long waitedNanos, long allowanceNanos) {
        workKind = -1; // the wait is no part of the last charge's work
        long excused = Math.max(0, Math.min(waitedNanos, allowanceNanos - excusedWaitNanos));
        excusedWaitNanos += excused;
        deadlineNanos += excused;
    }

    /** Wall-clock time left in the armed call (negative once past the deadline). */
    public long remainingNanos() {
        workKind = -1; // asked before waiting (a sleep): the wait is no part of the last charge's work
        return deadlineNanos - ticker.getAsLong();
    }

    /** Ends the call as a wall-clock timeout now, with {@code why} (e.g. a sleep past the budget). */
    public UnitAbort timeout(String why) {
        return trip(new UnitAbort.BudgetExceeded(why));
    }

    /** Checks the wall clock from long-running library code (regex matching) that runs no instructions. */
    public void checkDeadline() {
        if (tripped != null) {
            throw tripped;
        }
        if (ticker.getAsLong() - deadlineNanos > 0) {
            throw trip(new UnitAbort.BudgetExceeded("wall-clock budget exceeded"));
        }
    }

    /** Copies of the result LuaJ's CONCAT makes for three operands or more (its Buffer path). */
    static final int CONCAT_BUFFER_COPIES = 4;

    private void checkConcat(int i, LuaValue[] stack) {
        if (stack == null) {
            return;
        }
        int b = i >>> 23;
        int c = (i >> 14) & 0x1ff;
        long total = 0;
        for (int r = b; r <= c && r < stack.length; r++) {
            LuaValue x = stack[r];
            if (x instanceof org.luaj.vm2.LuaDouble) {
                // CONCAT operands are always fresh temporaries (Lua's code generator moves them
                // there), so rewriting them changes nothing but the text: LuaJIT's %.14g, not Java's.
                x = LuaNumbers.normalize(x);
                stack[r] = x;
            }
            if (x instanceof org.luaj.vm2.LuaString s) {
                total += s.m_length;
            } else if (x != null && x.isnumber()) {
                total += 24;
            }
        }
        if (total > 4096) {
            chargeBytes(total, "'..'");
            // The copies, before CONCAT makes them. Two operands: one copy. Three or more go
            // through LuaJ's Buffer, which copies the result about four times (the last operand
            // into a buffer, a reallocation that doubles it as the others are prepended, a trim,
            // and the string's own copy), each into a fresh array: charged as one copy, an 8 MiB
            // '[' .. s .. ']' ran 100 ms past its pace estimate at load 15 (127 ms of a 50 ms budget).
            long copies = c - b + 1 > 2 ? CONCAT_BUFFER_COPIES : 1;
            spend(Allocation.Work.COPY, copies * Allocation.Work.COPY.instructions(total));
        } else if (explicitOnly) {
            chargeMemory(total + STRING_BYTES, "'..'"); // no counter sees small strings here
        }
    }

    /**
     * LuaJIT's text for a runtime error LuaJ raised in the current frame (see {@link RuntimeErrors});
     * outside an armed call only the position prefix is rewritten.
     */
    String luajitMessage(String luajMessage) {
        BudgetHook h = self();
        if (h == null || !h.armed || h.depth <= 0) {
            return RuntimeErrors.rewrite(luajMessage, null, -1, null);
        }
        return RuntimeErrors.rewrite(luajMessage, h.frames[h.depth], h.pcs[h.depth], h.stacks[h.depth]);
    }

    /**
     * {@code chunk:line:} of the Lua frame {@code level} levels up from the running function, as
     * {@code error(msg, level)} prefixes it; "" for a level that is not a Lua function or is out of range.
     */
    String where(int level) {
        BudgetHook h = self();
        if (h == null || !h.armed) {
            return "";
        }
        int d = h.depth - (level - 1);
        if (level <= 0 || d <= 0 || h.frames[d] == null) {
            return "";
        }
        org.luaj.vm2.Prototype p = h.frames[d].p;
        int pc = h.pcs[d];
        String chunk = p.source == null ? "?" : p.source.tojstring();
        if (chunk.startsWith("=") || chunk.startsWith("@")) {
            chunk = chunk.substring(1);
        }
        String line = p.lineinfo != null && pc >= 0 && pc < p.lineinfo.length ? Integer.toString(p.lineinfo[pc]) : "?";
        return chunk + ":" + line + ": ";
    }

    /**
     * LuaJ asks the installed debuglib for a traceback on every error. Units get no tracebacks
     * (they would expose frames and cost time on every error); the message keeps unit and line.
     */
    @Override
    public String traceback(int level) {
        return "";
    }

    private UnitAbort trip(UnitAbort abort) {
        tripped = abort;
        return abort;
    }

    UnitAbort tripResource(String message) {
        return trip(new UnitAbort.ResourceLimitExceeded(message));
    }

    /**
     * What the running call has allocated so far, as far as we can tell: explicit charges plus the
     * thread's allocation counter since its first periodic check (what {@code collectgarbage("count")}
     * reports). 0 outside a call.
     */
    public long allocatedEstimate() {
        if (!armed) {
            return 0;
        }
        if (counterPending && Thread.currentThread() == owner) {
            startCounter(); // as the first periodic check would
        }
        long counted = sampled;
        if (allocBaseline >= 0 && Thread.currentThread() == owner) {
            counted = Math.max(counted, THREADS.getCurrentThreadAllocatedBytes() - allocBaseline);
        }
        return chargedBeforeCounter + counted + pending;
    }
}
