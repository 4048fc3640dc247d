package io.greenlang.streams.agents;

import java.util.Objects;

import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.Repartitioned;
import org.apache.kafka.streams.state.Stores;

import io.greenlang.events.agent.AgentHealth;
import io.greenlang.streams.serde.StoreSerde;
import io.greenlang.topics.TopicCatalog;

/**
 * Builds the agent health topology (see the package comment for the design): sub-topology 0 keyed by agent id
 * ({@code gl.agent.heartbeats} -> {@link #HEALTH_PROCESSOR} -> {@code gl.agent.health}), a named repartition by
 * plant id ({@link #BY_PLANT_REPARTITION}), and sub-topology 1 keyed by plant id ({@link #CASCADE_PROCESSOR} ->
 * {@code gl.agent.alerts}).
 *
 * <p>Every node, store and repartition topic has a constant name (a rename would orphan a changelog or leave
 * records behind in the old repartition topic); {@code AgentHealthTopologyTest} pins {@code describe()}.
 */
public final class AgentHealthTopology {

    /** Source of {@code gl.agent.heartbeats}. */
    public static final String HEARTBEATS_SOURCE = "agent-heartbeats-source";
    /** The per-agent health processor. */
    public static final String HEALTH_PROCESSOR = "agent-health";
    /** Agent id to what is known of the agent. */
    public static final String HEALTH_STORE = "agent-health-store";
    /** Sink of {@code gl.agent.health}. */
    public static final String HEALTH_SINK = "agent-health-sink";
    /** Re-keys a health change by its plant id. */
    public static final String BY_PLANT_KEY = "agent-health-by-plant-key";
    /** The repartition by plant id (topic {@code <application.id>-agent-health-by-plant-repartition}). */
    public static final String BY_PLANT_REPARTITION = "agent-health-by-plant";
    /** The per-plant cascade processor. */
    public static final String CASCADE_PROCESSOR = "agent-cascade";
    /** Plant id to its agents' down flags and raised alert levels. */
    public static final String CASCADE_STORE = "agent-cascade-store";
    /** Sink of {@code gl.agent.alerts}. */
    public static final String ALERTS_SINK = "agent-alerts-sink";

    private AgentHealthTopology() {
    }

    /**
     * Builds the topology.
     *
     * @param catalog  where the topics (names and serdes) come from
     * @param settings heartbeat and cascade thresholds
     * @param instance the producer instance written into every event's envelope (host or pod name)
     * @return the topology
     */
    public static Topology build(TopicCatalog catalog, AgentHealthSettings settings, String instance) {
        Objects.requireNonNull(catalog, "catalog");
        Objects.requireNonNull(settings, "settings");
        Objects.requireNonNull(instance, "instance");
        StreamsBuilder builder = new StreamsBuilder();
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(HEALTH_STORE),
                Serdes.String(), new StoreSerde<>(AgentRecord.class)).withCachingEnabled());
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(CASCADE_STORE),
                Serdes.String(), new StoreSerde<>(PlantAgents.class)).withCachingEnabled());

        KStream<String, AgentHealth> health = builder
                .stream(catalog.agentHeartbeats().name(), Consumed.with(catalog.agentHeartbeats().keySerde(),
                        catalog.agentHeartbeats().valueSerde()).withName(HEARTBEATS_SOURCE))
                .process(() -> new AgentHealthProcessor(settings, instance), Named.as(HEALTH_PROCESSOR), HEALTH_STORE);
        health.to(catalog.agentHealth().name(), Produced.with(catalog.agentHealth().keySerde(),
                catalog.agentHealth().valueSerde()).withName(HEALTH_SINK));
        health.selectKey((agentId, change) -> change.getPlantId(), Named.as(BY_PLANT_KEY))
                .repartition(Repartitioned.<String, AgentHealth>as(BY_PLANT_REPARTITION)
                        .withKeySerde(catalog.agentHealth().keySerde())
                        .withValueSerde(catalog.agentHealth().valueSerde()))
                .process(() -> new CascadeProcessor(settings, instance), Named.as(CASCADE_PROCESSOR), CASCADE_STORE)
                .to(catalog.agentAlerts().name(), Produced.with(catalog.agentAlerts().keySerde(),
                        catalog.agentAlerts().valueSerde()).withName(ALERTS_SINK));
        return builder.build();
    }
}
