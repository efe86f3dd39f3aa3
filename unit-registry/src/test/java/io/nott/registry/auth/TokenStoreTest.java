package io.nott.registry.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class TokenStoreTest {

    @Test
    void namedAndUnnamedTokensMapToRolesAndActors() {
        TokenStore store = tokens(List.of("ops:s3cret", "abcdef0123"), List.of("reader:r"));
        assertThat(store.identify("s3cret")).contains(new TokenStore.Identity("ops", Role.EDITOR));
        assertThat(store.identify("r")).contains(new TokenStore.Identity("reader", Role.VIEWER));
        assertThat(store.identify("abcdef0123").orElseThrow().actor()).startsWith("editor-").doesNotContain("abcdef");
        assertThat(store.identify("nope")).isEmpty();
        assertThat(store.identify("ops:s3cret")).isEmpty();
    }

    @Test
    void productionRefusesToStartWithoutAnEditorToken() {
        TokenStore viewersOnly = tokens(List.of(), List.of("v"));
        assertThatThrownBy(() -> TokenStartupCheck.verify(viewersOnly, true))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("REGISTRY_AUTH_EDITOR_TOKENS");
        TokenStartupCheck.verify(viewersOnly, false);
        TokenStartupCheck.verify(tokens(List.of("e"), List.of()), true);
    }

    private static TokenStore tokens(List<String> editors, List<String> viewers) {
        return new TokenStore(editors, viewers);
    }
}
