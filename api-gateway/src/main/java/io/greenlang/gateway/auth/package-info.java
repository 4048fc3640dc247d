/**
 * Who may call the gateway: hashed API keys bound to a tenant and roles ({@link io.greenlang.gateway.auth.ApiKeys},
 * {@link io.greenlang.gateway.auth.ApiKeyAuthenticator}), OIDC bearer tokens verified against a JWKS
 * ({@link io.greenlang.gateway.auth.OidcAuthenticator}), a per-caller rate limit
 * ({@link io.greenlang.gateway.auth.RateLimitGuard}) and the admin routes that manage keys
 * ({@link io.greenlang.gateway.auth.ApiKeyResources}). Role checks and tenant isolation of the data are enforced by
 * the server and the resources from the {@link io.greenlang.gateway.Principal} built here.
 */
package io.greenlang.gateway.auth;
