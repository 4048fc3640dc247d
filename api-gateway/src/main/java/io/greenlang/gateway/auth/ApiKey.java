package io.greenlang.gateway.auth;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

import io.greenlang.gateway.Principal;
import io.greenlang.gateway.Role;

/**
 * An API key as stored and listed: everything but the secret, which exists in plaintext only in the answer that
 * created it.
 *
 * @param id         the key id, the part between {@code glk_} and the secret; the principal's subject
 * @param tenant     the tenant the key is bound to, or {@link Principal#ALL_TENANTS}
 * @param roles      the roles as granted (not expanded)
 * @param name       what the key is for, chosen by its creator
 * @param createdAt  when it was created
 * @param revokedAt  when it was revoked, or null while it is valid
 * @param lastUsedAt when it last authenticated a request (updated at most once a minute), or null
 */
public record ApiKey(String id, String tenant, Set<Role> roles, String name, Instant createdAt, Instant revokedAt,
        Instant lastUsedAt) {

    /** Validates and copies the components. */
    public ApiKey {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(tenant, "tenant");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(createdAt, "createdAt");
        roles = Set.copyOf(roles);
    }

    /** Whether the key still authenticates. */
    public boolean revoked() {
        return revokedAt != null;
    }

    /** The principal of a request made with this key. */
    public Principal principal() {
        return new Principal(id, tenant, roles);
    }

    /** The roles' names in lower case, sorted, as the API shows them. */
    public List<String> roleNames() {
        return roles.stream().sorted().map(role -> role.name().toLowerCase(Locale.ROOT)).toList();
    }

    /** The key as the admin API shows it (never a secret). */
    public Map<String, Object> toJson() {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("id", id);
        json.put("tenant", tenant);
        json.put("roles", roleNames());
        json.put("name", name);
        json.put("created_at", createdAt);
        json.put("revoked_at", revokedAt);
        json.put("last_used_at", lastUsedAt);
        return json;
    }
}
