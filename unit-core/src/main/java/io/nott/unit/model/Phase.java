package io.nott.unit.model;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The request phases a unit can attach to, with OpenResty's meaning. Both spellings the seed uses
 * are accepted: {@code access} and {@code access_by_lua_block} (also {@code access_by_lua}).
 */
public enum Phase {
    REWRITE("rewrite"),
    ACCESS("access"),
    CONTENT("content"),
    HEADER_FILTER("header_filter"),
    BODY_FILTER("body_filter"),
    LOG("log"),
    /**
     * OpenResty's {@code balancer_by_lua}: runs once per upstream attempt (retries run it again) to
     * pick the peer with {@code ngx.balancer}; only peers the operator allow-lists per upstream
     * group can be picked. Appended last: other values' ordinals never move.
     */
    BALANCER("balancer"),
    /**
     * {@code init_by_lua}: runs once per snapshot per node, before any request; the globals it
     * defines are read-only globals of every unit of that snapshot (issue #13).
     */
    INIT("init"),
    /** Not a phase but a library: {@code require("<unit id>")} returns what its chunk returns. */
    MODULE("module");

    private final String luaName;

    Phase(String luaName) {
        this.luaName = luaName;
    }

    /** True for the phases a request runs through (not {@link #INIT} or {@link #MODULE}). */
    public boolean perRequest() {
        return this != INIT && this != MODULE;
    }

    /** The OpenResty name without the directive suffix, e.g. {@code access}. */
    public String luaName() {
        return luaName;
    }

    /** The nginx directive, e.g. {@code access_by_lua_block}. */
    public String directive() {
        return luaName + "_by_lua_block";
    }

    /**
     * Parses {@code access}, {@code ACCESS}, {@code access_by_lua_block} or {@code access_by_lua}.
     *
     * @throws IllegalArgumentException naming the accepted values
     */
    public static Phase parse(String text) {
        if (text == null) {
            throw new IllegalArgumentException("phase is missing; expected one of " + accepted());
        }
        String s = text.trim().toLowerCase(Locale.ROOT);
        if (s.endsWith("_by_lua_block")) {
            s = s.substring(0, s.length() - "_by_lua_block".length());
        } else if (s.endsWith("_by_lua")) {
            s = s.substring(0, s.length() - "_by_lua".length());
        }
        for (Phase p : values()) {
            if (p.luaName.equals(s)) {
                return p;
            }
        }
        throw new IllegalArgumentException(
                "unknown phase '" + text + "'; expected one of " + accepted()
                        + " (the *_by_lua_block spelling is accepted too)");
    }

    private static String accepted() {
        return Arrays.stream(values()).map(Phase::luaName).collect(Collectors.joining(", "));
    }
}
