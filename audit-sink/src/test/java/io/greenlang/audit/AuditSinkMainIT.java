package io.greenlang.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import io.greenlang.common.config.GlConfig;
import io.greenlang.events.run.RunEvent;
import io.greenlang.testkit.GreenLangIntegrationTest;
import io.greenlang.testkit.TestInfra;

/** The audit sink service as its main() starts it: configured from GL_* settings, migrating, consuming, healthy. */
@GreenLangIntegrationTest
class AuditSinkMainIT {

    @Test
    void shouldMigrateConsumeAndAppendAndReportHealthyWhenStartedFromItsConfiguration(TestInfra infra)
            throws Exception {
        SinkFixture fixture = new SinkFixture(infra);
        Map<String, String> env = new HashMap<>();
        env.put(GlConfig.KAFKA_BOOTSTRAP_SERVERS, infra.bootstrapServers());
        env.put(GlConfig.POSTGRES_HOST, "127.0.0.1");
        env.put(GlConfig.POSTGRES_PORT, Integer.toString(infra.localStack().postgresPort()));
        env.put(GlConfig.POSTGRES_DATABASE, infra.localStack().databaseName());
        env.put(GlConfig.POSTGRES_USER, infra.postgresUser());
        env.put(GlConfig.POSTGRES_PASSWORD, infra.postgresPassword());
        env.put(GlConfig.AUDIT_SCHEMA, infra.schemaName());
        env.put(GlConfig.AUDIT_TOPICS, "gl.run.events");
        env.put(GlConfig.SERVICE_NAME, "audit-sink");
        env.put(GlConfig.HEALTH_PORT, "0");
        env.put(GlConfig.METRICS_PORT, "0");
        GlConfig config = GlConfig.load(env, Optional.empty());

        try (AuditSinkMain.Service service = AuditSinkMain.Service.start(config, fixture.catalog,
                fixture.groupId("main"))) {
            RunEvent event = SinkFixture.runEvent();
            fixture.send(fixture.catalog.runEvents(), "run-main", event);
            String chain = AuditStore.chainIdFor(fixture.catalog.runEvents().name(), "run-main");

            await().atMost(Duration.ofSeconds(60)).until(() -> service.store.verifyChain(chain).events() == 1);
            assertThat(service.store.verifyChain(chain).valid()).isTrue();
            HttpResponse<String> ready = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + service.http.healthPort() + "/health/ready")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(ready.statusCode()).isEqualTo(200);
        }
    }
}
