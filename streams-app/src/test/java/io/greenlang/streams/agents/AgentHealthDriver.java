package io.greenlang.streams.agents;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;

import io.greenlang.events.agent.AgentAlert;
import io.greenlang.events.agent.AgentGroup;
import io.greenlang.events.agent.AgentHealth;
import io.greenlang.events.agent.AgentHeartbeat;
import io.greenlang.events.common.DeadLetter;
import io.greenlang.events.common.EventMeta;
import io.greenlang.events.common.Producer;
import io.greenlang.streams.errors.DeadLetters;
import io.greenlang.topics.TopicCatalog;

/**
 * The agent health topology in a {@link TopologyTestDriver} under exactly-once, with 1 s heartbeats (DEGRADED
 * after 2 missed, DOWN after 3, STALLED after 3 heartbeats without progress, punctuation every second).
 * Wall-clock time only moves with {@link #advance(Duration)}.
 */
final class AgentHealthDriver implements AutoCloseable {

    static final Instant START = Instant.parse("2026-05-01T08:00:00Z");
    static final String TENANT = "tenant-a";
    static final AgentHealthSettings SETTINGS = AgentHealthSettings.withHeartbeatInterval(Duration.ofSeconds(1));

    final TopicCatalog catalog = TopicCatalog.standard();
    private final Path stateDir;
    private final TopologyTestDriver driver;
    private final TestInputTopic<String, AgentHeartbeat> heartbeats;
    private final TestOutputTopic<String, AgentHealth> healthOut;
    private final TestOutputTopic<String, AgentAlert> alertsOut;
    private final TestOutputTopic<byte[], DeadLetter> deadLettersOut;
    private final Map<String, Long> sequences = new HashMap<>();
    private Instant now = START;

    AgentHealthDriver() {
        try {
            stateDir = Files.createTempDirectory("agent-health-ttd-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "agent-health-test");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "localhost:1");
        props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        props.putAll(DeadLetters.streamsProperties(catalog, null));
        driver = new TopologyTestDriver(AgentHealthTopology.build(catalog, SETTINGS, "test"), props, START);
        heartbeats = driver.createInputTopic(catalog.agentHeartbeats().name(),
                catalog.agentHeartbeats().keySerde().serializer(), catalog.agentHeartbeats().valueSerde().serializer());
        healthOut = driver.createOutputTopic(catalog.agentHealth().name(), catalog.agentHealth().keySerde().deserializer(),
                catalog.agentHealth().valueSerde().deserializer());
        alertsOut = driver.createOutputTopic(catalog.agentAlerts().name(),
                catalog.agentAlerts().keySerde().deserializer(), catalog.agentAlerts().valueSerde().deserializer());
        deadLettersOut = driver.createOutputTopic(catalog.deadLetters().name(),
                catalog.deadLetters().keySerde().deserializer(), catalog.deadLetters().valueSerde().deserializer());
    }

    /** A heartbeat of {@code agentId} whose sequence advances by one. */
    void heartbeat(String agentId, String plantId, AgentGroup group) {
        heartbeat(agentId, plantId, group, sequences.merge(agentId, 1L, Long::sum), "ok");
    }

    /** A heartbeat with an explicit sequence and self-reported status. */
    void heartbeat(String agentId, String plantId, AgentGroup group, long sequence, String status) {
        heartbeat(agentId, plantId, group, sequence, status, now);
    }

    /** A heartbeat sent (and timestamped) at {@code sentAt}, read now: {@code sentAt} in the past is a backlog. */
    void heartbeatSentAt(String agentId, String plantId, AgentGroup group, Instant sentAt) {
        heartbeat(agentId, plantId, group, sequences.merge(agentId, 1L, Long::sum), "ok", sentAt);
    }

    private void heartbeat(String agentId, String plantId, AgentGroup group, long sequence, String status,
                           Instant sentAt) {
        Instant now = sentAt;
        sequences.put(agentId, sequence);
        heartbeats.pipeInput(agentId, AgentHeartbeat.newBuilder()
                .setMeta(EventMeta.newBuilder().setEventId(agentId + "-" + sequence + "-" + now.toEpochMilli())
                        .setOccurredAt(now).setTenantId(TENANT)
                        .setProducer(Producer.newBuilder().setService("test").setInstance("test").build()).build())
                .setAgentId(agentId).setPlantId(plantId).setGroup(group).setStatus(status).setSentAt(now)
                .setSequence(sequence).build(), now);
    }

    /** Pipes a heartbeat under a key other than its agent id. */
    void heartbeatUnderKey(String key, String agentId, String plantId) {
        heartbeats.pipeInput(key, AgentHeartbeat.newBuilder()
                .setMeta(EventMeta.newBuilder().setEventId("bad").setOccurredAt(now).setTenantId(TENANT)
                        .setProducer(Producer.newBuilder().setService("test").setInstance("test").build()).build())
                .setAgentId(agentId).setPlantId(plantId).setGroup(AgentGroup.BOILER_STEAM).setStatus("ok")
                .setSentAt(now).setSequence(1).build(), now);
    }

    /** Moves wall-clock (and record) time; due punctuations fire. */
    void advance(Duration d) {
        now = now.plus(d);
        driver.advanceWallClockTime(d);
    }

    /** Health changes published since the last call. */
    List<AgentHealth> health() {
        return new ArrayList<>(healthOut.readValuesToList());
    }

    /** Alerts published since the last call. */
    List<AgentAlert> alerts() {
        return new ArrayList<>(alertsOut.readValuesToList());
    }

    /** Dead letters published since the last call. */
    List<DeadLetter> deadLetters() {
        return new ArrayList<>(deadLettersOut.readValuesToList());
    }

    @Override
    public void close() {
        driver.close();
        try (var files = Files.walk(stateDir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
