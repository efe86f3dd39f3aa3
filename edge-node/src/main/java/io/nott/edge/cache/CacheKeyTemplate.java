package io.nott.edge.cache;

import io.nott.edge.proxy.ProxyContext;
import io.vertx.core.http.HttpServerRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * {@code proxy_cache_key} as a template of nginx variables, parsed once: {@code $request_method},
 * {@code $scheme}, {@code $host}, {@code $request_uri}, {@code $uri}, {@code $args},
 * {@code $http_<name>}; anything else is literal text.
 */
public final class CacheKeyTemplate {

    public static final String DEFAULT = "$request_method $host$request_uri";

    private sealed interface Part permits Literal, Variable, Header {
    }

    private record Literal(String text) implements Part {
    }

    private enum Variable implements Part { METHOD, SCHEME, HOST, REQUEST_URI, URI, ARGS }

    private record Header(String name) implements Part {
    }

    private final String source;
    private final Part[] parts;

    private CacheKeyTemplate(String source, Part[] parts) {
        this.source = source;
        this.parts = parts;
    }

    public static CacheKeyTemplate parse(String template) {
        List<Part> parts = new ArrayList<>();
        int i = 0;
        StringBuilder literal = new StringBuilder();
        while (i < template.length()) {
            char c = template.charAt(i);
            if (c != '$') {
                literal.append(c);
                i++;
                continue;
            }
            int end = i + 1;
            while (end < template.length() && (Character.isLetterOrDigit(template.charAt(end)) || template.charAt(end) == '_')) {
                end++;
            }
            String name = template.substring(i + 1, end).toLowerCase(Locale.ROOT);
            Part part = switch (name) {
                case "request_method" -> Variable.METHOD;
                case "scheme" -> Variable.SCHEME;
                case "host" -> Variable.HOST;
                case "request_uri" -> Variable.REQUEST_URI;
                case "uri" -> Variable.URI;
                case "args" -> Variable.ARGS;
                default -> {
                    if (name.startsWith("http_") && name.length() > 5) {
                        yield new Header(name.substring(5).replace('_', '-'));
                    }
                    throw new IllegalArgumentException("cache key '" + template + "': unknown variable $" + name
                            + "; use $request_method, $scheme, $host, $request_uri, $uri, $args or $http_<header>");
                }
            };
            if (!literal.isEmpty()) {
                parts.add(new Literal(literal.toString()));
                literal.setLength(0);
            }
            parts.add(part);
            i = end;
        }
        if (!literal.isEmpty()) {
            parts.add(new Literal(literal.toString()));
        }
        if (parts.isEmpty()) {
            throw new IllegalArgumentException("the cache key template is empty; the default is " + DEFAULT);
        }
        return new CacheKeyTemplate(template, parts.toArray(Part[]::new));
    }

    public String render(ProxyContext context) {
        HttpServerRequest request = context.request();
        StringBuilder key = new StringBuilder(64);
        for (Part part : parts) {
            switch (part) {
                case Literal l -> key.append(l.text());
                case Header h -> {
                    String value = request.getHeader(h.name());
                    if (value != null) {
                        key.append(value);
                    }
                }
                case Variable v -> {
                    switch (v) {
                        case METHOD -> key.append(context.method().name());
                        case SCHEME -> key.append(request.scheme());
                        case HOST -> key.append(context.host());
                        case REQUEST_URI -> key.append(request.uri());
                        case URI -> key.append(context.uri().path());
                        case ARGS -> {
                            String query = request.query();
                            if (query != null) {
                                key.append(query);
                            }
                        }
                    }
                }
            }
        }
        return key.toString();
    }

    @Override
    public String toString() {
        return source;
    }
}
