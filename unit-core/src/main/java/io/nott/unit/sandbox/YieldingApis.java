package io.nott.unit.sandbox;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Finds, in a unit's source, the APIs that yield to the event loop in OpenResty: Redis
 * ({@code edge_computing.redis_client}, a cosocket there), {@code ngx.sleep}, {@code ngx.socket.*},
 * {@code ngx.req.socket}, light threads ({@code ngx.thread.spawn/wait}) and subrequests
 * ({@code ngx.location.capture*}). lua-nginx-module disables all of them in
 * {@code balancer_by_lua}, which cannot yield, so the registry refuses a balancer unit that names
 * one (issue #16) instead of letting it fail on its first request.
 *
 * <p>A lexical check, so comments and strings never count and a name is found wherever it is
 * written ({@code local sleep = ngx.sleep} is found where it is written). It cannot see an API
 * reached through a computed name ({@code ngx["sl" .. "eep"]}); the runtime refuses those calls in
 * the balancer phase anyway, with the same API named.
 */
public final class YieldingApis {

    /** Dotted prefixes that yield; a chain equal to one or continuing it with {@code .}/{@code :} matches. */
    private static final List<String> YIELDING = List.of("ngx.sleep", "ngx.socket", "ngx.req.socket",
            "ngx.thread.spawn", "ngx.thread.wait", "ngx.location.capture", "ngx.location.capture_multi");
    /** The edge's Redis client: its name alone is enough (units reach it through their argument too). */
    private static final String REDIS = "redis_client";

    /** One use: the API as the message names it, and its 1-based line. */
    public record Use(String api, int line) {
    }

    private YieldingApis() {
    }

    /** Every use in {@code code}, in source order; empty when there is none (or the code does not lex). */
    public static List<Use> find(String code) {
        List<LuaLexer.Token> tokens = LuaLexer.scan(code.getBytes(StandardCharsets.UTF_8)).tokens();
        List<Use> uses = new ArrayList<>();
        int i = 0;
        while (i < tokens.size()) {
            LuaLexer.Token t = tokens.get(i);
            if (!t.name()) {
                i++;
                continue;
            }
            // Read one dotted chain of names: a.b:c
            StringBuilder chain = new StringBuilder(t.near());
            int line = t.line();
            int j = i + 1;
            boolean found = t.near().equals(REDIS);
            while (!found && j + 1 < tokens.size()
                    && (tokens.get(j).near().equals(".") || tokens.get(j).near().equals(":")) && tokens.get(j + 1).name()) {
                chain.append('.').append(tokens.get(j + 1).near());
                found = tokens.get(j + 1).near().equals(REDIS);
                j += 2;
            }
            String api = found ? "edge_computing.redis_client" : yielding(chain.toString());
            if (api != null) {
                uses.add(new Use(api, line));
            }
            i = Math.max(j, i + 1);
        }
        return uses;
    }

    private static String yielding(String chain) {
        for (String api : YIELDING.reversed()) { // longest first: capture_multi before capture
            if (chain.equals(api) || chain.startsWith(api + ".")) {
                return api;
            }
        }
        return null;
    }
}
