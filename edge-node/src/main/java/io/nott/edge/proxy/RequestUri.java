package io.nott.edge.proxy;

/**
 * A request's URI as nginx sees it after parsing: {@code path} is {@code $uri} (percent-decoded,
 * dot segments resolved, slashes merged), what routes, units and the {@code $uri} of cache keys
 * see; {@code forwarded} is that same path escaped again for the upstream request line (what
 * nginx sends when {@code proxy_pass} names a URI), and {@code query} the raw arguments
 * ({@code $args}, never decoded). The client's raw {@code $request_uri} stays on the request.
 */
public record RequestUri(String path, String forwarded, String query) {

    /** The upstream request line's target: the normalised, re-escaped path and the raw query. */
    public String forwardedUri() {
        return query == null ? forwarded : forwarded + "?" + query;
    }

    /**
     * A URI units set ({@code ngx.req.set_uri}, {@code set_uri_args}, {@code ngx.var.args}):
     * {@code path} is taken as {@code $uri} is (decoded, not normalised again, as nginx does not)
     * and escaped for the upstream the same way a client's is; an empty {@code query} is none.
     */
    public static RequestUri rewritten(String path, String query) {
        return new RequestUri(path, UriNormalizer.escape(path.getBytes(java.nio.charset.StandardCharsets.UTF_8)),
                query == null || query.isEmpty() ? null : query);
    }

    /** Normalises a raw request path (see {@link UriNormalizer}); a {@code 400} ProxyException when nginx would refuse it. */
    public static RequestUri of(String rawPath, String query) {
        return UriNormalizer.normalize(rawPath, query);
    }
}
