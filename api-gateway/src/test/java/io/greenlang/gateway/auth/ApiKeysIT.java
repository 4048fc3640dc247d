package io.greenlang.gateway.auth;

import static io.greenlang.gateway.auth.AuthClient.code;
import static io.greenlang.gateway.auth.AuthClient.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import io.greenlang.audit.AuditStore;
import io.greenlang.gateway.ApiServer;
import io.greenlang.gateway.GatewayDatabase;
import io.greenlang.gateway.Principal;
import io.greenlang.gateway.Role;
import io.greenlang.testkit.GreenLangIntegrationTest;
import io.greenlang.testkit.TestInfra;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** API keys against the real key table: hashing, authentication, revocation, bootstrap and the admin routes. */
@GreenLangIntegrationTest
class ApiKeysIT {

    private static final String RUNS = "/api/v1/runs";

    private static GatewayDatabase database;
    private static ApiKeys keys;
    private static ApiServer server;
    private static AuthClient client;
    private static String platformAdmin;

    @BeforeAll
    static void start(TestInfra infra) {
        AuditStore store = new AuditStore(infra.dataSource(), infra.schemaName());
        store.migrate();
        database = new GatewayDatabase(infra.dataSource(), infra.schemaName() + "_gw").migrate();
        keys = new ApiKeys(database);
        server = ApiServer.builder().runReads(store, infra.dataSource())
                .routes(new ApiKeyResources(keys).routes(), ApiKeyResources.COMPONENTS)
                .authenticator(new ApiKeyAuthenticator(keys))
                .build().start(0);
        client = new AuthClient(server);
        platformAdmin = keys.create(Principal.ALL_TENANTS, Set.of(Role.ADMIN), "platform admin").plaintext();
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void shouldStoreOnlyTheSha256OfTheSecretWhenAKeyIsCreated() throws SQLException {
        ApiKeys.CreatedKey created = keys.create("tenant-hash", Set.of(Role.VIEWER), "hash check");
        String secret = created.plaintext().substring(ApiKeys.PREFIX.length() + created.key().id().length() + 1);

        try (Connection connection = database.dataSource().getConnection();
             PreparedStatement select = connection.prepareStatement("SELECT * FROM "
                     + database.table("api_keys") + " WHERE key_id = ?")) {
            select.setString(1, created.key().id());
            try (ResultSet row = select.executeQuery()) {
                assertThat(row.next()).isTrue();
                assertThat(row.getString("secret_sha256")).isEqualTo(HexFormat.of().formatHex(ApiKeys.sha256(secret)));
                for (int column = 1; column <= row.getMetaData().getColumnCount(); column++) {
                    assertThat(String.valueOf(row.getObject(column)))
                            .as(row.getMetaData().getColumnName(column))
                            .doesNotContain(secret).doesNotContain(created.plaintext());
                }
                assertThat(row.getString("tenant_id")).isEqualTo("tenant-hash");
                assertThat((Object[]) row.getArray("roles").getArray()).containsExactly("viewer");
            }
        }
        assertThat(created.plaintext()).matches("glk_[0-9a-f]{16}_[A-Za-z0-9_-]{43}");
    }

    @Test
    void shouldAuthenticateAKeyAsItsTenantAndRolesUntilItIsRevoked() {
        ApiKeys.CreatedKey created = keys.create("tenant-auth", Set.of(Role.VIEWER), "reader");

        assertThat(keys.verify(created.plaintext())).hasValueSatisfying(key -> {
            assertThat(key.principal().tenant()).isEqualTo("tenant-auth");
            assertThat(key.principal().roles()).containsExactly(Role.VIEWER);
        });
        HttpResponse<String> allowed = client.get(RUNS, created.plaintext());
        assertThat(allowed.statusCode()).as(allowed.body()).isEqualTo(200);
        HttpResponse<String> asBearer = client.getWithToken(RUNS, created.plaintext());
        assertThat(asBearer.statusCode()).as(asBearer.body()).isEqualTo(200);

        keys.revoke(created.key().id());

        HttpResponse<String> refused = client.get(RUNS, created.plaintext());
        assertThat(refused.statusCode()).as(refused.body()).isEqualTo(401);
        assertThat(code(refused)).isEqualTo("GL-E-RBAC-DENIED");
        assertThat(keys.find(created.key().id())).hasValueSatisfying(key -> assertThat(key.revoked()).isTrue());
    }

    @Test
    void shouldAnswer401WhenTheKeyIsUnknownMalformedOrHasTheWrongSecret() {
        String valid = keys.create("tenant-wrong", Set.of(Role.VIEWER), "wrong secret").plaintext();
        String wrongSecret = valid.substring(0, valid.length() - 43) + "A".repeat(43);
        String unknownId = "glk_0000000000000000_" + valid.substring(valid.length() - 43);

        for (String key : List.of(wrongSecret, unknownId, "not-a-key", "glk_short")) {
            HttpResponse<String> response = client.get(RUNS, key);
            assertThat(response.statusCode()).as(key + ": " + response.body()).isEqualTo(401);
            assertThat(code(response)).isEqualTo("GL-E-RBAC-DENIED");
            assertThat(response.headers().firstValue("WWW-Authenticate")).isPresent();
        }
        assertThat(json(client.get(RUNS, wrongSecret)).get("detail"))
                .isEqualTo(json(client.get(RUNS, unknownId)).get("detail"));
    }

    @Test
    void shouldStopAuthenticatingAKeyRevokedElsewhereWithinTheCacheBound() throws SQLException {
        ApiKeys.CreatedKey created = keys.create("tenant-elsewhere", Set.of(Role.VIEWER), "revoked in SQL");
        assertThat(client.get(RUNS, created.plaintext()).statusCode()).isEqualTo(200);

        try (Connection connection = database.dataSource().getConnection();
             PreparedStatement revoke = connection.prepareStatement("UPDATE " + database.table("api_keys")
                     + " SET revoked_at = now() WHERE key_id = ?")) {
            revoke.setString(1, created.key().id());
            assertThat(revoke.executeUpdate()).isEqualTo(1);
        }

        await().atMost(ApiKeys.CACHE_TTL.plusSeconds(5)).pollInterval(java.time.Duration.ofMillis(200))
                .until(() -> client.get(RUNS, created.plaintext()).statusCode() == 401);
    }

    @Test
    void shouldReuseTheBootstrapAdminKeyWhileItIsValidAndReplaceItOnceRevoked(@TempDir Path dir) {
        Path file = dir.resolve("local").resolve("admin.key");

        String first = keys.bootstrapAdmin(file);
        String again = keys.bootstrapAdmin(file);

        assertThat(again).isEqualTo(first);
        assertThat(keys.verify(first)).hasValueSatisfying(key -> {
            assertThat(key.tenant()).isEqualTo(Principal.ALL_TENANTS);
            assertThat(key.roles()).containsExactly(Role.ADMIN);
            assertThat(key.name()).isEqualTo(ApiKeys.BOOTSTRAP_NAME);
        });
        assertThat(Files.isReadable(file)).isTrue();

        keys.revoke(keys.verify(first).orElseThrow().id());
        String replaced = keys.bootstrapAdmin(file);

        assertThat(replaced).isNotEqualTo(first);
        assertThat(keys.verify(replaced)).isPresent();
        assertThat(keys.verify(first)).isEmpty();
        assertThat(client.get("/api/v1/admin/api-keys", replaced).statusCode()).isEqualTo(200);
    }

    @Test
    void shouldCreateAKeyOverTheAdminApiShowingItsPlaintextOnlyInThatAnswer() {
        HttpResponse<String> created = client.send("POST", "/api/v1/admin/api-keys",
                AuthClient.object(Map.of("tenant", "tenant-api", "roles", List.of("viewer", "submitter"),
                        "name", "ci")), ApiKeyAuthenticator.HEADER, platformAdmin);

        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        JsonNode body = json(created);
        String plaintext = body.get("key").asText();
        String id = body.get("id").asText();
        assertThat(body.get("tenant").asText()).isEqualTo("tenant-api");
        assertThat(body.get("roles")).extracting(JsonNode::asText).containsExactly("viewer", "submitter");
        assertThat(client.get(RUNS, plaintext).statusCode()).isEqualTo(200);

        HttpResponse<String> listed = client.get("/api/v1/admin/api-keys?tenant=tenant-api", platformAdmin);
        assertThat(listed.statusCode()).as(listed.body()).isEqualTo(200);
        assertThat(listed.body()).doesNotContain(plaintext).doesNotContain(plaintext.substring(21));
        assertThat(json(listed)).singleElement().satisfies(key -> {
            assertThat(key.get("id").asText()).isEqualTo(id);
            assertThat(key.has("key")).isFalse();
            assertThat(key.get("last_used_at").isNull()).isFalse();
        });
    }

    @Test
    void shouldRevokeAKeyOverTheAdminApiEffectiveAtOnce() {
        ApiKeys.CreatedKey created = keys.create("tenant-revoke", Set.of(Role.VIEWER), "to revoke");
        assertThat(client.get(RUNS, created.plaintext()).statusCode()).isEqualTo(200);

        HttpResponse<String> revoked = client.send("DELETE", "/api/v1/admin/api-keys/" + created.key().id(), null,
                ApiKeyAuthenticator.HEADER, platformAdmin);

        assertThat(revoked.statusCode()).as(revoked.body()).isEqualTo(200);
        assertThat(json(revoked).get("revoked_at").isNull()).isFalse();
        assertThat(client.get(RUNS, created.plaintext()).statusCode()).isEqualTo(401);
        HttpResponse<String> unknown = client.send("DELETE", "/api/v1/admin/api-keys/ffffffffffffffff", null,
                ApiKeyAuthenticator.HEADER, platformAdmin);
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(code(unknown)).isEqualTo("GL-E-DATA-NOT-FOUND");
    }

    @Test
    void shouldConfineATenantBoundAdminToItsOwnTenantsKeys() {
        String tenantAdmin = keys.create("tenant-a", Set.of(Role.ADMIN), "tenant a admin").plaintext();
        ApiKeys.CreatedKey foreign = keys.create("tenant-b", Set.of(Role.VIEWER), "tenant b reader");

        for (String tenant : List.of("tenant-b", Principal.ALL_TENANTS)) {
            HttpResponse<String> refused = client.send("POST", "/api/v1/admin/api-keys", AuthClient.object(Map.of(
                    "tenant", tenant, "roles", List.of("admin"), "name", "escalation")),
                    ApiKeyAuthenticator.HEADER, tenantAdmin);
            assertThat(refused.statusCode()).as(refused.body()).isEqualTo(403);
            assertThat(code(refused)).isEqualTo("GL-E-TENANT-ISOLATION");
        }
        HttpResponse<String> own = client.send("POST", "/api/v1/admin/api-keys", AuthClient.object(Map.of(
                "tenant", "tenant-a", "roles", List.of("viewer"), "name", "own")), ApiKeyAuthenticator.HEADER,
                tenantAdmin);
        assertThat(own.statusCode()).as(own.body()).isEqualTo(201);

        JsonNode listed = json(client.get("/api/v1/admin/api-keys", tenantAdmin));
        assertThat(listed).isNotEmpty().allSatisfy(key -> assertThat(key.get("tenant").asText()).isEqualTo("tenant-a"));
        assertThat(client.get("/api/v1/admin/api-keys?tenant=tenant-b", tenantAdmin).statusCode()).isEqualTo(403);

        HttpResponse<String> foreignRevoke = client.send("DELETE", "/api/v1/admin/api-keys/" + foreign.key().id(),
                null, ApiKeyAuthenticator.HEADER, tenantAdmin);
        HttpResponse<String> unknownRevoke = client.send("DELETE", "/api/v1/admin/api-keys/eeeeeeeeeeeeeeee", null,
                ApiKeyAuthenticator.HEADER, tenantAdmin);
        assertThat(foreignRevoke.statusCode()).isEqualTo(403).isEqualTo(unknownRevoke.statusCode());
        assertThat(AuthClient.withoutIdentity(foreignRevoke, foreign.key().id()))
                .isEqualTo(AuthClient.withoutIdentity(unknownRevoke, "eeeeeeeeeeeeeeee"));
        assertThat(keys.verify(foreign.plaintext())).isPresent();
    }

    @Test
    void shouldRefuseACreateRequestWithAnUnknownRoleOrWithoutAName() {
        HttpResponse<String> unknownRole = client.send("POST", "/api/v1/admin/api-keys", AuthClient.object(Map.of(
                "tenant", "tenant-x", "roles", List.of("superuser"), "name", "bad")), ApiKeyAuthenticator.HEADER,
                platformAdmin);
        HttpResponse<String> noName = client.send("POST", "/api/v1/admin/api-keys", AuthClient.object(Map.of(
                "tenant", "tenant-x", "roles", List.of("viewer"))), ApiKeyAuthenticator.HEADER, platformAdmin);

        assertThat(unknownRole.statusCode()).as(unknownRole.body()).isEqualTo(422);
        assertThat(code(unknownRole)).isEqualTo("GL-E-PARAM-RANGE");
        assertThat(noName.statusCode()).as(noName.body()).isEqualTo(422);
        assertThat(code(noName)).isEqualTo("GL-E-PARAM-MISSING");
        assertThat(keys.list("tenant-x")).isEmpty();
    }
}
