package io.greenlang.gateway.state;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.greenlang.common.error.ErrorCode;
import io.greenlang.events.agent.AgentGroup;
import io.greenlang.events.agent.AgentHealth;
import io.greenlang.events.agent.AgentStatus;
import io.greenlang.events.common.EventMeta;
import io.greenlang.events.plant.PlantState;
import io.greenlang.events.run.RunState;
import io.greenlang.events.run.RunStatus;
import io.greenlang.events.run.StepState;
import io.greenlang.events.run.StepStatus;
import io.greenlang.gateway.Authenticator;
import io.greenlang.gateway.Principal;
import io.greenlang.gateway.ProblemException;
import io.greenlang.gateway.Role;
import io.greenlang.schemas.EventSamples;
import io.greenlang.schemas.EventSerdes;
import io.greenlang.testkit.TestInfra;
import io.greenlang.topics.Topic;
import io.greenlang.topics.TopicAdmin;
import io.greenlang.topics.TopicCatalog;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;

/**
 * Shared by the state and admin integration tests: fixed principals behind {@code X-API-Key} (API keys are tested
 * with the real key store elsewhere), an HTTP client, the class's prefixed topics and events to produce.
 * <ul>
 *   <li>{@code admin}: a platform admin (every tenant);</li>
 *   <li>{@code admin-<tenant>}: an admin bound to that tenant;</li>
 *   <li>{@code viewer-<tenant>}: a viewer of that tenant.</li>
 * </ul>
 */
public final class StateTestSupport {

    /** The key of the platform admin. */
    public static final String PLATFORM_ADMIN = "admin";
    /** The header carrying the key. */
    public static final String HEADER = "X-API-Key";
    /** No request of a test may hang the build. */
    public static final Duration TIMEOUT = Duration.ofSeconds(30);
    /** The mapper of response bodies. */
    public static final ObjectMapper MAPPER = new ObjectMapper();

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    static {
        // Loading EventSerde makes Avro trust the generated event classes, which copying builders need (enums).
        EventSerdes.serde(RunState.class);
    }

    private StateTestSupport() {
    }

    /** The authenticator of the fixed keys; an unknown key is 401. */
    public static Authenticator authenticator() {
        return ctx -> {
            String key = ctx.header(HEADER);
            if (key == null) {
                return Optional.empty();
            }
            if (key.equals(PLATFORM_ADMIN)) {
                return Optional.of(new Principal(key, Principal.ALL_TENANTS, Set.of(Role.ADMIN)));
            }
            if (key.startsWith("admin-")) {
                return Optional.of(new Principal(key, key.substring("admin-".length()), Set.of(Role.ADMIN)));
            }
            if (key.startsWith("viewer-")) {
                return Optional.of(new Principal(key, key.substring("viewer-".length()), Set.of(Role.VIEWER)));
            }
            throw new ProblemException(401, ErrorCode.RBAC_DENIED, "Unknown API key");
        };
    }

    /**
     * The class's catalog (names prefixed with the class's token) with the state, command and admin topics
     * created on the broker.
     */
    public static TopicCatalog createTopics(TestInfra infra) {
        TopicCatalog catalog = TopicCatalog.withPrefix(infra.topicPrefix());
        List<Topic<?, ?>> needed = List.of(catalog.runState(), catalog.plantState(), catalog.agentHealth(),
                catalog.runCommands(), catalog.adminActions());
        new TopicAdmin(infra.adminClient(), TIMEOUT).apply(needed);
        return catalog;
    }

    /** Streams settings for one views instance of this class (its own application id). */
    public static Map<String, Object> streamsProperties(TestInfra infra) {
        Map<String, Object> props = new HashMap<>();
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, infra.bootstrapServers());
        props.put(StreamsConfig.APPLICATION_ID_CONFIG,
                StateViews.applicationId(infra.topicPrefix() + UUID.randomUUID()));
        return props;
    }

    /** Produces one record (null value: a tombstone) and waits for the acknowledgement. */
    public static <V> void produce(TestInfra infra, Topic<String, V> topic, String key, V value) {
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(infra.producerProperties(),
                new StringSerializer(), new org.apache.kafka.common.serialization.ByteArraySerializer())) {
            byte[] bytes = value == null ? null : topic.valueSerde().serializer().serialize(topic.name(), value);
            producer.send(new ProducerRecord<>(topic.name(), key, bytes)).get(30, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("Cannot produce to " + topic.name(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** A run's state with the given step statuses. */
    public static RunState run(String runId, String tenant, RunStatus status, Instant createdAt,
            StepStatus... steps) {
        RunState sample = EventSamples.sample(RunState.class);
        List<StepState> stepStates = new ArrayList<>();
        StepState sampleStep = sample.getSteps().isEmpty() ? null : sample.getSteps().get(0);
        for (int i = 0; i < steps.length; i++) {
            StepState.Builder step = sampleStep == null ? StepState.newBuilder().setAttempt(1)
                    : StepState.newBuilder(sampleStep);
            stepStates.add(step.setName("step-" + i).setStatus(steps[i]).build());
        }
        return RunState.newBuilder(sample)
                .setMeta(meta(sample.getMeta(), tenant))
                .setRunId(runId)
                .setTenantId(tenant)
                .setStatus(status)
                .setSteps(stepStates)
                .setErrorCode(null)
                .setCreatedAt(createdAt)
                .setUpdatedAt(createdAt.plusSeconds(1))
                .build();
    }

    /** A plant's state. */
    public static PlantState plant(String plantId, double supplyMw, double demandMw, boolean heatLoss,
            boolean scadaConnected) {
        PlantState sample = EventSamples.sample(PlantState.class);
        return PlantState.newBuilder(sample)
                .setPlantId(plantId)
                .setTags(Map.of("steam_header_pressure_bar", 12.5))
                .setHeatSupplyMw(supplyMw)
                .setHeatDemandMw(demandMw)
                .setEfficiency(0.87)
                .setHeatLoss(heatLoss)
                .setScadaConnected(scadaConnected)
                .setUpdatedAt(Instant.parse("2026-11-23T04:00:00Z"))
                .build();
    }

    /** A sub-agent's health. */
    public static AgentHealth agent(String agentId, String plantId, AgentStatus status) {
        AgentHealth sample = EventSamples.sample(AgentHealth.class);
        return AgentHealth.newBuilder(sample)
                .setAgentId(agentId)
                .setPlantId(plantId)
                .setGroup(AgentGroup.BOILER_STEAM)
                .setStatus(status)
                .setLastHeartbeatAt(Instant.parse("2026-11-23T04:00:05Z"))
                .setMissedHeartbeats(status == AgentStatus.DOWN ? 4 : 0)
                .build();
    }

    private static EventMeta meta(EventMeta sample, String tenant) {
        return EventMeta.newBuilder(sample).setEventId(UUID.randomUUID().toString()).setTenantId(tenant).build();
    }

    /** GET with a key (null for none). */
    public static HttpResponse<String> get(int port, String path, String key) {
        return send(port, "GET", path, key, null);
    }

    /** A request with a key (null for none) and a JSON body (null for none). */
    public static HttpResponse<String> send(int port, String method, String path, String key, String body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(TIMEOUT)
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        if (key != null) {
            request.header(HEADER, key);
        }
        try {
            return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The body as JSON. */
    public static JsonNode json(HttpResponse<String> response) {
        try {
            return MAPPER.readTree(response.body());
        } catch (IOException e) {
            throw new UncheckedIOException("not JSON: " + response.body(), e);
        }
    }
}
