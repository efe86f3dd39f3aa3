package io.nott.registry.unit.service;

import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** OpenResty phase names, accepting both {@code access} and {@code access_by_lua_block} spellings. */
public final class Phases {

    public static final List<String> ALL = List.of("rewrite", "access", "content", "header_filter", "body_filter", "log");

    private Phases() {
    }

    public static Optional<String> normalise(String phase) {
        if (phase == null) {
            return Optional.empty();
        }
        String name = phase.strip().toLowerCase(Locale.ROOT);
        for (String suffix : List.of("_by_lua_block", "_by_lua_file", "_by_lua")) {
            if (name.endsWith(suffix)) {
                name = name.substring(0, name.length() - suffix.length());
                break;
            }
        }
        return ALL.contains(name) ? Optional.of(name) : Optional.empty();
    }
}
