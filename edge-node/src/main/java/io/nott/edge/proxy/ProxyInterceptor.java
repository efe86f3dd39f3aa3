package io.nott.edge.proxy;

import io.vertx.core.Future;

/**
 * One step of the proxy chain, in the shape of vertx-http-proxy's interceptors: every method
 * has a "continue" default, so an interceptor overrides only what it changes.
 *
 * <p>The chain is an onion: {@link #handleRequest} runs in list order; calling
 * {@link ProxyContext#sendRequest()} hands over to the next interceptor (the last one reaches
 * the upstream), and the returned future carries the response back out through every
 * interceptor in reverse order. An interceptor may answer without calling {@code sendRequest}
 * (a Lua {@code ngx.exit(403)}, a cache hit), or change the response on its way out.
 */
public interface ProxyInterceptor {

    /** Handles a request; the default passes it on. */
    default Future<ProxyResponse> handleRequest(ProxyContext context) {
        return context.sendRequest();
    }

    /**
     * Called once the response has been written to the client (or the client went away).
     * Runs off the request's critical path; must not throw.
     */
    default void onComplete(ProxyContext context) {
    }

    /**
     * True when {@link #onComplete} has work for this request; an interceptor that overrides
     * {@code onComplete} overrides this too. When no interceptor has work, the proxy skips the
     * extra turn of the event loop it would take (a task per request).
     */
    default boolean completes(ProxyContext context) {
        return false;
    }
}
