package io.greenlang.gateway.auth;

import static io.greenlang.gateway.auth.AuthClient.code;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.sql.SQLException;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import java.util.Set;

import io.greenlang.gateway.ApiServer;
import io.greenlang.gateway.Gateway;
import io.greenlang.gateway.GatewayFixture;
import io.greenlang.gateway.Principal;
import io.greenlang.gateway.Role;
import io.greenlang.gateway.Route;
import io.greenlang.testkit.GreenLangIntegrationTest;
import io.greenlang.testkit.TestInfra;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Roles x every route of the whole {@link Gateway}, as a deployment assembles it (runs, submission, commands, API
 * keys, state, admin, lag). The expectation is derived from each route's declared roles, so a route added later is
 * covered without touching this test. Keys are bound to every tenant, so tenant isolation never answers in place
 * of RBAC; allowed calls may still fail later (unknown ids, bodies the route refuses), but never with 401 or a
 * role refusal.
 */
@GreenLangIntegrationTest
class AuthorizationMatrixIT {

    private static final String UNKNOWN_ID = "matrix-unknown";

    private static TestInfra infra;
    private static Gateway gateway;
    private static ApiServer server;
    private static AuthClient client;
    private static final Map<Role, String> KEY_OF = new EnumMap<>(Role.class);

    @BeforeAll
    static void start(TestInfra testInfra) {
        infra = testInfra;
        gateway = GatewayFixture.start(infra, GatewayFixture.topics(infra));
        for (Role role : Role.values()) {
            KEY_OF.put(role, gateway.apiKeys().create(Principal.ALL_TENANTS, Set.of(role), "matrix " + role)
                    .plaintext());
        }
        server = gateway.server();
        client = new AuthClient(server);
    }

    @AfterAll
    static void stop() throws SQLException {
        GatewayFixture.stop(infra, gateway);
    }

    @Test
    void shouldLetEachRoleCallExactlyTheRoutesThatDeclareItOrARoleItImplies() {
        SoftAssertions softly = new SoftAssertions();
        int checked = 0;
        for (Route route : server.routes().routes()) {
            if (route.roles().isEmpty()) {
                continue;
            }
            for (Role role : Role.values()) {
                boolean allowed = !Collections.disjoint(route.roles(), role.implied());
                HttpResponse<String> response = call(route, KEY_OF.get(role));
                String what = role + " on " + route.key() + ": " + response.body();
                if (allowed) {
                    softly.assertThat(response.statusCode()).as(what).isNotIn(401, 403);
                } else {
                    softly.assertThat(response.statusCode()).as(what).isEqualTo(403);
                    softly.assertThat(code(response)).as(what).isEqualTo("GL-E-RBAC-DENIED");
                }
                checked++;
            }
        }
        softly.assertAll();
        assertThat(checked).as("routes with roles x roles").isGreaterThanOrEqualTo(29 * Role.values().length);
    }

    @Test
    void shouldAnswer401WithoutCredentialsOnEveryRouteWithRoles() {
        SoftAssertions softly = new SoftAssertions();
        for (Route route : server.routes().routes()) {
            if (!route.roles().isEmpty()) {
                HttpResponse<String> response = call(route, null);
                softly.assertThat(response.statusCode()).as(route.key() + ": " + response.body()).isEqualTo(401);
                softly.assertThat(code(response)).as(route.key()).isEqualTo("GL-E-RBAC-DENIED");
            }
        }
        softly.assertAll();
    }

    @Test
    void shouldAnswerPublicRoutesWithoutCredentials() {
        SoftAssertions softly = new SoftAssertions();
        int publicRoutes = 0;
        for (Route route : server.routes().routes()) {
            if (route.roles().isEmpty()) {
                publicRoutes++;
                HttpResponse<String> response = call(route, null);
                softly.assertThat(response.statusCode()).as(route.key() + ": " + response.body()).isNotIn(401, 403);
            }
        }
        softly.assertAll();
        assertThat(publicRoutes).as("openapi, live, ready").isGreaterThanOrEqualTo(3);
    }

    private static HttpResponse<String> call(Route route, String apiKey) {
        String path = route.path();
        for (String parameter : route.pathParameters()) {
            path = path.replace("{" + parameter + "}", UNKNOWN_ID);
        }
        String body = route.requestSchema() == null ? null : "{}";
        return apiKey == null ? client.send(route.method().name(), path, body)
                : client.send(route.method().name(), path, body, ApiKeyAuthenticator.HEADER, apiKey);
    }
}
