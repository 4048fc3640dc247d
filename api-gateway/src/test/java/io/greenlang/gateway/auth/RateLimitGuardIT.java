package io.greenlang.gateway.auth;

import static io.greenlang.gateway.auth.AuthClient.code;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Set;

import io.greenlang.audit.AuditStore;
import io.greenlang.gateway.ApiServer;
import io.greenlang.gateway.GatewayDatabase;
import io.greenlang.gateway.Role;
import io.greenlang.testkit.GreenLangIntegrationTest;
import io.greenlang.testkit.TestInfra;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The per-key rate limit in a real server: 429 GL-E-API-RATE-LIMIT with Retry-After, per key, then recovery. */
@GreenLangIntegrationTest
class RateLimitGuardIT {

    private static final int LIMIT = 3;
    private static final Duration PERIOD = Duration.ofSeconds(3);
    private static final String RUNS = "/api/v1/runs";

    private static ApiServer server;
    private static AuthClient client;
    private static ApiKeys keys;

    @BeforeAll
    static void start(TestInfra infra) {
        AuditStore store = new AuditStore(infra.dataSource(), infra.schemaName());
        store.migrate();
        keys = new ApiKeys(new GatewayDatabase(infra.dataSource(), infra.schemaName() + "_gw").migrate());
        server = ApiServer.builder().runReads(store, infra.dataSource())
                .authenticator(new ApiKeyAuthenticator(keys))
                .guard(new RateLimitGuard(LIMIT, PERIOD))
                .build().start(0);
        client = new AuthClient(server);
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void shouldAnswer429WithRetryAfterOnceAKeyExceedsItsLimitAndRecoverAfterwards() {
        String busy = keys.create("tenant-busy", Set.of(Role.VIEWER), "busy").plaintext();
        String quiet = keys.create("tenant-busy", Set.of(Role.VIEWER), "quiet").plaintext();

        for (int i = 0; i < LIMIT; i++) {
            HttpResponse<String> allowed = client.get(RUNS, busy);
            assertThat(allowed.statusCode()).as(allowed.body()).isEqualTo(200);
        }
        HttpResponse<String> limited = client.get(RUNS, busy);

        assertThat(limited.statusCode()).as(limited.body()).isEqualTo(429);
        assertThat(code(limited)).isEqualTo("GL-E-API-RATE-LIMIT");
        assertThat(limited.headers().firstValue("Retry-After")).hasValueSatisfying(seconds ->
                assertThat(Long.parseLong(seconds)).isBetween(1L, PERIOD.toSeconds()));
        assertThat(client.get(RUNS, quiet).statusCode()).as("another key has its own bucket").isEqualTo(200);
        await().atMost(PERIOD.plusSeconds(5)).pollInterval(Duration.ofMillis(250))
                .until(() -> client.get(RUNS, busy).statusCode() == 200);
    }

    @Test
    void shouldNotLimitRequestsWithoutCredentialsToPublicRoutes() {
        for (int i = 0; i < LIMIT * 2; i++) {
            assertThat(client.get("/health/live", null).statusCode()).isEqualTo(200);
        }
    }
}
