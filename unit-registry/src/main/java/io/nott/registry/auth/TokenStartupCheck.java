package io.nott.registry.auth;

import io.quarkus.runtime.LaunchMode;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;
import org.jboss.logging.Logger;

/** Refuses to start a production registry that nobody could write to. */
@Singleton
public class TokenStartupCheck {

    private static final Logger LOG = Logger.getLogger(TokenStartupCheck.class);
    static final String MESSAGE = "No editor token configured: set REGISTRY_AUTH_EDITOR_TOKENS "
            + "(registry.auth.editor-tokens), e.g. from a Kubernetes Secret";

    void onStart(@Observes StartupEvent event, TokenStore tokens) {
        verify(tokens, LaunchMode.current() == LaunchMode.NORMAL);
    }

    /** Throws in production without an editor token; elsewhere only warns (every write then answers 401). */
    static void verify(TokenStore tokens, boolean production) {
        if (tokens.hasEditor()) {
            return;
        }
        if (production) {
            throw new IllegalStateException(MESSAGE);
        }
        LOG.warn(MESSAGE + "; every write will answer 401");
    }
}
