package io.nott.unit.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class PhaseTest {

    @Test
    void acceptsBothSpellings() {
        assertThat(Phase.parse("access")).isEqualTo(Phase.ACCESS);
        assertThat(Phase.parse("access_by_lua_block")).isEqualTo(Phase.ACCESS);
        assertThat(Phase.parse("HEADER_FILTER")).isEqualTo(Phase.HEADER_FILTER);
        assertThat(Phase.parse(" body_filter_by_lua ")).isEqualTo(Phase.BODY_FILTER);
        assertThat(Phase.ACCESS.luaName()).isEqualTo("access");
        assertThat(Phase.ACCESS.directive()).isEqualTo("access_by_lua_block");
    }

    @Test
    void initAndModuleAreAccepted() {
        assertThat(Phase.parse("init_by_lua_block")).isEqualTo(Phase.INIT);
        assertThat(Phase.parse("module")).isEqualTo(Phase.MODULE);
        assertThat(Phase.INIT.perRequest()).isFalse();
        assertThat(Phase.LOG.perRequest()).isTrue();
    }

    @Test
    void unknownPhaseNamesTheAcceptedOnes() {
        assertThatThrownBy(() -> Phase.parse("ssl_certificate_by_lua_block"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("unknown phase 'ssl_certificate_by_lua_block'")
                .hasMessageContaining("rewrite, access, content, header_filter, body_filter, log");
        assertThatThrownBy(() -> Phase.parse(null)).hasMessageContaining("phase is missing");
    }
}
