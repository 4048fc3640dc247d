package io.greenlang.gateway.state;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

import io.greenlang.common.error.ErrorCode;
import io.greenlang.common.error.GreenLangException;
import io.greenlang.common.http.HealthCheck;
import io.greenlang.events.agent.AgentHealth;
import io.greenlang.events.plant.PlantState;
import io.greenlang.events.run.RunState;
import io.greenlang.events.run.RunStatus;
import io.greenlang.topics.Topic;
import io.greenlang.topics.TopicCatalog;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.errors.LogAndContinueExceptionHandler;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The live state the gateway serves, read from the compacted state topics written by streams-app: runs
 * ({@code gl.run.state}), plants ({@code gl.plant.state}) and sub-agents ({@code gl.agent.health}). Each topic is a
 * Kafka Streams GlobalKTable over an in-memory store, so every gateway instance holds every key, answers from
 * memory through {@link ReadOnlyKeyValueStore}, and keeps no disk state: on start it restores the tables by reading
 * the topics from the beginning. A tombstone removes the key.
 *
 * <p>The topology is global-only (no stream threads, no consumer group, no internal topics), so the application id
 * only names the clients; give every gateway instance its own ({@link #applicationId(String)}). Undecodable
 * records are logged and skipped: one bad record must not stop the views. This class never writes to Kafka.
 */
public final class StateViews implements AutoCloseable {

    /** Store of gl.run.state, by run id. */
    public static final String RUN_STORE = "gateway-run-state";
    /** Store of gl.plant.state, by plant id. */
    public static final String PLANT_STORE = "gateway-plant-state";
    /** Store of gl.agent.health, by agent id. */
    public static final String AGENT_STORE = "gateway-agent-health";
    /** Name of the readiness check. */
    public static final String HEALTH_CHECK_NAME = "kafka-state";
    /** Run statuses after which a run does nothing more. */
    public static final Set<RunStatus> TERMINAL = EnumSet.of(RunStatus.SUCCEEDED, RunStatus.FAILED,
            RunStatus.CANCELLED);

    private static final Logger LOG = LoggerFactory.getLogger(StateViews.class);
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(30);

    private final Topology topology;
    private final KafkaStreams streams;

    /**
     * @param topics            the catalog naming the state topics and their serdes
     * @param streamsProperties Kafka Streams settings with at least {@code application.id} and
     *                          {@code bootstrap.servers} (e.g. {@code KafkaClients.streamsProperties(applicationId)})
     */
    public StateViews(TopicCatalog topics, Map<String, Object> streamsProperties) {
        Objects.requireNonNull(topics, "topics");
        Map<String, Object> props = new HashMap<>(streamsProperties);
        props.putIfAbsent(StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG,
                LogAndContinueExceptionHandler.class);
        this.topology = topology(topics);
        this.streams = new KafkaStreams(topology, new StreamsConfig(props));
    }

    /**
     * The application id of one gateway instance's views.
     *
     * @param instance the instance (pod name, host), or null for a random one
     * @return {@code gl-gateway-state-<instance>}
     */
    public static String applicationId(String instance) {
        String name = instance == null || instance.isBlank() ? UUID.randomUUID().toString() : instance;
        return "gl-gateway-state-" + name.replaceAll("[^a-zA-Z0-9._-]", "-");
    }

    /**
     * The topology: one global table per state topic, each in a named in-memory store.
     *
     * @param topics the catalog
     * @return the topology
     */
    public static Topology topology(TopicCatalog topics) {
        StreamsBuilder builder = new StreamsBuilder();
        globalTable(builder, topics.runState(), RUN_STORE);
        globalTable(builder, topics.plantState(), PLANT_STORE);
        globalTable(builder, topics.agentHealth(), AGENT_STORE);
        return builder.build();
    }

    private static <V> void globalTable(StreamsBuilder builder, Topic<String, V> topic, String store) {
        builder.globalTable(topic.name(), Consumed.with(topic.keySerde(), topic.valueSerde()),
                Materialized.<String, V>as(Stores.inMemoryKeyValueStore(store))
                        .withKeySerde(topic.keySerde()).withValueSerde(topic.valueSerde()));
    }

    /** Starts reading the topics; the views are queryable once the state is RUNNING. */
    public StateViews start() {
        streams.start();
        LOG.info("State views starting: {} global stores", topology.describe().globalStores().size());
        return this;
    }

    /** The Kafka Streams state. */
    public KafkaStreams.State state() {
        return streams.state();
    }

    /** UP while the views are RUNNING (restored and following the topics), DOWN otherwise. */
    public HealthCheck healthCheck() {
        return HealthCheck.of(HEALTH_CHECK_NAME, () -> {
            KafkaStreams.State state = streams.state();
            return state == KafkaStreams.State.RUNNING
                    ? HealthCheck.Result.up("state views RUNNING")
                    : HealthCheck.Result.down("state views " + state);
        });
    }

    /** Every run, oldest first (created_at, then run id). */
    public List<RunState> runs() {
        List<RunState> runs = all(RUN_STORE);
        runs.sort(Comparator.comparing(RunState::getCreatedAt).thenComparing(RunState::getRunId));
        return runs;
    }

    /** Runs not in a {@link #TERMINAL} status, oldest first. */
    public List<RunState> activeRuns() {
        List<RunState> runs = runs();
        runs.removeIf(run -> TERMINAL.contains(run.getStatus()));
        return runs;
    }

    /** One run, if the view has it (a run accepted a moment ago may not be there yet). */
    public Optional<RunState> run(String runId) {
        try {
            return Optional.ofNullable(this.<RunState>store(RUN_STORE).get(runId));
        } catch (InvalidStateStoreException e) {
            throw notReady(e);
        }
    }

    /** Every plant, by plant id. */
    public List<PlantState> plants() {
        List<PlantState> plants = all(PLANT_STORE);
        plants.sort(Comparator.comparing(PlantState::getPlantId));
        return plants;
    }

    /** Every sub-agent, by agent id. */
    public List<AgentHealth> agents() {
        List<AgentHealth> agents = all(AGENT_STORE);
        agents.sort(Comparator.comparing(AgentHealth::getAgentId));
        return agents;
    }

    private <V> List<V> all(String storeName) {
        List<V> values = new ArrayList<>();
        try (KeyValueIterator<String, V> iterator = this.<V>store(storeName).all()) {
            iterator.forEachRemaining(entry -> {
                if (entry.value != null) {
                    values.add(entry.value);
                }
            });
        } catch (InvalidStateStoreException e) {
            throw notReady(e);
        }
        return values;
    }

    private <V> ReadOnlyKeyValueStore<String, V> store(String storeName) {
        if (streams.state() != KafkaStreams.State.RUNNING) {
            throw notReady(null);
        }
        try {
            return streams.store(StoreQueryParameters.fromNameAndType(storeName,
                    QueryableStoreTypes.<String, V>keyValueStore()));
        } catch (InvalidStateStoreException e) {
            throw notReady(e);
        }
    }

    private GreenLangException notReady(Exception cause) {
        return new GreenLangException(ErrorCode.NETWORK_REFUSED, "The live state views are not ready (Kafka Streams "
                + streams.state() + "); retry shortly", cause, Map.of("state", streams.state().toString()));
    }

    /** Stops reading and drops the in-memory tables. */
    @Override
    public void close() {
        streams.close(CLOSE_TIMEOUT);
        LOG.info("State views closed");
    }
}
