package io.greenlang.gateway.submit;

import static io.greenlang.gateway.submit.SubmitFixture.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;

import com.fasterxml.jackson.databind.JsonNode;
import io.greenlang.common.http.HealthCheck;
import io.greenlang.events.run.RunCommand;
import io.greenlang.events.run.RunCommandType;
import io.greenlang.events.run.RunRequested;
import io.greenlang.gateway.ApiServer;
import io.greenlang.gateway.GatewayDatabase;
import io.greenlang.testkit.GreenLangIntegrationTest;
import io.greenlang.testkit.TestInfra;
import io.greenlang.topics.TopicCatalog;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** POST /runs through the outbox and Debezium to gl.run.requests, and run commands, on the real broker and DB. */
@GreenLangIntegrationTest
class RunSubmissionsIT {

    private static final int PARTITIONS = 3;
    private static final AtomicBoolean MAINTENANCE = new AtomicBoolean();
    private static final SimpleMeterRegistry REGISTRY = new SimpleMeterRegistry();
    private static TestInfra infra;
    private static String slot;
    private static TopicCatalog catalog;
    private static RunSubmissions submissions;
    private static ApiServer server;
    private static SubmitFixture.Client client;
    private static SubmitFixture.Reader<RunRequested> requests;
    private static SubmitFixture.Reader<RunCommand> commands;

    @BeforeAll
    static void start(TestInfra testInfra) {
        infra = testInfra;
        String schema = infra.schemaName() + "_gw";
        slot = infra.schemaName() + "_outbox";
        new GatewayDatabase(infra.dataSource(), schema).migrate();
        catalog = TopicCatalog.withPrefix(infra.topicPrefix());
        infra.createTopic("gl.run.requests", PARTITIONS);
        infra.createTopic("gl.run.commands", PARTITIONS);
        submissions = RunSubmissions.builder(SubmitFixture.settings(infra, schema, slot), infra.dataSource(),
                        Map.of("bootstrap.servers", infra.bootstrapServers()))
                .catalog(catalog).maintenance(MAINTENANCE::get).meterRegistry(REGISTRY).build().start();
        server = ApiServer.builder().authenticator(SubmitFixture.authenticator())
                .routes(submissions.routes(), RunSubmissions.COMPONENTS)
                .readiness(submissions.healthCheck()).build().start(0);
        client = new SubmitFixture.Client(server);
        requests = new SubmitFixture.Reader<>(infra, catalog.runRequests(), PARTITIONS);
        commands = new SubmitFixture.Reader<>(infra, catalog.runCommands(), PARTITIONS);
        await().atMost(Duration.ofSeconds(60)).until(() -> submissions.healthCheck().check().isUp());
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
        if (submissions != null) {
            submissions.close();
            SubmitFixture.dropSlot(infra.dataSource(), slot);
        }
        if (requests != null) {
            requests.close();
            commands.close();
        }
    }

    @Test
    void shouldPublishRunRequestedWithinTwoSecondsOfTheSubmission() {
        long start = System.nanoTime();
        HttpResponse<String> response = client.post("submitter-acme", "/api/v1/runs",
                SubmitFixture.submission(Map.of("year", 2025), null), "Idempotency-Key", "k-" + UUID.randomUUID());
        long answered = System.nanoTime();

        assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
        JsonNode body = json(response);
        String runId = body.get("run_id").asText();
        assertThat(body.get("tenant_id").asText()).isEqualTo("acme");
        assertThat(body.get("status").asText()).isEqualTo("REQUESTED");
        assertThat(body.get("links").get("self").asText()).isEqualTo("/api/v1/runs/" + runId);
        assertThat(body.get("links").get("cancel").asText()).isEqualTo("/api/v1/runs/" + runId + ":cancel");
        assertThat(response.headers().firstValue("Location")).contains("/api/v1/runs/" + runId);

        List<ConsumerRecord<String, RunRequested>> published = await().atMost(Duration.ofSeconds(2))
                .pollInterval(Duration.ofMillis(5)).pollInSameThread()
                .until(() -> requests.forKey(runId), list -> !list.isEmpty());
        long seen = System.nanoTime();
        System.out.printf("submit -> RunRequested on the topic: HTTP answer %.1f ms, seen by a consumer %.1f ms after "
                + "the request (record timestamp %d ms after it)%n", (answered - start) / 1e6, (seen - start) / 1e6,
                published.get(0).timestamp() - (System.currentTimeMillis() - (System.nanoTime() - start) / 1_000_000));

        RunRequested request = published.get(0).value();
        assertThat(request.getRunId()).isEqualTo(runId);
        assertThat(request.getMeta().getTenantId()).isEqualTo("acme");
        assertThat(request.getRequestedBy()).isEqualTo("submitter-acme");
        assertThat(request.getPipelineName()).isEqualTo("emissions-report");
        assertThat(request.getPipelineNamespace()).isEqualTo("reporting");
        assertThat(request.getPipelineYaml()).isEqualTo(SubmitFixture.PIPELINE);
        assertThat(request.getParameters()).containsExactly(Map.entry("year", "2025"));
        assertThat(request.getLabels()).containsEntry("team", "process-heat");
        assertThat(request.getIdempotencyKey()).startsWith("k-");
        Timer lag = REGISTRY.find(io.greenlang.common.metrics.GlMetrics.OUTBOX_PUBLISH_LAG.micrometerName()).timer();
        assertThat(lag).isNotNull();
        assertThat(lag.count()).isPositive();
    }

    @Test
    void shouldCreateOneRunPerIdempotencyKeyAndTenant() {
        String key = "same-" + UUID.randomUUID();
        String body = SubmitFixture.submission(Map.of("year", "2024"), null);
        HttpResponse<String> first = client.post("submitter-acme", "/api/v1/runs", body, "Idempotency-Key", key);
        HttpResponse<String> second = client.post("submitter-acme", "/api/v1/runs", body, "Idempotency-Key", key);
        HttpResponse<String> otherTenant = client.post("submitter-globex", "/api/v1/runs", body,
                "Idempotency-Key", key);
        HttpResponse<String> otherBody = client.post("submitter-acme", "/api/v1/runs",
                SubmitFixture.submission(Map.of("year", "2023"), null), "Idempotency-Key", key);

        assertThat(first.statusCode()).as(first.body()).isEqualTo(202);
        assertThat(second.statusCode()).as(second.body()).isEqualTo(200);
        assertThat(second.headers().firstValue("Idempotent-Replayed")).contains("true");
        String runId = json(first).get("run_id").asText();
        assertThat(json(second).get("run_id").asText()).isEqualTo(runId);
        assertThat(otherTenant.statusCode()).isEqualTo(202);
        String globexRun = json(otherTenant).get("run_id").asText();
        assertThat(globexRun).isNotEqualTo(runId);
        assertThat(json(otherTenant).get("tenant_id").asText()).isEqualTo("globex");
        assertThat(otherBody.statusCode()).as(otherBody.body()).isEqualTo(422);
        assertThat(json(otherBody).get("code").asText()).isEqualTo("GL-E-DATA-SCHEMA");
        assertThat(json(otherBody).get("details").get("run_id").asText()).isEqualTo(runId);

        await().atMost(Duration.ofSeconds(5)).pollInSameThread().until(() -> !requests.forKey(globexRun).isEmpty());
        assertThat(requests.forKey(runId)).hasSize(1);
        long sameKey = requests.poll().stream().filter(r -> r.value().getIdempotencyKey().equals(key)).count();
        assertThat(sameKey).as("one RunRequested per tenant for the key").isEqualTo(2);
    }

    @Test
    void shouldRefuseAnInvalidPipelineWithEveryProblemsCodeAndPath() {
        String broken = SubmitFixture.PIPELINE.replace("depends_on: [fetch]", "depends_on: [fetch, missing]");
        String body = SubmitFixture.submission(Map.of("year", 1900), null).replace(
                SubmitFixture.MAPPER.valueToTree(SubmitFixture.PIPELINE).toString(),
                SubmitFixture.MAPPER.valueToTree(broken).toString());
        HttpResponse<String> response = client.post("submitter-acme", "/api/v1/runs", body);

        assertThat(response.statusCode()).as(response.body()).isEqualTo(422);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("application/problem+json"));
        JsonNode problems = json(response).get("details").get("problems");
        assertThat(problems).hasSizeGreaterThanOrEqualTo(2);
        List<String> codes = problems.findValuesAsText("code");
        assertThat(codes).contains("GL-E-DAG-MISSING-DEP", "GL-E-PARAM-RANGE");
        assertThat(json(response).get("code").asText()).isIn(codes);
        problems.forEach(p -> assertThat(p.get("path").asText()).isNotBlank());
    }

    @Test
    void shouldMakeAnOperatorNameTheTenant() {
        HttpResponse<String> unnamed = client.post("operator", "/api/v1/runs",
                SubmitFixture.submission(Map.of("year", 2025), null));
        HttpResponse<String> named = client.post("operator", "/api/v1/runs",
                SubmitFixture.submission(Map.of("year", 2025), "initech"));
        HttpResponse<String> foreign = client.post("submitter-acme", "/api/v1/runs",
                SubmitFixture.submission(Map.of("year", 2025), "globex"));
        HttpResponse<String> viewer = client.post("viewer-acme", "/api/v1/runs",
                SubmitFixture.submission(Map.of("year", 2025), null));

        assertThat(unnamed.statusCode()).as(unnamed.body()).isEqualTo(400);
        assertThat(named.statusCode()).as(named.body()).isEqualTo(202);
        assertThat(json(named).get("tenant_id").asText()).isEqualTo("initech");
        assertThat(foreign.statusCode()).isEqualTo(403);
        assertThat(json(foreign).get("code").asText()).isEqualTo("GL-E-TENANT-ISOLATION");
        assertThat(viewer.statusCode()).isEqualTo(403);
        assertThat(json(viewer).get("code").asText()).isEqualTo("GL-E-RBAC-DENIED");
    }

    @Test
    void shouldPublishCommandsWithTheActor() {
        String runId = json(client.post("submitter-acme", "/api/v1/runs",
                SubmitFixture.submission(Map.of("year", 2025), null))).get("run_id").asText();

        HttpResponse<String> cancel = client.post("submitter-acme", "/api/v1/runs/" + runId + ":cancel",
                "{\"reason\": \"wrong year\"}");
        HttpResponse<String> approve = client.post("approver-acme", "/api/v1/runs/" + runId + ":approve", null);
        HttpResponse<String> reject = client.post("approver-acme", "/api/v1/runs/" + runId + ":reject", "{}");
        HttpResponse<String> submitterApproves = client.post("submitter-acme",
                "/api/v1/runs/" + runId + ":approve", null);

        assertThat(cancel.statusCode()).as(cancel.body()).isEqualTo(202);
        assertThat(json(cancel).get("command").asText()).isEqualTo("CANCEL");
        assertThat(approve.statusCode()).as(approve.body()).isEqualTo(202);
        assertThat(reject.statusCode()).as(reject.body()).isEqualTo(202);
        assertThat(submitterApproves.statusCode()).isEqualTo(403);
        List<ConsumerRecord<String, RunCommand>> published = await().atMost(Duration.ofSeconds(5))
                .pollInSameThread().until(() -> commands.forKey(runId), list -> list.size() == 3);
        assertThat(published).extracting(r -> r.value().getCommand())
                .containsExactly(RunCommandType.CANCEL, RunCommandType.APPROVE, RunCommandType.REJECT);
        assertThat(published).extracting(r -> r.value().getActor())
                .containsExactly("submitter-acme", "approver-acme", "approver-acme");
        assertThat(published.get(0).value().getReason()).isEqualTo("wrong year");
        assertThat(published.get(1).value().getReason()).isNull();
        assertThat(published.get(0).value().getMeta().getTenantId()).isEqualTo("acme");
        assertThat(published.get(0).value().getMeta().getEventId()).isEqualTo(json(cancel).get("event_id").asText());
    }

    @Test
    void shouldGiveTheSameAnswerForAForeignAndAnUnknownRun() {
        String runId = json(client.post("submitter-acme", "/api/v1/runs",
                SubmitFixture.submission(Map.of("year", 2025), null))).get("run_id").asText();
        String unknown = UUID.randomUUID().toString();

        HttpResponse<String> foreign = client.post("submitter-globex", "/api/v1/runs/" + runId + ":cancel", null);
        HttpResponse<String> missing = client.post("submitter-globex", "/api/v1/runs/" + unknown + ":cancel", null);
        HttpResponse<String> operatorMissing = client.post("operator", "/api/v1/runs/" + unknown + ":cancel", null);
        HttpResponse<String> operatorForeign = client.post("operator", "/api/v1/runs/" + runId + ":cancel", null);

        assertThat(foreign.statusCode()).isEqualTo(403);
        assertThat(missing.statusCode()).isEqualTo(403);
        assertThat(json(foreign).get("code").asText()).isEqualTo("GL-E-TENANT-ISOLATION");
        assertThat(foreign.body().replace(runId, "ID")).isEqualTo(missing.body().replace(unknown, "ID"));
        assertThat(json(foreign).get("detail").asText())
                .isEqualTo("Run " + runId + " is not visible to tenant globex");
        assertThat(json(foreign).get("details").get("run_id").asText()).isEqualTo(runId);
        assertThat(operatorMissing.statusCode()).isEqualTo(404);
        assertThat(json(operatorMissing).get("code").asText()).isEqualTo("GL-E-DATA-NOT-FOUND");
        assertThat(operatorForeign.statusCode()).as(operatorForeign.body()).isEqualTo(202);
    }

    @Test
    void shouldRefuseNewRunsButAcceptCommandsInMaintenance() {
        String runId = json(client.post("submitter-acme", "/api/v1/runs",
                SubmitFixture.submission(Map.of("year", 2025), null))).get("run_id").asText();
        MAINTENANCE.set(true);
        try {
            HttpResponse<String> refused = client.post("submitter-acme", "/api/v1/runs",
                    SubmitFixture.submission(Map.of("year", 2025), null));
            HttpResponse<String> cancel = client.post("submitter-acme", "/api/v1/runs/" + runId + ":cancel", null);

            assertThat(refused.statusCode()).isEqualTo(503);
            assertThat(refused.headers().firstValue("Retry-After")).contains("60");
            assertThat(json(refused).get("code").asText()).isEqualTo("GL-E-NETWORK-REFUSED");
            assertThat(json(refused).get("detail").asText()).isEqualTo("The platform is in maintenance mode: new "
                    + "runs are refused until it ends; running runs finish");
            assertThat(cancel.statusCode()).isEqualTo(202);
        } finally {
            MAINTENANCE.set(false);
        }
    }

    @Test
    void shouldReportTheEngineInReadinessAndDocumentTheColonRoutes() throws Exception {
        HealthCheck.Result result = submissions.healthCheck().check();
        JsonNode ready = json(client.get("/health/ready"));
        JsonNode openApi = json(client.get(ApiServer.OPENAPI_PATH));

        assertThat(result.isUp()).as(result.detail()).isTrue();
        assertThat(ready.get("debezium").get("status").asText()).isEqualTo("UP");
        assertThat(ready.get("debezium").get("detail").asText()).contains("streaming").contains(slot);
        assertThat(openApi.get("paths").fieldNames()).toIterable().contains("/api/v1/runs",
                "/api/v1/runs/{id}:cancel", "/api/v1/runs/{id}:approve", "/api/v1/runs/{id}:reject");
        assertThat(openApi.get("paths").get("/api/v1/runs").get("post").get("requestBody").toString())
                .contains("RunSubmission");
        assertThat(server.registeredEndpoints()).containsExactlyInAnyOrderElementsOf(
                server.routes().routes().stream().map(r -> r.key()).toList());
    }
}
