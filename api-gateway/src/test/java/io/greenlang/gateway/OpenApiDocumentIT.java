package io.greenlang.gateway;

import static io.greenlang.gateway.GatewayClient.json;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import io.greenlang.audit.AuditStore;
import io.greenlang.testkit.GreenLangIntegrationTest;
import io.greenlang.testkit.TestInfra;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The OpenAPI document at /api/v1/openapi.json describes exactly the routes Javalin serves. */
@GreenLangIntegrationTest
class OpenApiDocumentIT {

    private static final String RUN_ID = "run-documented";
    private static ApiServer server;
    private static GatewayClient client;

    @BeforeAll
    static void start(TestInfra infra) {
        AuditStore store = new AuditStore(infra.dataSource(), infra.schemaName());
        store.migrate();
        new AuditFixture(infra, store).succeededRun(RUN_ID, "acme-heat");
        server = GatewayClient.startServer(infra, store);
        client = new GatewayClient(server);
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void shouldDocumentExactlyTheEndpointsRegisteredInJavalin() {
        List<String> documented = documentedOperations(document());

        assertThat(documented).containsExactlyInAnyOrderElementsOf(server.registeredEndpoints());
        assertThat(documented).containsExactlyInAnyOrderElementsOf(
                server.routes().routes().stream().map(Route::key).toList());
        assertThat(documented).contains("GET /api/v1/runs", "GET /api/v1/runs/{id}", "GET /api/v1/runs/{id}/events",
                "GET /api/v1/runs/{id}/audit-package", "GET /api/v1/openapi.json", "GET /health/live",
                "GET /health/ready");
    }

    @Test
    void shouldAnswerEveryDocumentedOperationWith200NotARouter404() {
        JsonNode document = document();

        for (String operation : documentedOperations(document)) {
            String path = operation.substring(operation.indexOf(' ') + 1).replace("{id}", RUN_ID);
            HttpResponse<String> response = client.get(path);
            assertThat(response.statusCode()).as(operation + ": " + response.body()).isEqualTo(200);
        }
    }

    @Test
    void shouldDeclareParametersRolesAndProblemResponsesOfEachOperation() {
        JsonNode document = document();
        JsonNode list = document.get("paths").get("/api/v1/runs").get("get");
        JsonNode run = document.get("paths").get("/api/v1/runs/{id}").get("get");

        assertThat(document.get("openapi").asText()).isEqualTo(RouteTable.OPENAPI_VERSION);
        assertThat(names(list.get("parameters"))).containsExactly("status", "tenant", "limit", "cursor");
        assertThat(names(run.get("parameters"))).containsExactly("id");
        assertThat(list.get("x-required-roles")).extracting(JsonNode::asText).containsExactly("viewer");
        assertThat(document.get("paths").get("/health/ready").get("get").get("x-required-roles")).isEmpty();
        assertThat(run.get("responses").get("default").get("content").get(Problem.CONTENT_TYPE).get("schema")
                .get("$ref").asText()).isEqualTo("#/components/schemas/Problem");
        document.get("paths").forEach(item -> item.forEach(operation -> {
            String ref = operation.get("responses").get("200").get("content").get("application/json").get("schema")
                    .findValue("$ref").asText();
            assertThat(document.get("components").get("schemas").has(ref.substring(ref.lastIndexOf('/') + 1)))
                    .as(ref).isTrue();
        }));
    }

    private static JsonNode document() {
        HttpResponse<String> response = client.get(ApiServer.OPENAPI_PATH);
        assertThat(response.statusCode()).isEqualTo(200);
        return json(response);
    }

    static List<String> documentedOperations(JsonNode document) {
        List<String> result = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> paths = document.get("paths").fields(); paths.hasNext(); ) {
            Map.Entry<String, JsonNode> path = paths.next();
            path.getValue().fieldNames().forEachRemaining(
                    method -> result.add(method.toUpperCase(Locale.ROOT) + " " + path.getKey()));
        }
        return result;
    }

    private static List<String> names(JsonNode parameters) {
        List<String> result = new ArrayList<>();
        parameters.forEach(parameter -> result.add(parameter.get("name").asText()));
        return result;
    }
}
