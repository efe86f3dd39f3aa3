package io.nott.unit.codec;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
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
        int[] at = {0};
        while (at[0] < reply.length) {
            int elements = length(reply, at);
            Map<String, String> hash = new LinkedHashMap<>();
            for (int i = 0; i + 1 < elements; i += 2) {
                String field = part(reply, at);
                hash.put(field, part(reply, at));
            }
            hashes.add(hash);
        }
        return hashes;
    }

    private static String part(byte[] reply, int[] at) {
        int bytes = length(reply, at);
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
