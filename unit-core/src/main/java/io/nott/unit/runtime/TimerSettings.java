package io.nott.unit.runtime;

/**
 * Per-node limits of {@code ngx.timer}: nginx's {@code lua_max_pending_timers} (timers waiting for
 * their time) and {@code lua_max_running_timers} (callbacks running at once).
 */
public record TimerSettings(int maxPending, int maxRunning) {

    /** nginx's defaults: 1024 pending, 256 running. */
    public static final TimerSettings DEFAULT = new TimerSettings(1024, 256);

    public TimerSettings {
        if (maxPending < 1 || maxRunning < 1) {
            throw new IllegalArgumentException("timer limits must be at least 1, got pending " + maxPending
                    + ", running " + maxRunning);
        }
    }
}
