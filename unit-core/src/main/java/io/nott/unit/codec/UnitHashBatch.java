package io.nott.unit.codec;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Many unit hashes in one round trip: an {@code EVAL} of {@link #SCRIPT} over their keys (all in
 * the {@code {cu}} slot) answers one string, each hash as its element count then each field and
 * value, every part prefixed by its length in bytes ({@code 4:2:id1:a5:phase6:access}). One
 * string instead of a nested reply of ~25 strings per unit: the client's event loop parsed
 * 250,000 reply elements for a read of 10,000 units (issue #17); now it copies 40 strings and the
 * reader splits them on its own thread. The registry (listing, bulk apply) and the edges (full
 * read, changed units) read with it.
 */
public final class UnitHashBatch {

    /** Hashes per call: 10,000 units cost 40 round trips, each holding the {@code {cu}} node about a millisecond. */
    public static final int SIZE = 256;

    /** KEYS: the unit keys. Answers the length-prefixed hashes, in the keys' order (an absent key: {@code 0:}). */
    static final String SCRIPT = """
            local out = {}
            for _, k in ipairs(KEYS) do
              local h = redis.call('HGETALL', k)
              out[#out + 1] = #h .. ':'
              for _, s in ipairs(h) do
                out[#out + 1] = #s .. ':'
                out[#out + 1] = s
              end
            end
            return table.concat(out)""";

    /**
     * The field names of a unit hash as bytes, in {@link UnitHashCodec#FIELDS}' order. A read of
     * 10,000 units made 130,000 strings of a dozen names and about 70,000 more of a few short
     * values ({@code access}, {@code true}, {@code 100}...), some 9 MB that a node keeps alive
     * with the hashes and that its young collections copy after a bulk: a known name is answered
     * as its constant, and a short value equal to the one the previous hash of the batch had in
     * that field as that very string. Other fields (written with redis-cli) are read as they are.
     */
    private static final byte[][] KNOWN_FIELDS = UnitHashCodec.FIELDS.stream()
            .map(f -> f.getBytes(StandardCharsets.UTF_8)).toArray(byte[][]::new);

    /** Values up to this many bytes are compared with the previous hash's (codes and host lists rarely repeat). */
    private static final int SHARED_VALUE_BYTES = 32;

    private UnitHashBatch() {
    }

    /** The {@code EVAL} arguments (script, key count, keys) that read the hashes of unit {@code ids}. */
    public static String[] evalArgs(List<String> ids) {
        String[] args = new String[ids.size() + 2];
        args[0] = SCRIPT;
        args[1] = Integer.toString(ids.size());
        for (int i = 0; i < ids.size(); i++) {
            args[i + 2] = RedisSchema.unitKey(ids.get(i));
        }
        return args;
    }

    /** The hashes in {@code reply} (the script's answer as bytes), in the keys' order; an absent key's is empty. */
    public static List<Map<String, String>> decode(byte[] reply) {
        List<Map<String, String>> hashes = new ArrayList<>();
        // Per known field, the previous hash's value and where its bytes are in the reply.
        String[] lastValue = new String[KNOWN_FIELDS.length];
        int[] lastAt = new int[KNOWN_FIELDS.length];
        int[] lastBytes = new int[KNOWN_FIELDS.length];
        int[] at = {0};
        while (at[0] < reply.length) {
            int elements = length(reply, at);
            Map<String, String> hash = new LinkedHashMap<>();
            for (int i = 0; i + 1 < elements; i += 2) {
                int known = knownField(reply, at);
                if (known < 0) {
                    String field = part(reply, at);
                    hash.put(field, part(reply, at));
                    continue;
                }
                int bytes = length(reply, at);
                String value;
                if (lastValue[known] != null && bytes <= SHARED_VALUE_BYTES && bytes == lastBytes[known]
                        && bytes <= reply.length - at[0]
                        && Arrays.equals(reply, at[0], at[0] + bytes, reply, lastAt[known], lastAt[known] + bytes)) {
                    value = lastValue[known]; // the same bytes: the same text
                    at[0] += bytes;
                } else {
                    lastAt[known] = at[0];
                    lastBytes[known] = bytes;
                    value = text(reply, at, bytes);
                    lastValue[known] = value;
                }
                hash.put(UnitHashCodec.FIELDS.get(known), value);
            }
            hashes.add(hash);
        }
        return hashes;
    }

    /** The index of the field name at {@code at} in {@link #KNOWN_FIELDS}, read past it; -1, not read, when it is no known one. */
    private static int knownField(byte[] reply, int[] at) {
        int start = at[0];
        int bytes = length(reply, at);
        if (bytes <= reply.length - at[0]) {
            for (int k = 0; k < KNOWN_FIELDS.length; k++) {
                if (Arrays.equals(reply, at[0], at[0] + bytes, KNOWN_FIELDS[k], 0, KNOWN_FIELDS[k].length)) {
                    at[0] += bytes;
                    return k;
                }
            }
        }
        at[0] = start;
        return -1;
    }

    private static String part(byte[] reply, int[] at) {
        return text(reply, at, length(reply, at));
    }

    /** The {@code bytes} bytes at {@code at} as text, read past them. */
    private static String text(byte[] reply, int[] at, int bytes) {
        if (bytes > reply.length - at[0]) {
            throw new IllegalStateException("unit hash batch cut short: " + bytes + " bytes announced at offset " + at[0]
                    + ", " + (reply.length - at[0]) + " left");
        }
        String text = new String(reply, at[0], bytes, StandardCharsets.UTF_8);
        at[0] += bytes;
        return text;
    }

    private static int length(byte[] reply, int[] at) {
        int value = 0;
        int i = at[0];
        while (i < reply.length && reply[i] != ':') {
            byte digit = reply[i++];
            if (digit < '0' || digit > '9' || value > (Integer.MAX_VALUE - 9) / 10) {
                throw new IllegalStateException("unit hash batch unreadable at offset " + (i - 1));
            }
            value = value * 10 + (digit - '0');
        }
        if (i == reply.length || i == at[0]) {
            throw new IllegalStateException("unit hash batch unreadable at offset " + at[0]);
        }
        at[0] = i + 1;
        return value;
    }
}
