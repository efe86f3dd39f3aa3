package io.nott.unit.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The reply of {@link UnitHashBatch#SCRIPT} as Redis builds it (lengths in bytes, as Lua's {@code #}
 * counts them): read back hash by hash, multi-byte text and absent keys included. The script
 * itself runs against a real cluster in the edge's and the registry's sync and listing tests.
 */
class UnitHashBatchTest {

    private static byte[] reply(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void readsEveryHashInOrderCountingBytesNotCharacters() {
        String code = "-- é€😀\nreturn";
        int codeBytes = code.getBytes(StandardCharsets.UTF_8).length;
        List<Map<String, String>> hashes = UnitHashBatch.decode(reply(
                "4:2:id1:a4:code" + codeBytes + ":" + code + "0:2:2:id0:"));
        assertThat(hashes).containsExactly(Map.of("id", "a", "code", code), Map.of(), Map.of("id", ""));
        assertThat(hashes.get(0).keySet()).containsExactly("id", "code");
    }

    @Test
    void knownFieldNamesAndRepeatedShortValuesAreSharedNotCopied() {
        List<Map<String, String>> hashes = UnitHashBatch.decode(reply(
                "6:5:phase6:access4:code6:return6:x-note3:é1"
                        + "6:5:phase6:access4:code6:return6:x-note3:é1"
                        + "4:5:phase6:header4:code6:return"));
        assertThat(hashes).containsExactly(Map.of("phase", "access", "code", "return", "x-note", "é1"),
                Map.of("phase", "access", "code", "return", "x-note", "é1"), Map.of("phase", "header", "code", "return"));
        String phase = hashes.get(1).keySet().iterator().next();
        assertThat(phase).isSameAs(UnitHashCodec.PHASE);
        assertThat(hashes.get(1).get("phase")).isSameAs(hashes.get(0).get("phase"));
        assertThat(hashes.get(2).get("code")).isSameAs(hashes.get(0).get("code"));
        assertThat(hashes.get(2).get("phase")).isEqualTo("header");
    }

    @Test
    void anEmptyReplyHoldsNoHashes() {
        assertThat(UnitHashBatch.decode(new byte[0])).isEmpty();
    }

    @Test
    void aReplyCutShortOrGarbledIsRefusedNotMisread() {
        assertThatThrownBy(() -> UnitHashBatch.decode(reply("2:2:id9:a")))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("cut short");
        assertThatThrownBy(() -> UnitHashBatch.decode(reply("2:x:id")))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("unreadable");
        assertThatThrownBy(() -> UnitHashBatch.decode(reply("2:2:id")))
                .isInstanceOf(IllegalStateException.class);
    }

    @Test
    void theArgumentsNameEveryUnitKeyAfterTheScript() {
        String[] args = UnitHashBatch.evalArgs(List.of("a", "b"));
        assertThat(args).containsExactly(UnitHashBatch.SCRIPT, "2", RedisSchema.unitKey("a"), RedisSchema.unitKey("b"));
    }
}
