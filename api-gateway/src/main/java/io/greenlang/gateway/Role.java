package io.greenlang.gateway;

import io.javalin.security.RouteRole;

/**
 * The roles an API key or token can carry (issue 6, "Auth and tenancy"). Every route of the {@link RouteTable}
 * declares the roles that may call it; this increment records them (Javalin route metadata and
 * {@code x-required-roles} in the OpenAPI document) but does not enforce them yet: authentication is a later
 * increment, which must never widen a route's roles silently.
 */
public enum Role implements RouteRole {
    /** Reads runs, events and audit packages. */
    VIEWER,
    /** Submits runs. */
    SUBMITTER,
    /** Approves or rejects runs awaiting approval. */
    APPROVER,
    /** Operates the platform: emergency stop, blocklists, maintenance mode. */
    ADMIN
}
