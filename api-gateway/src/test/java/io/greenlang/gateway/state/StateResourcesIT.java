package io.greenlang.gateway.state;

import static io.greenlang.gateway.state.StateTestSupport.PLATFORM_ADMIN;
import static io.greenlang.gateway.state.StateTestSupport.agent;
import static io.greenlang.gateway.state.StateTestSupport.get;
import static io.greenlang.gateway.state.StateTestSupport.json;
import static io.greenlang.gateway.state.StateTestSupport.plant;
import static io.greenlang.gateway.state.StateTestSupport.produce;
import static io.greenlang.gateway.state.StateTestSupport.run;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import io.greenlang.events.agent.AgentStatus;
import io.greenlang.events.run.RunStatus;
import io.greenlang.events.run.StepStatus;
import io.greenlang.gateway.ApiServer;
import io.greenlang.testkit.GreenLangIntegrationTest;
import io.greenlang.testkit.TestInfra;
import io.greenlang.topics.TopicCatalog;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The plant, agent, heat and coordination routes over GlobalKTables of the real broker's state topics: records
 * produced to the class's prefixed topics appear in the answers, tombstones remove them, runs are filtered by
 * tenant. One views instance and one server for the class; the empty-topics test runs first.
 */
@GreenLangIntegrationTest
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class StateResourcesIT {

    private static final Duration WAIT = Duration.ofSeconds(30);

    private static TopicCatalog topics;
    private static StateViews views;
    private static ApiServer server;

    @BeforeAll
    static void start(TestInfra infra) {
        topics = StateTestSupport.createTopics(infra);
        views = new StateViews(topics, StateTestSupport.streamsProperties(infra)).start();
        server = ApiServer.builder()
                .authenticator(StateTestSupport.authenticator())
                .routes(new StateResources(views).routes(), StateResources.COMPONENTS)
                .readiness(views.healthCheck())
                .build().start(0);
        await().atMost(WAIT).until(() -> views.state() == KafkaStreams.State.RUNNING);
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
        if (views != null) {
            views.close();
        }
    }

    private static HttpResponse<String> viewerGet(String path) {
        return get(server.port(), path, "viewer-acme");
    }

    @Test
    @Order(1)
    void shouldAnswerEmptyCollectionsWhenTheStateTopicsAreEmpty() {
        for (String path : List.of("/api/v1/plants/status", "/api/v1/plants/heat-status",
                "/api/v1/plants/critical-heat-status", "/api/v1/agents/status",
                "/api/v1/optimization/heat-distribution/status", "/api/v1/coordination/queue")) {
            HttpResponse<String> response = viewerGet(path);
            assertThat(response.statusCode()).as(path + ": " + response.body()).isEqualTo(200);
            JsonNode body = json(response);
            JsonNode collection = body.has("plants") ? body.get("plants") : body.has("agents") ? body.get("agents")
                    : body.get("runs");
            assertThat(collection.isArray()).as(path).isTrue();
            assertThat(collection).as(path).isEmpty();
        }
        HttpResponse<String> health = viewerGet("/api/v1/agents/health");
        assertThat(health.statusCode()).isEqualTo(200);
        assertThat(json(health).isArray()).isTrue();
        assertThat(json(health)).isEmpty();
        assertThat(json(viewerGet("/api/v1/coordination/queue")).get("pending_tasks").asInt()).isZero();
        assertThat(json(viewerGet("/api/v1/plants/critical-heat-status")).get("critical_heat_loss").asBoolean())
                .isFalse();
    }

    @Test
    @Order(2)
    void shouldReportKafkaStateUpWhenTheViewsAreRunning() {
        HttpResponse<String> response = get(server.port(), "/health/ready", null);

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(json(response).get(StateViews.HEALTH_CHECK_NAME).get("status").asText()).isEqualTo("UP");
    }

    @Test
    @Order(3)
    void shouldServePlantStatusHeatAndDistributionWhenPlantStatesAreProduced(TestInfra infra) {
        produce(infra, topics.plantState(), "plant-a", plant("plant-a", 30.0, 20.0, false, true));
        produce(infra, topics.plantState(), "plant-b", plant("plant-b", 10.0, 25.0, true, true));

        await().atMost(WAIT).untilAsserted(() ->
                assertThat(json(viewerGet("/api/v1/plants/status")).get("count").asInt()).isEqualTo(2));
        JsonNode status = json(viewerGet("/api/v1/plants/status"));
        JsonNode plantA = status.get("plants").get(0);
        assertThat(plantA.get("plant_id").asText()).isEqualTo("plant-a");
        assertThat(plantA.get("heat_status").asText()).isEqualTo("OK");
        assertThat(plantA.get("heat_supply_mw").asDouble()).isEqualTo(30.0);
        assertThat(plantA.get("scada_connected").asBoolean()).isTrue();
        assertThat(plantA.get("updated_at").asText()).isEqualTo("2026-11-23T04:00:00Z");
        assertThat(status.get("plants").get(1).get("heat_status").asText()).isEqualTo("HEAT_LOSS");

        JsonNode heat = json(viewerGet("/api/v1/plants/heat-status"));
        assertThat(heat.get("total_supply_mw").asDouble()).isEqualTo(40.0);
        assertThat(heat.get("total_demand_mw").asDouble()).isEqualTo(45.0);
        assertThat(heat.get("plants").get(1).get("heat_balance_mw").asDouble()).isEqualTo(-15.0);

        JsonNode critical = json(viewerGet("/api/v1/plants/critical-heat-status"));
        assertThat(critical.get("critical_heat_loss").asBoolean()).isTrue();
        assertThat(critical.get("plants")).hasSize(1);
        assertThat(critical.get("plants").get(0).get("plant_id").asText()).isEqualTo("plant-b");

        JsonNode distribution = json(viewerGet("/api/v1/optimization/heat-distribution/status"));
        assertThat(distribution.get("plants").get(0).get("share_of_supply").asDouble()).isEqualTo(0.75);
        assertThat(distribution.get("plants").get(0).get("efficiency").asDouble()).isEqualTo(0.87);
    }

    @Test
    @Order(4)
    void shouldRemoveAPlantWhenItsTombstoneArrives(TestInfra infra) {
        produce(infra, topics.plantState(), "plant-gone", plant("plant-gone", 5.0, 5.0, false, false));
        await().atMost(WAIT).until(() -> plantIds().contains("plant-gone"));

        produce(infra, topics.plantState(), "plant-gone", null);

        await().atMost(WAIT).until(() -> !plantIds().contains("plant-gone"));
        assertThat(plantIds()).doesNotContain("plant-gone");
    }

    @Test
    @Order(5)
    void shouldServeAgentStatusAndHealthWhenAgentHealthIsProduced(TestInfra infra) {
        produce(infra, topics.agentHealth(), "GL-002", agent("GL-002", "plant-a", AgentStatus.HEALTHY));
        produce(infra, topics.agentHealth(), "GL-003", agent("GL-003", "plant-a", AgentStatus.DOWN));

        await().atMost(WAIT).untilAsserted(() ->
                assertThat(json(viewerGet("/api/v1/agents/status")).get("coordinated_agents").asInt()).isEqualTo(2));
        JsonNode status = json(viewerGet("/api/v1/agents/status"));
        assertThat(status.get("by_status").get("HEALTHY").asInt()).isEqualTo(1);
        assertThat(status.get("by_status").get("DOWN").asInt()).isEqualTo(1);
        JsonNode down = status.get("agents").get(1);
        assertThat(down.get("agent_id").asText()).isEqualTo("GL-003");
        assertThat(down.get("status").asText()).isEqualTo("DOWN");
        assertThat(down.get("group").asText()).isEqualTo("BOILER_STEAM");
        assertThat(down.get("missed_heartbeats").asInt()).isEqualTo(4);
        assertThat(down.get("last_heartbeat").asText()).isEqualTo("2026-11-23T04:00:05Z");

        JsonNode health = json(viewerGet("/api/v1/agents/health"));
        assertThat(health).hasSize(2);
        assertThat(health.get(0).get("plant_id").asText()).isEqualTo("plant-a");

        produce(infra, topics.agentHealth(), "GL-003", null);
        await().atMost(WAIT).untilAsserted(() -> assertThat(json(viewerGet("/api/v1/agents/health"))).hasSize(1));
    }

    @Test
    @Order(6)
    void shouldQueueOnlyUnfinishedRunsOfTheCallersTenantOldestFirst(TestInfra infra) {
        Instant t0 = Instant.parse("2026-11-23T03:00:00Z");
        produce(infra, topics.runState(), "run-new", run("run-new", "acme", RunStatus.PENDING, t0.plusSeconds(60)));
        produce(infra, topics.runState(), "run-old", run("run-old", "acme", RunStatus.RUNNING, t0,
                StepStatus.SUCCEEDED, StepStatus.RUNNING, StepStatus.PENDING));
        produce(infra, topics.runState(), "run-wait", run("run-wait", "acme", RunStatus.AWAITING_APPROVAL,
                t0.plusSeconds(30)));
        produce(infra, topics.runState(), "run-done", run("run-done", "acme", RunStatus.SUCCEEDED, t0.minusSeconds(5),
                StepStatus.SUCCEEDED));
        produce(infra, topics.runState(), "run-other", run("run-other", "globex", RunStatus.RUNNING,
                t0.minusSeconds(10)));

        await().atMost(WAIT).untilAsserted(() -> assertThat(runIds(PLATFORM_ADMIN)).hasSize(4));
        assertThat(runIds(PLATFORM_ADMIN)).containsExactly("run-other", "run-old", "run-wait", "run-new");
        assertThat(runIds("viewer-acme")).containsExactly("run-old", "run-wait", "run-new");
        assertThat(runIds("viewer-globex")).containsExactly("run-other");

        JsonNode queue = json(viewerGet("/api/v1/coordination/queue"));
        assertThat(queue.get("pending_tasks").asInt()).isEqualTo(3);
        JsonNode old = queue.get("runs").get(0);
        assertThat(old.get("status").asText()).isEqualTo("RUNNING");
        assertThat(old.get("tenant_id").asText()).isEqualTo("acme");
        assertThat(old.get("steps_total").asInt()).isEqualTo(3);
        assertThat(old.get("steps_done").asInt()).isEqualTo(1);
        assertThat(old.get("steps_running").asInt()).isEqualTo(1);
        assertThat(old.get("created_at").asText()).isEqualTo("2026-11-23T03:00:00Z");
    }

    @Test
    @Order(7)
    void shouldRefuseStateQueriesWithoutCredentials() {
        HttpResponse<String> response = get(server.port(), "/api/v1/plants/status", null);

        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(json(response).get("code").asText()).isEqualTo("GL-E-RBAC-DENIED");
    }

    private static List<String> plantIds() {
        List<String> ids = new ArrayList<>();
        json(viewerGet("/api/v1/plants/status")).get("plants").forEach(p -> ids.add(p.get("plant_id").asText()));
        return ids;
    }

    private static List<String> runIds(String key) {
        List<String> ids = new ArrayList<>();
        json(get(server.port(), "/api/v1/coordination/queue", key)).get("runs")
                .forEach(r -> ids.add(r.get("run_id").asText()));
        return ids;
    }
}
