package io.greenlang.gateway;

import static io.greenlang.gateway.GatewayClient.json;
import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.net.http.HttpResponse;
import java.sql.SQLException;
import java.util.List;

import javax.sql.DataSource;

import com.fasterxml.jackson.databind.JsonNode;
import io.greenlang.audit.AuditStore;
import io.greenlang.common.error.ErrorCode;
import io.greenlang.testkit.GreenLangIntegrationTest;
import io.greenlang.testkit.TestInfra;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The error contract: every failure is RFC 9457 problem+json with the GL-E code and the runbook's fix. */
@GreenLangIntegrationTest
class ProblemJsonIT {

    private static ApiServer server;
    private static GatewayClient client;

    @BeforeAll
    static void start(TestInfra infra) {
        AuditStore store = new AuditStore(infra.dataSource(), infra.schemaName());
        store.migrate();
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
    void shouldAnswerUnknownRunWithProblemJsonNotFound() {
        HttpResponse<String> response = client.get("/api/v1/runs/never-ran");

        JsonNode problem = assertProblem(response, 404, ErrorCode.DATA_NOT_FOUND);
        assertThat(problem.get("detail").asText()).contains("never-ran");
        assertThat(problem.get("instance").asText()).isEqualTo("/api/v1/runs/never-ran");
        assertThat(problem.get("details").get("run_id").asText()).isEqualTo("never-ran");
    }

    @Test
    void shouldAnswerEventsAndAuditPackageOfAnUnknownRunWithProblemJsonNotFound() {
        assertProblem(client.get("/api/v1/runs/never-ran/events"), 404, ErrorCode.DATA_NOT_FOUND);
        assertProblem(client.get("/api/v1/runs/never-ran/audit-package"), 404, ErrorCode.DATA_NOT_FOUND);
    }

    @Test
    void shouldAnswerUnknownRouteWithProblemJsonNotFound() {
        JsonNode problem = assertProblem(client.get("/api/v1/no-such-thing"), 404, ErrorCode.DATA_NOT_FOUND);

        assertThat(problem.get("detail").asText()).contains("/api/v1/no-such-thing").contains(ApiServer.OPENAPI_PATH);
    }

    @Test
    void shouldAnswerWrongMethodWithProblemJsonMethodNotAllowedAndAllowHeader() {
        HttpResponse<String> response = client.send("DELETE", "/api/v1/runs/some-run", null);

        assertProblem(response, 405, ErrorCode.DATA_NOT_FOUND);
        assertThat(response.headers().firstValue("Allow")).hasValue("GET");
    }

    @Test
    void shouldRefuseMethodOverrideHeadersInsteadOfActingOnThem() {
        for (String header : List.of("X-HTTP-Method-Override", "X-HTTP-Method", "X-Method-Override")) {
            HttpResponse<String> response = client.send(client.request("/api/v1/runs")
                    .header(header, "DELETE").GET().build());

            JsonNode problem = assertProblem(response, 400, ErrorCode.PARAM_TYPE);
            assertThat(problem.get("detail").asText()).as(header).contains(header);
        }
    }

    @Test
    void shouldAnswerANonNumericLimitWithProblemJsonBadRequestParamType() {
        JsonNode problem = assertProblem(client.get("/api/v1/runs?limit=abc"), 400, ErrorCode.PARAM_TYPE);

        assertThat(problem.get("detail").asText()).contains("limit").contains("abc");
    }

    @Test
    void shouldAnswerALimitOutsideOneToTheStoresMaximumWithProblemJsonBadRequestParamRange() {
        assertProblem(client.get("/api/v1/runs?limit=0"), 400, ErrorCode.PARAM_RANGE);
        assertProblem(client.get("/api/v1/runs?limit=" + (AuditStore.MAX_RUNS_PAGE + 1)), 400, ErrorCode.PARAM_RANGE);
        assertThat(client.get("/api/v1/runs?limit=" + AuditStore.MAX_RUNS_PAGE).statusCode()).isEqualTo(200);
    }

    @Test
    void shouldAnswerAnUnknownStatusOrAForgedCursorWithProblemJsonBadRequest() {
        assertProblem(client.get("/api/v1/runs?status=sleeping"), 400, ErrorCode.PARAM_RANGE);
        assertProblem(client.get("/api/v1/runs?cursor=not-a-cursor!"), 400, ErrorCode.PARAM_TYPE);
        assertProblem(client.get("/api/v1/runs?cursor=" + RunResources.encodeCursor("x").substring(1)), 400,
                ErrorCode.PARAM_TYPE);
    }

    @Test
    void shouldRefuseABodyOverOneMebibyteWithProblemJsonContentTooLarge() {
        byte[] body = new byte[(int) ApiServer.MAX_REQUEST_BYTES + 1];
        JsonNode problem = assertProblem(client.send("POST", "/api/v1/runs", body), 413, ErrorCode.PARAM_RANGE);

        assertThat(problem.get("detail").asText()).contains(String.valueOf(ApiServer.MAX_REQUEST_BYTES));
    }

    @Test
    void shouldAnswerABodyWithinTheLimitOnAGetOnlyRouteWithMethodNotAllowedNotContentTooLarge() {
        byte[] body = new byte[(int) ApiServer.MAX_REQUEST_BYTES];

        assertProblem(client.send("POST", "/api/v1/runs", body), 405, ErrorCode.DATA_NOT_FOUND);
    }

    @Test
    void shouldAnswerAnUnexpectedFailureWithInternalProblemWithoutLeakingTheException(TestInfra infra) {
        DataSource broken = failing(infra.dataSource(), new IllegalStateException("secret-pool-state"));
        try (ApiServer failing = TestCredentials.server(new AuditStore(broken, infra.schemaName()), broken, List.of())
                .build().start(0)) {
            HttpResponse<String> response = new GatewayClient(failing).get("/api/v1/runs/any-run");

            JsonNode problem = assertProblem(response, 500, ErrorCode.INTERNAL);
            assertThat(problem.get("error_id").asText()).isNotBlank();
            assertThat(response.body()).doesNotContain("secret-pool-state").doesNotContain("IllegalStateException")
                    .doesNotContain("at io.greenlang");
        }
    }

    @Test
    void shouldAnswerADatabaseOutageWithTheDbConnectionCodeAndItsStatus(TestInfra infra) {
        DataSource down = failing(infra.dataSource(), new SQLException("connection refused (test)", "08001"));
        try (ApiServer failing = TestCredentials.server(new AuditStore(down, infra.schemaName()), down,
                List.of(new PostgresHealthCheck(down, infra.schemaName()))).build().start(0)) {
            GatewayClient downClient = new GatewayClient(failing);

            assertProblem(downClient.get("/api/v1/runs"), 503, ErrorCode.DB_CONNECTION);
            HttpResponse<String> ready = downClient.get("/health/ready");
            assertThat(ready.statusCode()).isEqualTo(503);
            JsonNode body = json(ready);
            assertThat(body.get("status").asText()).isEqualTo("DOWN");
            assertThat(body.get("postgresql").get("status").asText()).isEqualTo("DOWN");
            assertThat(body.get("postgresql").get("detail").asText()).contains("connection refused");
        }
    }

    /** Asserts the problem+json contract and returns the body. */
    private static JsonNode assertProblem(HttpResponse<String> response, int status, ErrorCode code) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
                type -> assertThat(type).startsWith(Problem.CONTENT_TYPE));
        JsonNode problem = json(response);
        assertThat(problem.get("type").asText()).isEqualTo(Problem.TYPE_PREFIX + code.code());
        assertThat(problem.get("title").asText()).isEqualTo(code.description());
        assertThat(problem.get("status").asInt()).isEqualTo(status);
        assertThat(problem.get("detail").asText()).isNotBlank();
        assertThat(problem.get("instance").asText()).startsWith("/");
        assertThat(problem.get("code").asText()).isEqualTo(code.code());
        assertThat(problem.get("fix").asText()).isEqualTo(code.fix());
        return problem;
    }

    /** A data source whose getConnection throws {@code failure}; every other method is delegated. */
    private static DataSource failing(DataSource delegate, Exception failure) {
        return (DataSource) Proxy.newProxyInstance(ProblemJsonIT.class.getClassLoader(),
                new Class<?>[] {DataSource.class}, (proxy, method, args) -> {
                    if (method.getName().equals("getConnection")) {
                        throw failure;
                    }
                    try {
                        return method.invoke(delegate, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }
}
