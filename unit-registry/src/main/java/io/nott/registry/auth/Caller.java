package io.nott.registry.auth;

import jakarta.enterprise.context.RequestScoped;

/** Who makes the current request, as {@link AuthFilter} established it. */
@RequestScoped
public class Caller {

    private String actor = "anonymous";
    private Role role;

    void set(String actor, Role role) {
        this.actor = actor;
        this.role = role;
    }

    /** The token's name (or fingerprint): what the audit log records. Never the token itself. */
    public String actor() {
        return actor;
    }

    public Role role() {
        return role;
    }
}
