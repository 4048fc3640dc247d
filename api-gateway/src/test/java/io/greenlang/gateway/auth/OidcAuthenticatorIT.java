package io.greenlang.gateway.auth;

import static io.greenlang.gateway.auth.AuthClient.code;
import static io.greenlang.gateway.auth.AuthClient.json;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpServer;
import io.greenlang.audit.AuditStore;
import io.greenlang.gateway.ApiServer;
import io.greenlang.gateway.Authenticator;
import io.greenlang.gateway.GatewayDatabase;
import io.greenlang.gateway.Role;
import io.greenlang.testkit.GreenLangIntegrationTest;
import io.greenlang.testkit.TestInfra;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * OIDC bearer tokens against a real HTTP JWKS endpoint (a JDK HttpServer serving a generated RSA key set): a valid
 * token's tenant and roles are the caller's; any defect in the token is 401 GL-E-RBAC-DENIED.
 */
@GreenLangIntegrationTest
class OidcAuthenticatorIT {

    private static final String ISSUER = "https://idp.test.greenlang.io";
    private static final String AUDIENCE = "greenlang-api";
    private static final String RUNS = "/api/v1/runs";
    private static final String KEYS = "/api/v1/admin/api-keys";

    private static HttpServer jwks;
    private static RSAKey signingKey;
    private static ApiServer server;
    private static AuthClient client;
    private static ApiKeys keys;

    @BeforeAll
    static void start(TestInfra infra) throws JOSEException, IOException {
        signingKey = new RSAKeyGenerator(2048).keyID("key-1").generate();
        byte[] keySet = new JWKSet(signingKey.toPublicJWK()).toString().getBytes(StandardCharsets.UTF_8);
        jwks = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        jwks.createContext("/jwks.json", exchange -> {
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, keySet.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(keySet);
            }
        });
        jwks.start();
        URI jwksUrl = URI.create("http://127.0.0.1:" + jwks.getAddress().getPort() + "/jwks.json");

        AuditStore store = new AuditStore(infra.dataSource(), infra.schemaName());
        store.migrate();
        keys = new ApiKeys(new GatewayDatabase(infra.dataSource(), infra.schemaName() + "_gw").migrate());
        server = ApiServer.builder().runReads(store, infra.dataSource())
                .routes(new ApiKeyResources(keys).routes(), ApiKeyResources.COMPONENTS)
                .authenticator(Authenticator.firstOf(List.of(new ApiKeyAuthenticator(keys),
                        new OidcAuthenticator(jwksUrl.toURL(), ISSUER, AUDIENCE))))
                .build().start(0);
        client = new AuthClient(server);
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
        if (jwks != null) {
            jwks.stop(0);
        }
    }

    @Test
    void shouldAcceptAValidTokenWithTheTenantAndRolesOfItsClaims() throws JOSEException {
        keys.create("tenant-oidc", Set.of(Role.VIEWER), "visible to the token's admin");
        keys.create("tenant-other", Set.of(Role.VIEWER), "invisible to the token's admin");
        String viewer = token(signingKey, claims -> claims.claim("roles", List.of("viewer")));
        String admin = token(signingKey, claims -> claims.claim("roles", "viewer admin"));

        HttpResponse<String> runs = client.getWithToken(RUNS, viewer);
        assertThat(runs.statusCode()).as(runs.body()).isEqualTo(200);
        HttpResponse<String> otherTenant = client.getWithToken(RUNS + "?tenant=tenant-other", viewer);
        assertThat(otherTenant.statusCode()).as(otherTenant.body()).isEqualTo(403);
        assertThat(code(otherTenant)).isEqualTo("GL-E-TENANT-ISOLATION");
        HttpResponse<String> viewerOnAdminRoute = client.getWithToken(KEYS, viewer);
        assertThat(viewerOnAdminRoute.statusCode()).isEqualTo(403);
        assertThat(code(viewerOnAdminRoute)).isEqualTo("GL-E-RBAC-DENIED");

        HttpResponse<String> adminList = client.getWithToken(KEYS, admin);
        assertThat(adminList.statusCode()).as(adminList.body()).isEqualTo(200);
        assertThat(json(adminList)).isNotEmpty()
                .allSatisfy(key -> assertThat(key.get("tenant").asText()).isEqualTo("tenant-oidc"));
    }

    @Test
    void shouldRefuseAnExpiredToken() throws JOSEException {
        assertUnauthorized(token(signingKey, claims -> claims.expirationTime(Date.from(Instant.now().minusSeconds(600)))));
    }

    @Test
    void shouldRefuseATokenOfAnotherIssuer() throws JOSEException {
        assertUnauthorized(token(signingKey, claims -> claims.issuer("https://evil.example")));
    }

    @Test
    void shouldRefuseATokenForAnotherAudience() throws JOSEException {
        assertUnauthorized(token(signingKey, claims -> claims.audience("another-api")));
    }

    @Test
    void shouldRefuseATokenWithABadSignature() throws JOSEException {
        RSAKey impostor = new RSAKeyGenerator(2048).keyID(signingKey.getKeyID()).generate();
        assertUnauthorized(token(impostor, claims -> { }));
    }

    @Test
    void shouldRefuseATokenSignedByAnUnknownKeyId() throws JOSEException {
        RSAKey unknown = new RSAKeyGenerator(2048).keyID("key-unknown").generate();
        assertUnauthorized(token(unknown, claims -> { }));
    }

    @Test
    void shouldRefuseATokenWithoutATenantClaim() throws JOSEException {
        assertUnauthorized(token(signingKey, claims -> claims.claim("tenant", null)));
    }

    @Test
    void shouldRefuseABearerValueThatIsNotAJwt() {
        assertUnauthorized("not.a.jwt");
    }

    @Test
    void shouldAnswer503NotA401WhenTheJwksCannotBeFetched() throws IOException, JOSEException {
        HttpServer closed = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        int deadPort = closed.getAddress().getPort();
        closed.stop(0);
        OidcAuthenticator unreachable = new OidcAuthenticator(
                URI.create("http://127.0.0.1:" + deadPort + "/jwks.json").toURL(), ISSUER, AUDIENCE);
        try (ApiServer isolated = ApiServer.builder()
                .routes(new ApiKeyResources(keys).routes(), ApiKeyResources.COMPONENTS)
                .authenticator(unreachable).build().start(0)) {
            HttpResponse<String> response = new AuthClient(isolated).getWithToken(KEYS,
                    token(signingKey, claims -> claims.claim("roles", "admin")));

            assertThat(response.statusCode()).as(response.body()).isEqualTo(503);
            assertThat(code(response)).isEqualTo("GL-E-NETWORK-REFUSED");
        }
    }

    private static void assertUnauthorized(String token) {
        HttpResponse<String> response = client.getWithToken(RUNS, token);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(401);
        assertThat(code(response)).isEqualTo("GL-E-RBAC-DENIED");
        assertThat(response.headers().firstValue("WWW-Authenticate")).isPresent();
    }

    /** A token valid for ten minutes for tenant-oidc, viewer, changed by {@code change}, signed by {@code key}. */
    private static String token(RSAKey key, Consumer<JWTClaimsSet.Builder> change) throws JOSEException {
        Instant now = Instant.now();
        JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder()
                .subject("alice@tenant-oidc")
                .issuer(ISSUER)
                .audience(AUDIENCE)
                .issueTime(Date.from(now))
                .expirationTime(Date.from(now.plusSeconds(600)))
                .claim("tenant", "tenant-oidc")
                .claim("roles", List.of("viewer"));
        change.accept(claims);
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(key.getKeyID()).build(),
                claims.build());
        jwt.sign(new RSASSASigner(key));
        return jwt.serialize();
    }
}
