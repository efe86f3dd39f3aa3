package io.nott.unit.sandbox;

/**
 * Resource limits of the sandbox besides the per-unit {@link io.nott.unit.model.Budget}.
 *
 * @param maxCallDepth      nested Lua calls (including pcall) before "stack overflow"; protects the JVM stack
 * @param maxStringBytes    largest string one operation may build ({@code ..}, {@code string.rep},
 *                          {@code table.concat}, {@code string.format}, {@code gsub}, {@code ngx.say} body)
 * @param maxAllocatedBytes memory one unit call may allocate in total before it is stopped
 * @param maxUnpack         most values {@code unpack}/{@code string.byte} may return (LuaJIT: about 8000)
 */
public record SandboxLimits(int maxCallDepth, int maxStringBytes, long maxAllocatedBytes, int maxUnpack) {

    /** 200 levels, 16 MiB strings, 64 MiB allocated per call, 8000 results. */
    public static final SandboxLimits DEFAULT = new SandboxLimits(200, 16 * 1024 * 1024, 64L * 1024 * 1024, 8000);
}
