package io.nott.edge.units.sync;

import io.nott.unit.codec.UnitHashCodec;
import io.nott.unit.model.ComputingUnit;
import io.nott.unit.runtime.CompiledAhead;
import io.nott.unit.runtime.UnitSnapshot;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import org.jboss.logging.Logger;

/**
 * Decodes and compiles each batch of a full read on a worker while the sync thread reads the
 * next batch from Redis. A full read after a bulk apply (10,000 units, issue #17) used to read
 * every batch, then decode every hash, then compile every unit, one stage after the other, the
 * sync thread idle while Redis answered. What is done here is only a head start: the sync decodes
 * whatever hash was not decoded here and the build compiles whatever unit was not
 * ({@link CompiledAhead}), so a failure here costs time, never units. Created per full read; its
 * batches are handed over by the sync thread.
 */
final class ReadAhead implements RedisUnitSource.BatchListener {

    private static final Logger LOG = Logger.getLogger(ReadAhead.class);

    /** What the running snapshot was decoded from (sync thread only, not changed while the read runs). */
    private final Map<String, UnitDecoding.Decoded> known;
    private final Map<String, UnitDecoding.Decoded> decoded = new ConcurrentHashMap<>();
    private final CompiledAhead compiled;
    private final ExecutorService worker;
    private final List<Future<?>> pending = new ArrayList<>();

    /** For a read whose units will be built on {@code base}, decoded before as {@code known}. */
    ReadAhead(UnitSnapshot base, Map<String, UnitDecoding.Decoded> known, ExecutorService worker) {
        this.known = known;
        this.compiled = new CompiledAhead(base);
        this.worker = worker;
    }

    /** On the sync thread: hands the hashes that differ from the running ones to the worker. */
    @Override
    public void read(Map<String, Map<String, String>> batch) {
        List<Map.Entry<String, Map<String, String>>> fresh = new ArrayList<>();
        batch.forEach((id, hash) -> {
            UnitDecoding.Decoded was = known.get(id);
            if (hash != null && (was == null || !was.hash().equals(hash))) {
                fresh.add(Map.entry(id, hash));
            }
        });
        if (!fresh.isEmpty()) {
            pending.add(worker.submit(() -> decodeAndCompile(fresh)));
        }
    }

    private void decodeAndCompile(List<Map.Entry<String, Map<String, String>>> fresh) {
        try {
            List<ComputingUnit> units = (fresh.size() >= UnitDecoding.PARALLEL_DECODE_FROM ? fresh.parallelStream() : fresh.stream())
                    .map(e -> {
                        try {
                            ComputingUnit unit = UnitHashCodec.decode(e.getValue());
                            decoded.put(e.getKey(), new UnitDecoding.Decoded(e.getValue(), unit));
                            return unit;
                        } catch (RuntimeException bad) {
                            return null; // the sync decodes it again and reports it
                        }
                    })
                    .filter(java.util.Objects::nonNull).toList();
            compiled.compile(units);
        } catch (RuntimeException e) {
            LOG.debugf(e, "Decoding and compiling a batch ahead failed; the sync does it");
        }
    }

    /**
     * Waits for the batches handed over so far (bounded by their own work: nothing here waits
     * for Redis) and answers what was decoded, by id; the compiled units are {@link #compiled()}.
     */
    Map<String, UnitDecoding.Decoded> finish() {
        for (Future<?> f : pending) {
            try {
                f.get();
            } catch (ExecutionException e) {
                LOG.debugf(e.getCause(), "A batch was not decoded and compiled ahead; the sync does it");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        return decoded;
    }

    CompiledAhead compiled() {
        return compiled;
    }

    /** Batches left to the worker are dropped (the read failed): the worker goes on with the next read's. */
    void cancel() {
        pending.forEach(f -> f.cancel(false));
    }
}
