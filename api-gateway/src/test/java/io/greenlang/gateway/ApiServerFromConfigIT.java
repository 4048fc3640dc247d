package io.greenlang.gateway;

import static io.greenlang.gateway.GatewayClient.json;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.util.Map;
import java.util.Optional;

import io.greenlang.audit.AuditStore;
import io.greenlang.common.config.GlConfig;
import io.greenlang.testkit.GreenLangIntegrationTest;
import io.greenlang.testkit.TestInfra;
import org.junit.jupiter.api.Test;

/** The gateway as a deployment configures it: GL_POSTGRES_* and GL_AUDIT_SCHEMA only. */
@GreenLangIntegrationTest
class ApiServerFromConfigIT {

    @Test
    void shouldServeTheConfiguredAuditStoreAndReportItReady(TestInfra infra) {
        new AuditStore(infra.dataSource(), infra.schemaName()).migrate();
        GlConfig config = GlConfig.load(Map.of(
                GlConfig.POSTGRES_HOST, "127.0.0.1",
                GlConfig.POSTGRES_PORT, Integer.toString(infra.localStack().postgresPort()),
                GlConfig.POSTGRES_DATABASE, infra.localStack().databaseName(),
                GlConfig.POSTGRES_USER, infra.postgresUser(),
                GlConfig.POSTGRES_PASSWORD, infra.postgresPassword(),
                GlConfig.AUDIT_SCHEMA, infra.schemaName()), Optional.empty());

        try (ApiServer server = ApiServer.fromConfig(config).start(0)) {
            GatewayClient client = new GatewayClient(server);
            HttpResponse<String> ready = client.get("/health/ready");
            HttpResponse<String> runs = client.get("/api/v1/runs");

            assertThat(ready.statusCode()).as(ready.body()).isEqualTo(200);
            assertThat(json(ready).get("postgresql").get("detail").asText()).contains(infra.schemaName());
            assertThat(runs.statusCode()).as(runs.body()).isEqualTo(200);
            assertThat(json(runs).get("items").isArray()).isTrue();
        }
    }
}
