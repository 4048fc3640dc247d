package io.greenlang.gateway;

import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Fixed credentials for tests that are not about authentication: {@code X-API-Key: test-admin} is a platform
 * admin (every tenant), {@code test-viewer-<tenant>} a viewer of that tenant. Authentication itself (hashed API
 * keys, OIDC tokens) is tested against the real key store.
 */
final class TestCredentials {

    /** The key of a platform admin, sent by {@link GatewayClient} unless a test says otherwise. */
    static final String ADMIN_KEY = "test-admin";
    static final String HEADER = "X-API-Key";

    private static final Map<String, Principal> FIXED = Map.of(ADMIN_KEY,
            new Principal("test-admin", Principal.ALL_TENANTS, Set.of(Role.ADMIN)));

    private TestCredentials() {
    }

    /** The authenticator of these credentials; unknown keys are 401 like a real unknown key. */
    static Authenticator authenticator() {
        return ctx -> {
            String key = ctx.header(HEADER);
            if (key == null) {
                return Optional.empty();
            }
            if (FIXED.containsKey(key)) {
                return Optional.of(FIXED.get(key));
            }
            if (key.startsWith("test-viewer-")) {
                return Optional.of(new Principal(key, key.substring("test-viewer-".length()), Set.of(Role.VIEWER)));
            }
            throw new ProblemException(401, io.greenlang.common.error.ErrorCode.RBAC_DENIED, "Unknown API key");
        };
    }

    /**
     * A server over an audit store with these credentials.
     *
     * @param store      the audit store
     * @param dataSource its connections
     * @param checks     readiness checks
     * @return the builder, to add more before {@code build()}
     */
    static ApiServer.Builder server(io.greenlang.audit.AuditStore store, javax.sql.DataSource dataSource,
            java.util.List<? extends io.greenlang.common.http.HealthCheck> checks) {
        ApiServer.Builder builder = ApiServer.builder().runReads(store, dataSource).authenticator(authenticator());
        checks.forEach(builder::readiness);
        return builder;
    }
}
