package io.nott.unit.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class ChangeNoticeTest {

    @Test
    void roundTripsIdsDictsAndCommitTime() {
        ChangeNotice notice = ChangeNotice.of(12, 1_764_633_600_123L, List.of("b", "a"), true);
        assertThat(notice.toJson()).isEqualTo("{\"version\":12,\"committed_at_ms\":1764633600123,\"units\":[\"a\",\"b\"],\"dicts\":true}");
        assertThat(ChangeNotice.parse(notice.toJson())).isEqualTo(notice);
    }

    @Test
    void aBareNumberIsAVersionWhoseChangesAreUnknown() {
        ChangeNotice notice = ChangeNotice.parse(" 42\n");
        assertThat(notice.version()).isEqualTo(42);
        assertThat(notice.known()).isFalse();
        assertThat(notice.all()).isFalse();
    }

    @Test
    void tooManyIdsBecomeEverything() {
        List<String> ids = IntStream.range(0, ChangeNotice.MAX_LISTED_IDS + 1).mapToObj(i -> "u" + i).toList();
        ChangeNotice notice = ChangeNotice.of(3, 0, ids, false);
        assertThat(notice.all()).isTrue();
        assertThat(notice.units()).isEmpty();
        assertThat(notice.toJson()).contains("\"units\":\"*\"");
        assertThat(ChangeNotice.parse(notice.toJson())).isEqualTo(notice);
        assertThat(ChangeNotice.of(3, 0, ids.subList(0, ChangeNotice.MAX_LISTED_IDS), false).units())
                .hasSize(ChangeNotice.MAX_LISTED_IDS);
    }

    @Test
    void garbageIsRefusedWithWhatItWas() {
        assertThatThrownBy(() -> ChangeNotice.parse("hello")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("hello");
        assertThatThrownBy(() -> ChangeNotice.parse("{\"units\":[]}")).hasMessageContaining("version");
        assertThatThrownBy(() -> ChangeNotice.parse("{\"version\":1,\"units\":[1]}")).hasMessageContaining("units");
        assertThat(ChangeNotice.parse("{\"version\":1,\"units\":[]}").units()).isEqualTo(Set.of());
    }
}
