package io.greenlang.gateway.admin;

import static io.greenlang.gateway.state.StateTestSupport.PLATFORM_ADMIN;
import static io.greenlang.gateway.state.StateTestSupport.get;
import static io.greenlang.gateway.state.StateTestSupport.json;
import static io.greenlang.gateway.state.StateTestSupport.produce;
import static io.greenlang.gateway.state.StateTestSupport.run;
import static io.greenlang.gateway.state.StateTestSupport.send;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import io.greenlang.events.admin.AdminAction;
import io.greenlang.events.run.RunCommand;
import io.greenlang.events.run.RunCommandType;
import io.greenlang.events.run.RunStatus;
import io.greenlang.gateway.ApiServer;
import io.greenlang.gateway.GatewayDatabase;
import io.greenlang.gateway.state.StateResources;
import io.greenlang.gateway.state.StateTestSupport;
import io.greenlang.gateway.state.StateViews;
import io.greenlang.testkit.GreenLangIntegrationTest;
import io.greenlang.testkit.TestInfra;
import io.greenlang.topics.Topic;
import io.greenlang.topics.TopicCatalog;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The admin routes against the real broker and PostgreSQL: each action's AdminAction is read back from
 * gl.admin.actions, cancels from gl.run.commands, the blocklist and maintenance mode from a second instance over
 * the same schema. Tests use their own tenants and run ids so they do not depend on each other's order.
 */
@GreenLangIntegrationTest
class AdminResourcesIT {

    private static final Duration WAIT = Duration.ofSeconds(30);

    private static TopicCatalog topics;
    private static GatewayDatabase database;
    private static StateViews views;
    private static AdminEvents events;
    private static ApiServer server;
    private static String bootstrap;

    @BeforeAll
    static void start(TestInfra infra) {
        bootstrap = infra.bootstrapServers();
        topics = StateTestSupport.createTopics(infra);
        database = new GatewayDatabase(infra.dataSource(), infra.schemaName()).migrate();
        views = new StateViews(topics, StateTestSupport.streamsProperties(infra)).start();
        Map<String, Object> producer = new HashMap<>();
        producer.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, infra.bootstrapServers());
        events = new AdminEvents(topics, producer, "admin-it");
        TenantBlocklist blocklist = new TenantBlocklist(database);
        server = ApiServer.builder()
                .authenticator(StateTestSupport.authenticator())
                .guard(blocklist.guard())
                .routes(new StateResources(views).routes(), StateResources.COMPONENTS)
                .routes(new AdminResources(views, events, blocklist, new MaintenanceMode(database)).routes(),
                        AdminResources.COMPONENTS)
                .build().start(0);
        await().atMost(WAIT).until(() -> views.state() == KafkaStreams.State.RUNNING);
    }

    @AfterAll
    static void stop() {
        for (AutoCloseable closeable : new AutoCloseable[] {server, views, events}) {
            if (closeable != null) {
                try {
                    closeable.close();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }
        }
    }

    @Test
    void shouldPersistMaintenanceModeAcrossANewInstanceAndPublishEachChange() {
        HttpResponse<String> on = send(server.port(), "PUT", "/api/v1/admin/maintenance-mode", PLATFORM_ADMIN,
                "{\"enabled\": true, \"reason\": \"database upgrade\"}");

        assertThat(on.statusCode()).as(on.body()).isEqualTo(200);
        assertThat(json(on).get("enabled").asBoolean()).isTrue();
        assertThat(json(on).get("changed_by").asText()).isEqualTo(PLATFORM_ADMIN);
        assertThat(new MaintenanceMode(database).on()).isTrue();
        assertThat(json(get(server.port(), "/api/v1/admin/maintenance-mode", PLATFORM_ADMIN)).get("reason").asText())
                .isEqualTo("database upgrade");
        AdminAction enabled = single(actions("maintenance.enable", PLATFORM_ADMIN));
        assertThat(enabled.getTenantId()).isEqualTo(AdminEvents.PLATFORM);
        assertThat(enabled.getReason()).isEqualTo("database upgrade");
        assertThat(enabled.getMeta().getProducer().getService()).isEqualTo("api-gateway");

        HttpResponse<String> off = send(server.port(), "PUT", "/api/v1/admin/maintenance-mode", PLATFORM_ADMIN,
                "{\"enabled\": false}");

        assertThat(off.statusCode()).as(off.body()).isEqualTo(200);
        MaintenanceMode fresh = new MaintenanceMode(database);
        assertThat(fresh.on()).isFalse();
        assertThat(fresh.getAsBoolean()).isFalse();
        assertThat(actions("maintenance.disable", PLATFORM_ADMIN)).isNotEmpty();
    }

    @Test
    void shouldSendOneCancelPerActiveRunAndNoneForTerminalRunsWhenCancellingAll(TestInfra infra) {
        Instant t0 = Instant.parse("2026-11-23T02:00:00Z");
        produce(infra, topics.runState(), "ca-run", run("ca-run", "cancelco", RunStatus.RUNNING, t0));
        produce(infra, topics.runState(), "ca-pend", run("ca-pend", "cancelco", RunStatus.PENDING, t0.plusSeconds(1)));
        produce(infra, topics.runState(), "ca-wait", run("ca-wait", "cancelco", RunStatus.AWAITING_APPROVAL,
                t0.plusSeconds(2)));
        produce(infra, topics.runState(), "ca-done", run("ca-done", "cancelco", RunStatus.SUCCEEDED, t0));
        produce(infra, topics.runState(), "ca-fail", run("ca-fail", "cancelco", RunStatus.FAILED, t0));
        produce(infra, topics.runState(), "ca-stop", run("ca-stop", "cancelco", RunStatus.CANCELLED, t0));
        produce(infra, topics.runState(), "ca-other", run("ca-other", "otherco", RunStatus.RUNNING, t0));
        await().atMost(WAIT).untilAsserted(() -> assertThat(json(get(server.port(),
                "/api/v1/admin/active-runs?tenant=cancelco", PLATFORM_ADMIN)).get("count").asInt()).isEqualTo(3));

        HttpResponse<String> response = send(server.port(), "POST", "/api/v1/admin/cancel-all", PLATFORM_ADMIN,
                "{\"tenant\": \"cancelco\", \"reason\": \"drain\"}");

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        JsonNode body = json(response);
        assertThat(body.get("cancelled").asInt()).isEqualTo(3);
        assertThat(texts(body.get("run_ids"))).containsExactly("ca-run", "ca-pend", "ca-wait");
        Set<String> testRuns = Set.of("ca-run", "ca-pend", "ca-wait", "ca-done", "ca-fail", "ca-stop", "ca-other");
        List<ConsumerRecord<String, RunCommand>> cancels = readAll(topics.runCommands()).stream()
                .filter(record -> testRuns.contains(record.key())).toList();
        assertThat(cancels).extracting(ConsumerRecord::key)
                .containsExactlyInAnyOrder("ca-run", "ca-pend", "ca-wait");
        for (ConsumerRecord<String, RunCommand> cancel : cancels) {
            assertThat(cancel.value().getCommand()).isEqualTo(RunCommandType.CANCEL);
            assertThat(cancel.value().getRunId()).isEqualTo(cancel.key());
            assertThat(cancel.value().getActor()).isEqualTo(PLATFORM_ADMIN);
            assertThat(cancel.value().getReason()).isEqualTo("drain");
            assertThat(cancel.value().getMeta().getTenantId()).isEqualTo("cancelco");
        }
        List<ConsumerRecord<String, AdminAction>> published = readAll(topics.adminActions()).stream()
                .filter(record -> record.value().getAction().equals("runs.cancel_all")
                        && record.key().equals("cancelco")).toList();
        assertThat(published).hasSize(1);
        assertThat(published.get(0).value().getDetails()).containsEntry("cancelled_runs", "3")
                .containsEntry("run_ids", "ca-run,ca-pend,ca-wait");
        assertThat(published.get(0).value().getActor()).isEqualTo(PLATFORM_ADMIN);
    }

    @Test
    void shouldTurnMaintenanceOnAndCancelEveryActiveRunWhenEmergencyStopped(TestInfra infra) {
        Instant t0 = Instant.parse("2026-11-23T01:00:00Z");
        produce(infra, topics.runState(), "es-a", run("es-a", "stopco", RunStatus.RUNNING, t0));
        produce(infra, topics.runState(), "es-b", run("es-b", "stopco2", RunStatus.PENDING, t0));
        produce(infra, topics.runState(), "es-done", run("es-done", "stopco", RunStatus.SUCCEEDED, t0));
        await().atMost(WAIT).untilAsserted(() -> assertThat(activeRunIds(PLATFORM_ADMIN)).contains("es-a", "es-b"));

        HttpResponse<String> response = send(server.port(), "POST", "/api/v1/admin/emergency-stop", PLATFORM_ADMIN,
                "{\"reason\": \"heat loss at plant 3\"}");

        try {
            assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
            assertThat(json(response).get("maintenance_mode").asBoolean()).isTrue();
            assertThat(texts(json(response).get("run_ids"))).contains("es-a", "es-b").doesNotContain("es-done");
            assertThat(new MaintenanceMode(database).on()).isTrue();
            List<String> cancelled = readAll(topics.runCommands()).stream()
                    .map(ConsumerRecord::key).filter(key -> key.startsWith("es-")).toList();
            assertThat(cancelled).containsExactlyInAnyOrder("es-a", "es-b");
            AdminAction stop = single(actions("platform.emergency_stop", PLATFORM_ADMIN));
            assertThat(stop.getTenantId()).isEqualTo(AdminEvents.PLATFORM);
            assertThat(stop.getReason()).isEqualTo("heat loss at plant 3");
            assertThat(stop.getDetails().get("run_ids")).contains("es-a", "es-b");
        } finally {
            new MaintenanceMode(database).set(false, "test over", "admin-it");
        }
    }

    @Test
    void shouldRefuseABlocklistedTenantAndLetItBackWhenUnblocked(TestInfra infra) {
        assertThat(get(server.port(), "/api/v1/plants/status", "viewer-blockco").statusCode()).isEqualTo(200);

        HttpResponse<String> blocked = send(server.port(), "POST", "/api/v1/admin/tenant-blocklist", PLATFORM_ADMIN,
                "{\"tenant\": \"blockco\", \"reason\": \"abuse detected\"}");

        assertThat(blocked.statusCode()).as(blocked.body()).isEqualTo(201);
        assertThat(json(blocked).get("blocked_by").asText()).isEqualTo(PLATFORM_ADMIN);
        HttpResponse<String> refused = get(server.port(), "/api/v1/plants/status", "viewer-blockco");
        assertThat(refused.statusCode()).isEqualTo(403);
        assertThat(json(refused).get("code").asText()).isEqualTo("GL-E-TENANT-ISOLATION");
        assertThat(json(refused).get("detail").asText()).isEqualTo("Tenant blockco is blocklisted: abuse detected");
        assertThat(json(refused).get("details").get("tenant").asText()).isEqualTo("blockco");
        assertThat(get(server.port(), "/api/v1/plants/status", "viewer-otherco").statusCode()).isEqualTo(200);
        assertThat(get(server.port(), "/api/v1/plants/status", PLATFORM_ADMIN).statusCode()).isEqualTo(200);
        assertThat(texts(json(get(server.port(), "/api/v1/admin/tenant-blocklist", PLATFORM_ADMIN)), "tenant"))
                .contains("blockco");
        assertThat(new TenantBlocklist(database).blocked("blockco")).isPresent();
        AdminAction block = single(actions("tenant.block", PLATFORM_ADMIN).stream()
                .filter(action -> action.getTenantId().equals("blockco")).toList());
        assertThat(block.getReason()).isEqualTo("abuse detected");
        assertThat(block.getTarget()).isEqualTo("blockco");

        HttpResponse<String> unblocked = send(server.port(), "DELETE", "/api/v1/admin/tenant-blocklist/blockco",
                PLATFORM_ADMIN, null);

        assertThat(unblocked.statusCode()).as(unblocked.body()).isEqualTo(200);
        assertThat(get(server.port(), "/api/v1/plants/status", "viewer-blockco").statusCode()).isEqualTo(200);
        assertThat(new TenantBlocklist(database).blocked("blockco")).isEmpty();
        assertThat(actions("tenant.unblock", PLATFORM_ADMIN)).anyMatch(action -> action.getTenantId().equals("blockco")
                && action.getDetails().get("blocked_reason").equals("abuse detected"));
        HttpResponse<String> again = send(server.port(), "DELETE", "/api/v1/admin/tenant-blocklist/blockco",
                PLATFORM_ADMIN, null);
        assertThat(again.statusCode()).isEqualTo(404);
        assertThat(json(again).get("code").asText()).isEqualTo("GL-E-DATA-NOT-FOUND");
    }

    @Test
    void shouldRefuseATenantAdminActingOnAnotherTenantAndPublishNothing(TestInfra infra) {
        String acmeAdmin = "admin-acme";
        List<HttpResponse<String>> refusals = List.of(
                send(server.port(), "POST", "/api/v1/admin/tenant-blocklist", acmeAdmin,
                        "{\"tenant\": \"globex\", \"reason\": \"spite\"}"),
                send(server.port(), "DELETE", "/api/v1/admin/tenant-blocklist/globex", acmeAdmin, null),
                send(server.port(), "POST", "/api/v1/admin/cancel-all", acmeAdmin, "{\"tenant\": \"globex\"}"),
                send(server.port(), "POST", "/api/v1/admin/audit-log", acmeAdmin,
                        "{\"action\": \"NOTE\", \"tenant\": \"globex\"}"),
                get(server.port(), "/api/v1/admin/active-runs?tenant=globex", acmeAdmin),
                send(server.port(), "PUT", "/api/v1/admin/maintenance-mode", acmeAdmin, "{\"enabled\": true}"),
                send(server.port(), "POST", "/api/v1/admin/emergency-stop", acmeAdmin, null));
        for (HttpResponse<String> refusal : refusals) {
            assertThat(refusal.statusCode()).as(refusal.uri() + ": " + refusal.body()).isEqualTo(403);
            assertThat(json(refusal).get("code").asText()).isEqualTo("GL-E-TENANT-ISOLATION");
        }
        assertThat(new MaintenanceMode(database).on()).isFalse();
        assertThat(readAll(topics.adminActions())).noneMatch(record -> record.value().getActor().equals(acmeAdmin));

        HttpResponse<String> own = send(server.port(), "POST", "/api/v1/admin/audit-log", acmeAdmin,
                "{\"action\": \"NOTE\"}");
        assertThat(own.statusCode()).as(own.body()).isEqualTo(201);
        assertThat(json(own).get("tenant_id").asText()).isEqualTo("acme");
        assertThat(single(actions("NOTE", acmeAdmin)).getTenantId()).isEqualTo("acme");
    }

    @Test
    void shouldPublishAManualAuditEntryWithTheCallerAsActor() {
        HttpResponse<String> response = send(server.port(), "POST", "/api/v1/admin/audit-log", PLATFORM_ADMIN,
                "{\"action\": \"POLICY_BYPASS_ENABLED\", \"target\": \"policy-engine\", \"reason\": \"emergency\","
                        + " \"details\": {\"ticket\": \"INC-42\", \"approvers\": 2}}");

        assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
        AdminAction entry = single(actions("POLICY_BYPASS_ENABLED", PLATFORM_ADMIN));
        assertThat(entry.getMeta().getEventId()).isEqualTo(json(response).get("event_id").asText());
        assertThat(entry.getTenantId()).isEqualTo(AdminEvents.PLATFORM);
        assertThat(entry.getTarget()).isEqualTo("policy-engine");
        assertThat(entry.getReason()).isEqualTo("emergency");
        assertThat(entry.getDetails()).containsEntry("ticket", "INC-42").containsEntry("approvers", "2")
                .containsEntry("source", "manual");
    }

    @Test
    void shouldRefuseAdminRoutesToViewersAndBadBodiesWithTheirCodes() {
        HttpResponse<String> viewer = get(server.port(), "/api/v1/admin/active-runs", "viewer-acme");
        assertThat(viewer.statusCode()).isEqualTo(403);
        assertThat(json(viewer).get("code").asText()).isEqualTo("GL-E-RBAC-DENIED");

        HttpResponse<String> noTenant = send(server.port(), "POST", "/api/v1/admin/tenant-blocklist", PLATFORM_ADMIN,
                "{\"reason\": \"x\"}");
        assertThat(noTenant.statusCode()).isEqualTo(422);
        assertThat(json(noTenant).get("code").asText()).isEqualTo("GL-E-PARAM-MISSING");

        HttpResponse<String> notBoolean = send(server.port(), "PUT", "/api/v1/admin/maintenance-mode", PLATFORM_ADMIN,
                "{\"enabled\": \"yes\"}");
        assertThat(notBoolean.statusCode()).isEqualTo(422);
        assertThat(json(notBoolean).get("code").asText()).isEqualTo("GL-E-PARAM-TYPE");
    }

    @Test
    void shouldDocumentEveryStateAndAdminRouteWithResolvableSchemasInTheOpenApiDocument() {
        HttpResponse<String> response = get(server.port(), ApiServer.OPENAPI_PATH, null);

        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode document = json(response);
        JsonNode paths = document.get("paths");
        for (String path : List.of("/api/v1/plants/status", "/api/v1/plants/heat-status",
                "/api/v1/plants/critical-heat-status", "/api/v1/agents/status", "/api/v1/agents/health",
                "/api/v1/optimization/heat-distribution/status", "/api/v1/coordination/queue",
                "/api/v1/admin/emergency-stop", "/api/v1/admin/cancel-all", "/api/v1/admin/active-runs",
                "/api/v1/admin/tenant-blocklist", "/api/v1/admin/tenant-blocklist/{tenant}",
                "/api/v1/admin/audit-log", "/api/v1/admin/maintenance-mode")) {
            assertThat(paths.has(path)).as(path).isTrue();
        }
        assertThat(paths.get("/api/v1/admin/maintenance-mode").has("put")).isTrue();
        assertThat(paths.get("/api/v1/admin/tenant-blocklist/{tenant}").has("delete")).isTrue();
        JsonNode schemas = document.get("components").get("schemas");
        List<String> refs = new ArrayList<>();
        collectRefs(document, refs);
        assertThat(refs).isNotEmpty().allSatisfy(ref -> assertThat(schemas.has(ref.substring(
                "#/components/schemas/".length()))).as(ref).isTrue());
    }

    // ------------------------------------------------------------------ helpers

    private static void collectRefs(JsonNode node, List<String> refs) {
        if (node.isObject() && node.has("$ref")) {
            refs.add(node.get("$ref").asText());
        }
        node.forEach(child -> collectRefs(child, refs));
    }

    private List<AdminAction> actions(String action, String actor) {
        return readAll(topics.adminActions()).stream().map(ConsumerRecord::value)
                .filter(value -> value.getAction().equals(action) && value.getActor().equals(actor)).toList();
    }

    private static <T> T single(List<T> values) {
        assertThat(values).hasSize(1);
        return values.get(0);
    }

    private static List<String> activeRunIds(String key) {
        return texts(json(get(server.port(), "/api/v1/admin/active-runs", key)).get("runs"), "run_id");
    }

    private static List<String> texts(JsonNode array) {
        List<String> values = new ArrayList<>();
        array.forEach(node -> values.add(node.asText()));
        return values;
    }

    private static List<String> texts(JsonNode array, String field) {
        List<String> values = new ArrayList<>();
        array.forEach(node -> values.add(node.get(field).asText()));
        return values;
    }

    /** Every record of the topic up to its current end (every send before this call is there: sends are acked). */
    private static <V> List<ConsumerRecord<String, V>> readAll(Topic<String, V> topic) {
        Map<String, Object> props = new HashMap<>();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(props, new StringDeserializer(),
                new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic.name()).stream()
                    .map(info -> new TopicPartition(info.topic(), info.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            List<ConsumerRecord<String, V>> records = new ArrayList<>();
            await().atMost(WAIT).until(() -> {
                consumer.poll(Duration.ofMillis(200)).forEach(record -> records.add(new ConsumerRecord<>(
                        record.topic(), record.partition(), record.offset(), record.key(),
                        topic.valueSerde().deserializer().deserialize(record.topic(), record.value()))));
                return partitions.stream().allMatch(tp -> consumer.position(tp) >= end.get(tp));
            });
            return records;
        }
    }
}
