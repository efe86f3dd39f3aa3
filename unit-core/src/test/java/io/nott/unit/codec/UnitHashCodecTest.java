package io.nott.unit.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nott.unit.model.Budget;
import io.nott.unit.model.ComputingUnit;
import io.nott.unit.model.FailurePolicy;
import io.nott.unit.model.Phase;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class UnitHashCodecTest {

    @Test
    void roundTripsEveryField() {
        ComputingUnit u = new ComputingUnit("auth", Phase.ACCESS, "return ngx.exit(403)",
                List.of("example.com", "~^edge[0-9]{1,3}$"), 25, "remote_addr", -3, false, new Budget(5000, 20),
                FailurePolicy.CLOSED, 42, Instant.parse("2026-11-27T09:00:00Z"), "alice", false);
        Map<String, String> hash = UnitHashCodec.encode(u);
        assertThat(hash).containsEntry("phase", "access").containsEntry("failure", "closed")
                .containsEntry("hosts", "[\"example.com\",\"~^edge[0-9]{1,3}$\"]");
        assertThat(UnitHashCodec.decode(hash)).isEqualTo(u);
    }

    @Test
    void pathsRoundTripAndArePresentOnlyWhenSet() {
        ComputingUnit u = ComputingUnit.of("p", Phase.ACCESS, "return").withPaths(List.of("= /x", "~ ,\\.ts$"));
        Map<String, String> hash = UnitHashCodec.encode(u);
        assertThat(hash).containsEntry("paths", "[\"= /x\",\"~ ,\\\\.ts$\"]");
        assertThat(UnitHashCodec.decode(hash)).isEqualTo(u);
        assertThat(UnitHashCodec.encode(ComputingUnit.of("p", Phase.ACCESS, "return"))).doesNotContainKey("paths");
        Map<String, String> bad = new HashMap<>(hash);
        bad.put("paths", "\"/x\"");
        assertThatThrownBy(() -> UnitHashCodec.decode(bad)).hasMessageContaining("paths: expected a JSON array");
    }

    @Test
    void missingOptionalFieldsTakeDefaults() {
        ComputingUnit u = UnitHashCodec.decode(Map.of("id", "a", "phase", "access_by_lua_block", "code", "x=1"));
        assertThat(u).isEqualTo(ComputingUnit.of("a", Phase.ACCESS, "x=1"));
    }

    @Test
    void malformedFieldsAreNamed() {
        Map<String, String> h = new HashMap<>(UnitHashCodec.encode(ComputingUnit.of("a", Phase.LOG, "x=1")));
        h.put("sampling", "lots");
        assertThatThrownBy(() -> UnitHashCodec.decode(h)).isInstanceOf(UnitCodecException.class)
                .hasMessage("sampling: expected an integer, got 'lots'");
        h.remove("sampling");
        h.put("hosts", "{\"a\":1}");
        assertThatThrownBy(() -> UnitHashCodec.decode(h)).hasMessageContaining("hosts: expected a JSON array");
        h.remove("hosts");
        h.remove("code");
        assertThatThrownBy(() -> UnitHashCodec.decode(h)).hasMessage("code: missing");
    }

    @Test
    void schemaKeysShareTheHashTag() {
        assertThat(RedisSchema.unitKey("auth")).isEqualTo("{cu}:unit:auth");
        assertThat(RedisSchema.idOfUnitKey("{cu}:unit:auth")).isEqualTo("auth");
        assertThat(RedisSchema.historyKey("auth")).isEqualTo("{cu}:history:auth");
        assertThat(List.of(RedisSchema.UNITS, RedisSchema.VERSION, RedisSchema.AUDIT, RedisSchema.EDGES))
                .allMatch(k -> k.startsWith("{cu}:"));
        assertThat(RedisSchema.unitDataKey("{cu}:units")).isEqualTo("ud:{cu}:units").doesNotStartWith("{cu}");
    }

    @Test
    void updatedAtIsReadAsInstantParseReadsIt() {
        java.util.Random random = new java.util.Random(17);
        for (int i = 0; i < 20_000; i++) {
            Instant at = Instant.ofEpochSecond(random.nextLong(0, 4_102_444_800L), // up to 2100
                    switch (i % 4) {
                        case 0 -> 0;
                        case 1 -> random.nextInt(1000) * 1_000_000;
                        case 2 -> random.nextInt(1_000_000) * 1_000;
                        default -> random.nextInt(1_000_000_000);
                    });
            assertThat(UnitHashCodec.instant(at.toString())).isEqualTo(at);
        }
        for (String text : List.of("2026-12-03T02:21:00Z", "2026-12-03T02:21:00.1Z", "2024-02-29T23:59:59.999999999Z",
                "+12026-12-03T02:21:00Z", "1970-01-01T00:00:00.000000001Z", "2026-12-03T24:00:00Z",
                "2026-12-03T02:21:00.Z")) {
            assertThat(UnitHashCodec.instant(text)).isEqualTo(Instant.parse(text));
        }
        for (String bad : List.of("2026-02-30T00:00:00Z", "2026-13-01T00:00:00Z",
                "2026-12-03T02:61:00Z", "2026-12-03T02:21:0xZ", "2026-12-03 02:21:00Z", "yesterday")) {
            assertThatThrownBy(() -> UnitHashCodec.instant(bad)).as(bad).isInstanceOf(java.time.format.DateTimeParseException.class);
        }
    }
}
