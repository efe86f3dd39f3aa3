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
