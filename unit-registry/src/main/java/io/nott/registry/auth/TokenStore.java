package io.nott.registry.auth;

import io.nott.registry.config.RegistryConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The configured bearer tokens. Only SHA-256 digests are kept in memory and compared in
 * constant time, so neither a log line nor a timing difference gives a token away.
 */
@ApplicationScoped
public class TokenStore {

    private static final Pattern NAMED = Pattern.compile("([A-Za-z0-9._-]{1,40}):(.+)");

    /** A known token: its digest, the actor name written to the audit log, its role. */
    public record Entry(byte[] digest, String actor, Role role) {
    }

    /** Who a valid token belongs to. */
    public record Identity(String actor, Role role) {
    }

    private final List<Entry> entries;

    @Inject
    public TokenStore(RegistryConfig config) {
        this(config.auth().editorTokens().orElse(List.of()), config.auth().viewerTokens().orElse(List.of()));
    }

    TokenStore(List<String> editorTokens, List<String> viewerTokens) {
        List<Entry> all = new ArrayList<>();
        editorTokens.forEach(t -> add(all, t, Role.EDITOR));
        viewerTokens.forEach(t -> add(all, t, Role.VIEWER));
        this.entries = List.copyOf(all);
    }

    private static void add(List<Entry> all, String configured, Role role) {
        String value = configured.strip();
        if (value.isEmpty()) {
            return;
        }
        var named = NAMED.matcher(value);
        String name = named.matches() ? named.group(1) : null;
        String secret = named.matches() ? named.group(2) : value;
        byte[] digest = sha256(secret);
        String actor = name != null ? name
                : role.name().toLowerCase() + "-" + HexFormat.of().formatHex(digest, 0, 4);
        all.add(new Entry(digest, actor, role));
    }

    public boolean isEmpty() {
        return entries.isEmpty();
    }

    public boolean hasEditor() {
        return entries.stream().anyMatch(e -> e.role() == Role.EDITOR);
    }

    /** The identity of a presented token, checking every entry so the time taken does not depend on which matched. */
    public Optional<Identity> identify(String presented) {
        byte[] digest = sha256(presented);
        Identity found = null;
        for (Entry entry : entries) {
            if (MessageDigest.isEqual(entry.digest(), digest) && found == null) {
                found = new Identity(entry.actor(), entry.role());
            }
        }
        return Optional.ofNullable(found);
    }

    static byte[] sha256(String value) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}
