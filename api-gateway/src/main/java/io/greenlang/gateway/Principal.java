package io.greenlang.gateway;

import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;

import io.javalin.http.Context;

/**
 * Who is calling: the subject of an API key or bearer token, the tenant it is bound to, and its roles (with the
 * roles they imply, {@link Role#implied()}). A principal bound to {@link #ALL_TENANTS} is a platform operator and
 * sees every tenant; any other sees its own tenant only.
 *
 * @param subject the key's id or the token's {@code sub}, for logs, audit and rate limits
 * @param tenant  the tenant the credentials are bound to, or {@link #ALL_TENANTS}
 * @param roles   the roles, expanded with the roles they imply
 */
public record Principal(String subject, String tenant, Set<Role> roles) {

    /** The tenant of platform operators' credentials: every tenant. */
    public static final String ALL_TENANTS = "*";
    /** The request attribute under which the authenticated principal is stored. */
    public static final String ATTRIBUTE = "gl.principal";

    /** Validates and expands the roles. */
    public Principal {
        Objects.requireNonNull(subject, "subject");
        Objects.requireNonNull(tenant, "tenant");
        if (subject.isBlank() || tenant.isBlank()) {
            throw new IllegalArgumentException("a principal has a subject and a tenant");
        }
        EnumSet<Role> expanded = EnumSet.noneOf(Role.class);
        for (Role role : roles) {
            expanded.addAll(role.implied());
        }
        roles = Set.copyOf(expanded);
    }

    /** Whether the principal has at least one of these roles (after expansion). */
    public boolean hasAnyRole(Set<Role> anyOf) {
        return anyOf.stream().anyMatch(roles::contains);
    }

    /** Whether the principal may see the data of this tenant. */
    public boolean canSee(String otherTenant) {
        return ALL_TENANTS.equals(tenant) || tenant.equals(otherTenant);
    }

    /** Whether the principal sees every tenant. */
    public boolean allTenants() {
        return ALL_TENANTS.equals(tenant);
    }

    /**
     * The principal the server authenticated for this request.
     *
     * @param ctx the request of a route that declares roles
     * @return the principal
     * @throws IllegalStateException on a public route, where nobody was authenticated
     */
    public static Principal of(Context ctx) {
        Principal principal = ctx.attribute(ATTRIBUTE);
        if (principal == null) {
            throw new IllegalStateException("No principal on " + ctx.path() + ": the route declares no roles");
        }
        return principal;
    }
}
