package io.nott.unit.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Units' response header changes as {@link RequestState} keeps them: one per header, in the order of the last change. */
class RequestStateHeadersTest {

    @Test
    void aChangedHeaderMovesToTheEndAndKeepsItsLatestName() {
        RequestState s = new RequestState();
        for (int i = 0; i < 6; i++) { // past the first array's size
            s.changeHeader("X-H" + i, List.of("v" + i));
        }
        s.changeHeader("x-h1", List.of("again"));
        assertThat(s.headerChanges()).extracting(RequestState.HeaderChange::name)
                .containsExactly("X-H0", "X-H2", "X-H3", "X-H4", "X-H5", "x-h1");
        assertThat(s.headerChange("X-H1").values()).containsExactly("again");
        assertThat(s.headerChange("x-h5").values()).containsExactly("v5");
        assertThat(s.headerChange("X-Missing")).isNull();
    }

    @Test
    void manyHeadersKeepTheSameOrderAndLookupsPastTheSmallArrays() {
        RequestState s = new RequestState();
        int n = RequestState.FEW_HEADERS * 3;
        for (int i = 0; i < n; i++) {
            s.changeHeader("X-H" + i, List.of("v" + i));
            if (i == RequestState.FEW_HEADERS) {
                s.changeHeader("x-h0", List.of("moved")); // right after the move to the map
            }
        }
        List<RequestState.HeaderChange> all = s.headerChanges();
        assertThat(all).hasSize(n);
        assertThat(all.get(RequestState.FEW_HEADERS).name()).isEqualTo("x-h0");
        assertThat(all.get(n - 1).name()).isEqualTo("X-H" + (n - 1));
        assertThat(s.headerChange("X-H0").values()).containsExactly("moved");
        assertThat(s.headerChange("x-h" + (n - 1)).values()).containsExactly("v" + (n - 1));
        SimulatedExchange ex = SimulatedExchange.builder().target("/").responseHeader("X-H1", "upstream")
                .responseHeader("X-Up", "1").build();
        assertThat(s.responseHeaders(ex)).hasSize(n + 1).first().satisfies(e -> assertThat(e.getKey()).isEqualTo("X-Up"));
    }

    @Test
    void removalIsAChangeWithoutValues() {
        RequestState s = new RequestState();
        s.changeHeader("Set-Cookie", List.of("a=b"));
        s.changeHeader("set-cookie", List.of());
        assertThat(s.headerChanges()).singleElement().satisfies(c -> assertThat(c.removed()).isTrue());
    }

    @Test
    void responseHeadersShowUnitsChangesOverTheUpstreams() {
        SimulatedExchange ex = SimulatedExchange.builder().target("/").responseHeader("Content-Type", "text/plain")
                .responseHeader("X-Up", "1").build();
        RequestState s = new RequestState();
        s.changeHeader("x-up", List.of("2", "3"));
        assertThat(s.responseHeaders(ex)).extracting(java.util.Map.Entry::getValue).containsExactly("text/plain", "2", "3");
    }

    @Test
    void repeatedRequestHeadersAreJoinedAsNginxDoes() {
        SimulatedExchange ex = SimulatedExchange.builder().target("/").header("Cookie", "a=1")
                .header("Accept", "*/*").header("cookie", "b=2").build();
        assertThat(ex.requestHeaderJoined("Cookie", "; ")).isEqualTo("a=1; b=2");
        assertThat(ex.requestHeaderJoined("accept", ", ")).isEqualTo("*/*");
        assertThat(ex.requestHeaderJoined("X-None", ", ")).isNull();
        assertThat(NgxVariables.resolve("cookie_b", ex, new RequestState(), Fixture.CLOCK)).isEqualTo("2");
    }
}
