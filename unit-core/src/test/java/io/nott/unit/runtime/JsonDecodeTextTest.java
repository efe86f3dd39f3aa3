package io.nott.unit.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.luaj.vm2.LuaString;

/**
 * {@code json.decode} decodes its text in slices with the deadline checked between them
 * ({@code EdgeComputingLib.decodeChecked}); the chars must be LuaJ's own, for valid and invalid
 * UTF-8 alike (a lead byte cut by the end, stray continuation bytes).
 */
class JsonDecodeTextTest {

    @Test
    void slicedDecodingGivesLuajsChars() {
        Random random = new Random(15);
        for (int round = 0; round < 8; round++) {
            byte[] bytes = new byte[600 * 1024 + random.nextInt(4096)];
            random.nextBytes(bytes);
            if (round % 2 == 0) {
                for (int i = 0; i < bytes.length; i++) {
                    bytes[i] = (byte) (bytes[i] & 0x7f); // mostly ASCII, some rounds
                }
                bytes[bytes.length - 1] = (byte) 0xe4; // a lead byte cut by the end
            }
            LuaString s = LuaString.valueUsing(bytes);
            assertThat(EdgeComputingLib.decodeChecked(s)).isEqualTo(s.tojstring());
            LuaString middle = LuaString.valueUsing(bytes, 7, bytes.length - 300);
            assertThat(EdgeComputingLib.decodeChecked(middle)).isEqualTo(middle.tojstring());
        }
    }
}
