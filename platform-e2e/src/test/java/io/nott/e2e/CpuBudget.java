package io.nott.e2e;

import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * The CPU time each part of the video pipeline used over a window, in cores (CPU seconds per
 * second). CPU time rather than wall time: on a machine shared with other builds, what a part
 * costs is what it would need on a quiet one, while how fast it ran says more about the others.
 * A part is a set of processes found again at the end of the window (a process that started
 * meanwhile counts from zero; one that ended meanwhile is missed).
 */
final class CpuBudget {

    private final Map<String, Supplier<List<ProcessHandle>>> parts = new LinkedHashMap<>();
    private final Map<Long, Duration> start = new HashMap<>();
    private long startNanos;

    /** Adds a part: {@code processes} is asked at the start and at the end of the window. */
    CpuBudget part(String name, Supplier<List<ProcessHandle>> processes) {
        parts.put(name, processes);
        return this;
    }

    void start() {
        start.clear();
        parts.values().forEach(p -> p.get().forEach(h -> start.put(h.pid(), cpu(h))));
        startNanos = System.nanoTime();
    }

    /** Cores per part over the window since {@link #start()}, in the order the parts were added. */
    Map<String, Double> cores() {
        double seconds = (System.nanoTime() - startNanos) / 1e9;
        Map<String, Double> cores = new LinkedHashMap<>();
        parts.forEach((name, processes) -> {
            Duration used = Duration.ZERO;
            for (ProcessHandle h : processes.get()) {
                used = used.plus(cpu(h).minus(start.getOrDefault(h.pid(), Duration.ZERO)));
            }
            cores.put(name, used.toNanos() / 1e9 / seconds);
        });
        return cores;
    }

    static String format(Map<String, Double> cores) {
        double total = cores.values().stream().mapToDouble(Double::doubleValue).sum();
        return cores.entrySet().stream().map(e -> String.format("%s %.2f", e.getKey(), e.getValue()))
                .collect(Collectors.joining(", ")) + String.format("; total %.2f cores", total);
    }

    /** Processes whose command line contains {@code text}. */
    static List<ProcessHandle> withCommandLine(String text) {
        return ProcessHandle.allProcesses()
                .filter(h -> h.info().commandLine().map(c -> c.contains(text)).orElse(false))
                .toList();
    }

    private static Duration cpu(ProcessHandle handle) {
        return handle.info().totalCpuDuration().orElse(Duration.ZERO);
    }
}
