package io.nott.service.http;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.config.MeterFilter;
import java.util.Map;

/**
 * Help texts for the meters Quarkus' own binders register without one (Netty's allocator and
 * event loops, the HTTP server's active requests), so that no {@code # HELP} line of a service's
 * {@code /q/metrics} is empty (issue #20). Each service produces {@link #filter()} as a CDI
 * {@code MeterFilter}, which Quarkus applies to its registries before any meter is created.
 * A meter that has a description keeps it.
 */
public final class MeterHelp {

    /** By Micrometer name (dotted; Prometheus shows {@code netty_allocator_memory_used} and so on). */
    static final Map<String, String> HELP = Map.of(
            "netty.allocator.memory.used", "Memory Netty's byte buffer allocator holds, by allocator id and memory_type (heap, direct)",
            "netty.allocator.memory.pinned", "Memory of Netty's allocator pinned by buffers in use, by allocator id and memory_type",
            "netty.allocator.pooled.arenas", "Arenas of Netty's pooled allocator, by memory_type",
            "netty.allocator.pooled.cache.size", "Size of the thread-local caches of Netty's pooled allocator, by cache_type (small, normal)",
            "netty.allocator.pooled.chunk.size", "Chunk size of Netty's pooled allocator",
            "netty.allocator.pooled.threadlocal.caches", "Thread-local caches of Netty's pooled allocator",
            "netty.eventexecutor.tasks.pending", "Tasks waiting in the queue of a Netty event loop (Vert.x event loops included), by name",
            "http.server.active.requests", "HTTP requests this service is handling now");

    private MeterHelp() {
    }

    public static MeterFilter filter() {
        return new MeterFilter() {
            @Override
            public Meter.Id map(Meter.Id id) {
                String help = HELP.get(id.getName());
                if (help == null || (id.getDescription() != null && !id.getDescription().isBlank())) {
                    return id;
                }
                return new Meter.Id(id.getName(), io.micrometer.core.instrument.Tags.of(id.getTags()), id.getBaseUnit(),
                        help, id.getType());
            }
        };
    }
}
