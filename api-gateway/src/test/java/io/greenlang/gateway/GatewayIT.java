package io.greenlang.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import io.greenlang.events.run.RunRequested;
import io.greenlang.testkit.GreenLangIntegrationTest;
import io.greenlang.testkit.TestInfra;
import io.greenlang.topics.Topic;
import io.greenlang.topics.TopicCatalog;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The gateway as a deployment starts it, from GL_* settings only, on the real broker, PostgreSQL and S3: every
 * readiness check, the bootstrap admin key, a run submitted through the outbox, and {@code /metrics}.
 */
@GreenLangIntegrationTest
class GatewayIT {

    private static final String PIPELINE = """
            apiVersion: greenlang.io/v1
            kind: Pipeline
            metadata:
              name: gateway-check
              namespace: ops
            spec:
              steps:
                - name: only
                  agent: GL-DATA-X-001
            """;

    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static TestInfra infra;
    private static TopicCatalog catalog;
    private static Gateway gateway;
    private static String adminKey;

    @BeforeAll
    static void start(TestInfra testInfra, @TempDir Path keys) throws IOException {
        infra = testInfra;
        catalog = GatewayFixture.topics(infra);
        gateway = GatewayFixture.start(infra, catalog);
        adminKey = gateway.apiKeys().bootstrapAdmin(keys.resolve("admin.key"));
        assertThat(Files.readString(keys.resolve("admin.key")).trim()).isEqualTo(adminKey);
    }

    @AfterAll
    static void stop() throws SQLException {
        GatewayFixture.stop(infra, gateway);
    }

    @Test
    void shouldReportEveryDependencyReadyWithItsDetail() {
        JsonNode ready = json(await().atMost(Duration.ofSeconds(60)).until(() -> get("/health/ready", null),
                response -> response.statusCode() == 200));

        assertThat(ready.get("status").asText()).isEqualTo("UP");
        List<String> checks = new ArrayList<>();
        ready.fieldNames().forEachRemaining(checks::add);
        assertThat(checks).contains(KafkaHealthCheck.NAME, PostgresHealthCheck.NAME, S3HealthCheck.NAME, "debezium",
                "kafka-state");
        for (String check : Set.of(KafkaHealthCheck.NAME, PostgresHealthCheck.NAME, S3HealthCheck.NAME)) {
            assertThat(ready.get(check).get("status").asText()).as(check).isEqualTo("UP");
            assertThat(ready.get(check).get("detail").asText()).as(check).isNotBlank();
        }
        assertThat(ready.get(S3HealthCheck.NAME).get("detail").asText()).contains(infra.bucket());
    }

    @Test
    void shouldDocumentEveryRouteOfBothRunbooksExactlyAsRegistered() {
        List<String> documented = OpenApiDocumentIT.documentedOperations(json(get(ApiServer.OPENAPI_PATH, null)));

        assertThat(documented).containsExactlyInAnyOrderElementsOf(gateway.server().registeredEndpoints());
        assertThat(documented).contains("POST /api/v1/runs", "GET /api/v1/runs", "GET /api/v1/runs/{id}",
                "GET /api/v1/runs/{id}/events", "POST /api/v1/runs/{id}:cancel", "POST /api/v1/runs/{id}:approve",
                "POST /api/v1/runs/{id}:reject", "GET /api/v1/runs/{id}/audit-package", "GET /api/v1/plants/status",
                "GET /api/v1/plants/heat-status", "GET /api/v1/plants/critical-heat-status",
                "GET /api/v1/agents/status", "GET /api/v1/agents/health",
                "GET /api/v1/optimization/heat-distribution/status", "GET /api/v1/message-bus/health",
                "GET /api/v1/coordination/queue", "POST /api/v1/admin/emergency-stop", "POST /api/v1/admin/cancel-all",
                "GET /api/v1/admin/active-runs", "POST /api/v1/admin/tenant-blocklist",
                "DELETE /api/v1/admin/tenant-blocklist/{tenant}", "POST /api/v1/admin/audit-log",
                "PUT /api/v1/admin/maintenance-mode", "GET /api/v1/lag", "GET /health/live", "GET /health/ready");
    }

    @Test
    void shouldRefuseAnonymousCallersAndServeTheBootstrapAdmin() {
        HttpResponse<String> anonymous = get("/api/v1/runs", null);
        HttpResponse<String> admin = get("/api/v1/runs", adminKey);
        HttpResponse<String> forged = get("/api/v1/runs", adminKey.substring(0, adminKey.length() - 2) + "xx");

        assertThat(anonymous.statusCode()).isEqualTo(401);
        assertThat(json(anonymous).get("code").asText()).isEqualTo("GL-E-RBAC-DENIED");
        assertThat(admin.statusCode()).as(admin.body()).isEqualTo(200);
        assertThat(forged.statusCode()).isEqualTo(401);
    }

    @Test
    void shouldPublishASubmittedRunShowItBeforeItIsAuditedAndCountTheRequestInMetrics() throws Exception {
        await().atMost(Duration.ofSeconds(60)).until(() -> get("/health/ready", null).statusCode() == 200);
        Map<String, Object> submission = Map.of("pipeline", PIPELINE, "tenant", "acme");
        HttpResponse<String> accepted = send(HttpRequest.newBuilder(uri(gateway.port(), "/api/v1/runs"))
                .header("X-API-Key", adminKey).header("Content-Type", "application/json")
                .header("Idempotency-Key", "gateway-it-1")
                .POST(HttpRequest.BodyPublishers.ofByteArray(ApiJson.MAPPER.writeValueAsBytes(submission))));

        assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);
        String runId = json(accepted).get("run_id").asText();
        HttpResponse<String> beforeAudit = get("/api/v1/runs/" + runId, adminKey);
        assertThat(beforeAudit.statusCode()).as("accepted, not yet audited: " + beforeAudit.body()).isEqualTo(200);
        assertThat(json(beforeAudit).get("status").asText()).isEqualTo("REQUESTED");
        assertThat(json(beforeAudit).get("tenant_id").asText()).isEqualTo("acme");
        Topic<String, RunRequested> requests = catalog.runRequests();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, infra.bootstrapServers(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"), new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            consumer.assign(List.of(new TopicPartition(requests.name(), 0)));
            consumer.seekToBeginning(consumer.assignment());
            List<RunRequested> seen = new ArrayList<>();
            await().atMost(Duration.ofSeconds(10)).until(() -> {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    seen.add(requests.valueSerde().deserializer().deserialize(record.topic(), record.value()));
                }
                return seen.stream().anyMatch(r -> r.getRunId().equals(runId));
            });
            RunRequested request = seen.stream().filter(r -> r.getRunId().equals(runId)).findFirst().orElseThrow();
            assertThat(request.getMeta().getTenantId()).isEqualTo("acme");
            assertThat(request.getPipelineName()).isEqualTo("gateway-check");
        }

        String metrics = send(HttpRequest.newBuilder(uri(gateway.metricsPort(), "/metrics")).GET()).body();
        assertThat(metrics).containsPattern("gl_api_requests_total\\{.*method=\"POST\",route=\"/api/v1/runs\","
                + ".*status=\"202\"");
        assertThat(metrics).contains("gl_outbox_publish_lag_seconds_count");
    }

    private static HttpResponse<String> get(String path, String key) {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri(gateway.port(), path)).GET();
        if (key != null) {
            request.header("X-API-Key", key);
        }
        return send(request);
    }

    private static HttpResponse<String> send(HttpRequest.Builder request) {
        try {
            return HTTP.send(request.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static URI uri(int port, String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }

    private static JsonNode json(HttpResponse<String> response) {
        return GatewayClient.json(response);
    }
}
