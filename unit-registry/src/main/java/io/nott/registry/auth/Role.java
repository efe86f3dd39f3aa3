package io.nott.registry.auth;

/** What a token may do. An editor may also read. */
public enum Role {
    VIEWER, EDITOR;

    public boolean allows(Role needed) {
        return this == EDITOR || needed == VIEWER;
    }
}
