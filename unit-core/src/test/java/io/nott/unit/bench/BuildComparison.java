package io.nott.unit.bench;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * One {@code UnitBenchmark} method of two builds of unit-core in one JVM, each build in a class
 * loader of its own, in alternating blocks of calls; prints the CPU time per call of each build
 * (median, best and worst block) and in how many pairs of blocks the second build was faster.
 * CPU time rather than JMH's wall time because the machine is shared: a load that takes the core
 * away from the benchmark thread does not count, and what load there is falls on both builds alike.
 *
 * <pre>
 * java --add-exports java.base/jdk.internal.vm=ALL-UNNAMED unit-core/src/test/java/io/nott/unit/bench/BuildComparison.java \
 *     tokenCheckAllowed 20 100000 BEFORE/unit-core/target AFTER/unit-core/target DEPENDENCY_CLASSPATH
 * </pre>
 * where each target holds {@code classes} and {@code test-classes} ({@code test-compile}) and the
 * classpath lists unit-core's dependency jars (luaj, micrometer and its own, jmh-core and its own).
 */
public final class BuildComparison {

    private static volatile Object sink;

    private BuildComparison() {
    }

    public static void main(String[] args) throws Throwable {
        String method = args[0];
        int rounds = Integer.parseInt(args[1]);
        int block = Integer.parseInt(args[2]);
        String[] targets = {args[3], args[4]};
        String[] deps = args[5].split(java.io.File.pathSeparator);
        MethodHandle[] calls = new MethodHandle[2];
        for (int b = 0; b < 2; b++) {
            calls[b] = benchmarkCall(targets[b], deps, method);
        }
        for (int warm = 0; warm < 3; warm++) {
            for (MethodHandle call : calls) {
                for (int i = 0; i < 300_000; i++) {
                    sink = (Object) call.invokeExact();
                }
            }
        }
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        double[][] nanos = new double[2][rounds];
        int secondFaster = 0;
        for (int r = 0; r < rounds; r++) {
            for (int k = 0; k < 2; k++) {
                int b = r % 2 == 0 ? k : 1 - k; // which build goes first alternates
                MethodHandle call = calls[b];
                long start = threads.getCurrentThreadCpuTime();
                for (int i = 0; i < block; i++) {
                    sink = (Object) call.invokeExact();
                }
                nanos[b][r] = (threads.getCurrentThreadCpuTime() - start) / (double) block;
            }
            if (nanos[1][r] < nanos[0][r]) {
                secondFaster++;
            }
        }
        for (int b = 0; b < 2; b++) {
            double[] sorted = nanos[b].clone();
            Arrays.sort(sorted);
            System.out.printf("%s %s: median %.0f, best %.0f, worst %.0f CPU ns per call%n", method,
                    b == 0 ? "first " : "second", sorted[rounds / 2], sorted[0], sorted[rounds - 1]);
        }
        System.out.printf("second build faster in %d of %d pairs of blocks%n", secondFaster, rounds);
    }

    private static MethodHandle benchmarkCall(String target, String[] deps, String method) throws Throwable {
        List<URL> urls = new ArrayList<>();
        urls.add(Path.of(target, "classes").toUri().toURL());
        urls.add(Path.of(target, "test-classes").toUri().toURL());
        for (String d : deps) {
            urls.add(Path.of(d).toUri().toURL());
        }
        ClassLoader loader = new URLClassLoader(urls.toArray(URL[]::new), ClassLoader.getPlatformClassLoader());
        Class<?> c = Class.forName("io.nott.unit.bench.UnitBenchmark", true, loader);
        Object bench = c.getConstructor().newInstance();
        c.getMethod("setup").invoke(bench);
        return MethodHandles.publicLookup()
                .findVirtual(c, method, MethodType.methodType(c.getMethod(method).getReturnType()))
                .bindTo(bench).asType(MethodType.methodType(Object.class));
    }
}
