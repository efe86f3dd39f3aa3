package io.nott.unit.runtime;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * Per-unit circuit breaker: opens after {@code threshold} consecutive errors/timeouts, refuses
 * calls for {@code coolDownMillis}, then lets exactly one trial call through (half-open); the
 * trial's result closes or re-opens it. Lock-free: the closed path is one volatile read.
 */
final class CircuitBreaker {

    enum State { CLOSED, OPEN, HALF_OPEN }

    private final int threshold;
    private final long coolDownMillis;
    final long unitVersion;
    final int codeHash;
    private final AtomicInteger failures = new AtomicInteger();
    private volatile State state = State.CLOSED;
    private volatile long openedAt;
    private final java.util.concurrent.atomic.AtomicBoolean trialTaken = new java.util.concurrent.atomic.AtomicBoolean();

    CircuitBreaker(int threshold, long coolDownMillis, long unitVersion, int codeHash) {
        this.threshold = threshold;
        this.coolDownMillis = coolDownMillis;
        this.unitVersion = unitVersion;
        this.codeHash = codeHash;
    }

    State state() {
        return state;
    }

    /** @return true when the call may run */
    boolean tryAcquire(java.time.Clock clock) {
        State s = state;
        if (s == State.CLOSED) {
            return true;
        }
        long nowMillis = clock.millis();
        if (s == State.OPEN && nowMillis - openedAt >= coolDownMillis && trialTaken.compareAndSet(false, true)) {
            state = State.HALF_OPEN;
            return true;
        }
        return false;
    }

    void record(boolean failure, java.time.Clock clock) {
        State s = state;
        if (s == State.CLOSED && !failure) {
            if (failures.get() != 0) {
                failures.set(0);
            }
            return;
        }
        long nowMillis = clock.millis();
        if (s == State.HALF_OPEN) {
            if (failure) {
                openedAt = nowMillis;
                state = State.OPEN;
            } else {
                failures.set(0);
                state = State.CLOSED;
            }
            trialTaken.set(false);
            return;
        }
        if (!failure) {
            if (failures.get() != 0) {
                failures.set(0);
            }
            return;
        }
        if (failures.incrementAndGet() >= threshold && s == State.CLOSED) {
            openedAt = nowMillis;
            trialTaken.set(false);
            state = State.OPEN;
        }
    }
}
