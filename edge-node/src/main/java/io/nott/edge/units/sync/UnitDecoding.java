package io.nott.edge.units.sync;

import io.nott.unit.codec.LegacyUnitFormat;
import io.nott.unit.codec.UnitHashCodec;
import io.nott.unit.model.ComputingUnit;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Turns what Redis holds into units, and computes the fingerprint that says whether anything moved. */
final class UnitDecoding {

    private UnitDecoding() {
    }

    /** A registry hash and what it decoded to, kept so an unchanged hash (the same instance) is not decoded again. */
    record Decoded(Map<String, String> hash, ComputingUnit unit) {
    }

    /**
     * Decodes {@code fetched}; {@code cache} holds the previous sync's decoded registry units by
     * id and is updated to this sync's: a hash equal to last time's (the same instance when shared
     * by {@link FetchedUnits#with}, an equal copy after a full fetch) is not decoded again, and its
     * unit is the same instance, which the snapshot build recognises at once as unchanged.
     */
    static List<ComputingUnit> decode(FetchedUnits fetched, List<String> rejected, Map<String, Decoded> cache) {
        return decode(fetched, rejected, cache, new java.util.HashMap<>());
    }

    /** As {@link #decode(FetchedUnits, List, Map)}; {@code rejectedHashes} gets the registry hashes rejected, by id. */
    static List<ComputingUnit> decode(FetchedUnits fetched, List<String> rejected, Map<String, Decoded> cache,
            Map<String, String> rejectedHashes) {
        Map<String, ComputingUnit> units = new LinkedHashMap<>();
        fetched.legacy().forEach((id, value) -> {
            LegacyUnitFormat.Result result = LegacyUnitFormat.parse(id, value);
            if (result.ok()) {
                units.put(id, result.unit());
            } else {
                rejected.add(id + " (legacy): " + result.rejection());
            }
        });
        Map<String, Decoded> next = new java.util.HashMap<>();
        Map<String, Object> fresh = decodeNew(fetched.hashes(), cache);
        fetched.hashes().forEach((id, hash) -> {
            Object result = fresh.get(id);
            if (result == null) {
                Decoded known = cache.get(id);
                units.put(id, known.unit());
                next.put(id, known);
            } else if (result instanceof ComputingUnit unit) {
                units.put(id, unit);
                next.put(id, new Decoded(hash, unit));
            } else {
                rejected.add(id + ": " + result);
                rejectedHashes.put(id, id + ": " + result);
            }
        });
        cache.clear();
        cache.putAll(next);
        return new ArrayList<>(units.values());
    }

    /** From this many hashes to decode (a full read after a bulk apply: 10,000), they are decoded on every core. */
    static final int PARALLEL_DECODE_FROM = 64;

    /**
     * The hashes of {@code hashes} that {@code cache} does not hold (the same instance when shared
     * by {@link FetchedUnits#with}, an equal one when a full fetch read it again), decoded: by id,
     * the unit or the message of why it could not be. The codec is stateless, so a large batch is
     * decoded in parallel; the result does not depend on the order.
     */
    private static Map<String, Object> decodeNew(Map<String, Map<String, String>> hashes, Map<String, Decoded> cache) {
        List<Map.Entry<String, Map<String, String>>> todo = new ArrayList<>();
        hashes.forEach((id, hash) -> {
            Decoded known = cache.get(id);
            if (known == null || known.hash() != hash && !known.hash().equals(hash)) {
                todo.add(Map.entry(id, hash));
            }
        });
        java.util.stream.Stream<Map.Entry<String, Map<String, String>>> stream =
                todo.size() >= PARALLEL_DECODE_FROM ? todo.parallelStream() : todo.stream();
        return stream.collect(java.util.stream.Collectors.toConcurrentMap(Map.Entry::getKey, e -> {
            try {
                return UnitHashCodec.decode(e.getValue());
            } catch (RuntimeException ex) {
                return String.valueOf(ex.getMessage());
            }
        }));
    }

    static String fingerprint(long version, Map<String, String> legacy) {
        if (legacy.isEmpty()) {
            return "v" + version;
        }
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            new TreeMap<>(legacy).forEach((id, value) -> {
                digest.update(id.getBytes(StandardCharsets.UTF_8));
                digest.update((byte) 0);
                digest.update(value == null ? new byte[0] : value.getBytes(StandardCharsets.UTF_8));
                digest.update((byte) 0);
            });
            return "v" + version + "+legacy:" + HexFormat.of().formatHex(digest.digest(), 0, 12);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JRE", e);
        }
    }
}
