package io.greenlang.gateway;

import java.util.EnumSet;
import java.util.Set;

import io.javalin.security.RouteRole;

/**
 * The roles an API key or token can carry. Every route of the {@link RouteTable} declares the roles that may call
 * it; the server refuses a caller with none of them (403 GL-E-RBAC-DENIED). Roles imply others: every role may
 * read ({@link #VIEWER}), and {@link #ADMIN} may do everything.
 */
public enum Role implements RouteRole {
    /** Reads runs, events, audit packages, plant and agent state, lag. */
    VIEWER,
    /** Submits and cancels runs. */
    SUBMITTER,
    /** Approves or rejects runs awaiting approval. */
    APPROVER,
    /** Operates the platform: emergency stop, blocklists, maintenance mode. */
    ADMIN;

    /** This role and the roles it implies. */
    public Set<Role> implied() {
        return switch (this) {
            case VIEWER -> EnumSet.of(VIEWER);
            case SUBMITTER -> EnumSet.of(SUBMITTER, VIEWER);
            case APPROVER -> EnumSet.of(APPROVER, VIEWER);
            case ADMIN -> EnumSet.allOf(Role.class);
        };
    }

    /**
     * The role of this name, any case.
     *
     * @param name e.g. {@code viewer}
     * @return the role
     * @throws IllegalArgumentException for an unknown name, listing the known ones
     */
    public static Role parse(String name) {
        for (Role role : values()) {
            if (role.name().equalsIgnoreCase(name == null ? "" : name.trim())) {
                return role;
            }
        }
        throw new IllegalArgumentException("Unknown role '" + name + "'; roles are viewer, submitter, approver, admin");
    }
}
