package io.nott.edge.cache;

import io.nott.edge.proxy.ProxyContext;
import io.nott.edge.proxy.ProxyException;
import io.nott.edge.proxy.ProxyInterceptor;
import io.nott.edge.proxy.ProxyResponse;
import io.nott.edge.proxy.ResponseBody;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import java.time.Clock;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * nginx's {@code proxy_cache} as one interceptor: lookup, {@code proxy_cache_lock} (concurrent
 * misses wait for one upstream request), {@code proxy_cache_use_stale error timeout updating},
 * and the store. Attaches the request's {@link CacheStatus} to the context (for metrics and
 * {@code ngx.var.upstream_cache_status}) and has the writer add it as {@code X-Cache-Status}.
 */
public final class CacheInterceptor implements ProxyInterceptor {

    static final CharSequence X_CACHE_STATUS = HttpHeaders.createOptimized("X-Cache-Status");

    private final HttpCache cache;
    private final Vertx vertx;
    private final Clock clock;
    private final CacheSettings settings;
    private final Function<ProxyContext, CachePolicy> policies;

    /**
     * @param policies the cache rules of a request (its route's {@code proxy_cache_valid} and
     *                 friends); the cache itself knows nothing of routes
     */
    public CacheInterceptor(HttpCache cache, Vertx vertx, Clock clock, Function<ProxyContext, CachePolicy> policies) {
        this.cache = cache;
        this.vertx = vertx;
        this.clock = clock;
        this.settings = cache.settings();
        this.policies = policies;
    }

    /** nginx's {@code $upstream_cache_status}: attached for readers, and sent as {@code X-Cache-Status}. */
    private static void status(ProxyContext context, CacheStatus status) {
        context.put(CacheStatus.class, status);
        context.responseHeader(X_CACHE_STATUS, status.name());
    }

    @Override
    public Future<ProxyResponse> handleRequest(ProxyContext context) {
        CachePolicy policy = policies.apply(context);
        HttpServerRequest request = context.request();
        if (!settings.enabled() || !policy.enabled() || context.method() != HttpMethod.GET) {
            return context.sendRequest();
        }
        CacheSteering steering = context.get(CacheSteering.class);
        String key = steering == null ? settings.key().render(context) : steering.key(settings.key().render(context));
        if (steering != null && steering.bypass() || settings.bypassOnNoCache() && asksNoCache(request)) {
            status(context, CacheStatus.BYPASS);
            return context.sendRequest().map(response -> storeIfCacheable(context, key, response, null));
        }
        CacheEntry entry = cache.get(key);
        long now = clock.millis();
        if (entry != null && entry.isFresh(now)) {
            status(context, CacheStatus.HIT);
            return Future.succeededFuture(fromEntry(entry));
        }
        HttpCache.Fill fill = cache.tryLock(key);
        if (fill != null) {
            status(context, entry == null ? CacheStatus.MISS : CacheStatus.EXPIRED);
            return fetch(context, key, fill, entry);
        }
        if (entry != null && settings.staleWhileUpdating()) {
            status(context, CacheStatus.UPDATING);
            return Future.succeededFuture(fromEntry(entry));
        }
        HttpCache.Fill running = cache.fillOf(key);
        if (running == null) { // finished between the two looks: look again
            return handleRequest(context);
        }
        return awaitFill(context, key, running, entry);
    }

    /** Waits for another request's fill, at most the lock timeout, then serves its entry or goes upstream alone. */
    private Future<ProxyResponse> awaitFill(ProxyContext context, String key, HttpCache.Fill running, CacheEntry stale) {
        Context loop = context.vertxContext();
        Promise<ProxyResponse> promise = Promise.promise();
        boolean[] settled = new boolean[1];
        long timer = vertx.setTimer(settings.lockTimeout().toMillis(), id -> {
            if (!settled[0]) {
                settled[0] = true;
                // nginx: after proxy_cache_lock_timeout the request goes upstream and is not cached
                status(context, CacheStatus.MISS);
                context.sendRequest().onComplete(promise);
            }
        });
        running.done().whenComplete((stored, failure) -> loop.runOnContext(v -> {
            if (settled[0]) {
                return;
            }
            settled[0] = true;
            vertx.cancelTimer(timer);
            if (stored != null) {
                status(context, CacheStatus.HIT);
                promise.complete(fromEntry(stored));
                return;
            }
            CacheEntry current = cache.get(key);
            if (current != null && current.isFresh(clock.millis())) {
                status(context, CacheStatus.HIT);
                promise.complete(fromEntry(current));
                return;
            }
            status(context, CacheStatus.MISS);
            context.sendRequest().onComplete(promise);
        }));
        return promise.future();
    }

    private Future<ProxyResponse> fetch(ProxyContext context, String key, HttpCache.Fill fill, CacheEntry stale) {
        Future<ProxyResponse> upstream;
        try {
            upstream = context.sendRequest();
        } catch (RuntimeException e) {
            upstream = Future.failedFuture(e);
        }
        return upstream.transform(result -> {
            if (result.failed()) {
                cache.complete(key, fill, null);
                if (stale != null && result.cause() instanceof ProxyException e
                        && (e.isTimeout() ? settings.staleOnTimeout() : settings.staleOnError())) {
                    status(context, CacheStatus.STALE);
                    return Future.succeededFuture(fromEntry(stale));
                }
                return Future.failedFuture(result.cause());
            }
            return Future.succeededFuture(storeIfCacheable(context, key, result.result(), fill));
        });
    }

    /** Tees a cacheable response into the cache; ends the fill (if any) at once when it is not cacheable. */
    private ProxyResponse storeIfCacheable(ProxyContext context, String key, ProxyResponse response, HttpCache.Fill fill) {
        long now = clock.millis();
        CachePolicy policy = policies.apply(context);
        long lifetime = Freshness.lifetimeMillis(response.status(), response.headers(), policy, now);
        CacheSteering steering = context.get(CacheSteering.class);
        // header_filter units may still set X-Accel-Expires: keep the body unless nothing they set could store it.
        boolean unitsMayDecide = steering != null && steering.awaitsHeaders()
                && Freshness.lifetimeMillis(response.status(), response.headers(), policy, now, "1") != Freshness.NOT_CACHEABLE;
        long announced = response.body() instanceof ResponseBody.Streamed s ? s.contentLength()
                : ((ResponseBody.Full) response.body()).buffer().length();
        // The request as forwarded (after rewrite units): credentials there make the answer personal.
        boolean personal = context.request().headers().contains(HttpHeaders.AUTHORIZATION)
                && !SharedCacheAuthorization.storableForAuthorizedRequest(response.headers());
        boolean refused = steering != null && steering.noCache(); // proxy_no_cache
        if (refused || (lifetime == Freshness.NOT_CACHEABLE && !unitsMayDecide) || personal
                || announced > settings.maxEntryBytes()) {
            if (fill != null) {
                cache.complete(key, fill, null);
            }
            return response;
        }
        int status = response.status();
        MultiMap headers = HttpHeaders.headers().addAll(response.headers());
        Consumer<Buffer> keep = body -> {
            if (steering == null || !steering.awaitsHeaders()) {
                store(key, fill, new CacheEntry(status, withLength(headers, body), body, now, now + lifetime));
                return;
            }
            steering.headerTtl().onComplete(decided -> {
                String unitTtl = decided.succeeded() ? decided.result() : null;
                long life = unitTtl == null ? lifetime : Freshness.lifetimeMillis(status, headers, policy, now, unitTtl);
                if (life == Freshness.NOT_CACHEABLE) {
                    if (fill != null) {
                        cache.complete(key, fill, null);
                    }
                } else {
                    store(key, fill, new CacheEntry(status, withLength(headers, body), body, now, now + life));
                }
            });
        };
        if (response.body() instanceof ResponseBody.Full full) {
            keep.accept(full.buffer());
            return response;
        }
        ResponseBody.Streamed streamed = (ResponseBody.Streamed) response.body();
        CachingStream tee = new CachingStream(streamed.stream(), streamed.abort(), streamed.contentLength(),
                settings.maxEntryBytes(), keep,
                () -> {
                    if (fill != null) {
                        cache.complete(key, fill, null);
                    }
                });
        tee.start();
        return response.body(new ResponseBody.Streamed(tee, streamed.contentLength(), tee::abort));
    }

    private void store(String key, HttpCache.Fill fill, CacheEntry entry) {
        if (fill != null) {
            cache.complete(key, fill, entry);
        } else {
            cache.put(key, entry);
        }
    }

    private static MultiMap withLength(MultiMap headers, Buffer body) {
        headers.remove(HttpHeaders.TRANSFER_ENCODING);
        headers.set(HttpHeaders.CONTENT_LENGTH, String.valueOf(body.length()));
        return headers;
    }

    private static ProxyResponse fromEntry(CacheEntry entry) {
        return ProxyResponse.shared(entry.status(), entry.headers(), new ResponseBody.Full(entry.body()));
    }

    private static boolean asksNoCache(HttpServerRequest request) {
        String cacheControl = request.getHeader(HttpHeaders.CACHE_CONTROL);
        if (cacheControl != null && (cacheControl.contains("no-cache") || cacheControl.contains("no-store"))) {
            return true;
        }
        String pragma = request.getHeader("Pragma");
        return pragma != null && pragma.contains("no-cache");
    }
}
