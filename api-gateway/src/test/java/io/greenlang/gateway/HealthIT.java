package io.greenlang.gateway;

import static io.greenlang.gateway.GatewayClient.json;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import io.greenlang.audit.AuditStore;
import io.greenlang.common.http.HealthCheck;
import io.greenlang.testkit.GreenLangIntegrationTest;
import io.greenlang.testkit.TestInfra;
import org.junit.jupiter.api.Test;

/** Liveness and readiness with a real PostgreSQL. */
@GreenLangIntegrationTest
class HealthIT {

    @Test
    void shouldReportReadyWithPostgresUpAndEveryCheckWithStatusAndDetail(TestInfra infra) {
        AuditStore store = new AuditStore(infra.dataSource(), infra.schemaName());
        store.migrate();
        HealthCheck other = HealthCheck.of("kafka", () -> HealthCheck.Result.up("stand-in for a later check"));
        try (ApiServer server = TestCredentials.server(store, infra.dataSource(),
                List.of(new PostgresHealthCheck(infra.dataSource(), infra.schemaName()), other)).build().start(0)) {
            HttpResponse<String> response = new GatewayClient(server).get("/health/ready");

            assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
            JsonNode body = json(response);
            assertThat(body.get("status").asText()).isEqualTo("UP");
            assertThat(body.get("postgresql").get("status").asText()).isEqualTo("UP");
            assertThat(body.get("postgresql").get("detail").asText()).startsWith("PostgreSQL ")
                    .contains(infra.schemaName());
            assertThat(body.get("kafka").get("detail").asText()).isEqualTo("stand-in for a later check");
        }
    }

    @Test
    void shouldReportNotReadyWhenTheAuditSchemaIsNotMigrated(TestInfra infra) {
        String unmigrated = infra.schemaName() + "_empty";
        AuditStore store = new AuditStore(infra.dataSource(), unmigrated);
        try (ApiServer server = TestCredentials.server(store, infra.dataSource(),
                List.of(new PostgresHealthCheck(infra.dataSource(), unmigrated))).build().start(0)) {
            HttpResponse<String> response = new GatewayClient(server).get("/health/ready");

            assertThat(response.statusCode()).isEqualTo(503);
            assertThat(json(response).get("postgresql").get("detail").asText()).contains("not migrated");
        }
    }

    @Test
    void shouldReportLiveWithoutTouchingTheDatabase(TestInfra infra) {
        try (ApiServer server = TestCredentials.server(new AuditStore(infra.dataSource(), infra.schemaName()),
                infra.dataSource(), List.of()).build().start(0)) {
            HttpResponse<String> response = new GatewayClient(server).get("/health/live");

            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(json(response).get("status").asText()).isEqualTo("UP");
        }
    }
}
