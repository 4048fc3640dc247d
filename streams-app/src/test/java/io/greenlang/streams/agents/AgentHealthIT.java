package io.greenlang.streams.agents;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.greenlang.events.agent.AgentAlert;
import io.greenlang.events.agent.AgentAlertLevel;
import io.greenlang.events.agent.AgentHealth;
import io.greenlang.events.agent.AgentStatus;
import io.greenlang.streams.agents.sim.HeartbeatSimulator;
import io.greenlang.testkit.GreenLangIntegrationTest;
import io.greenlang.testkit.TestInfra;
import io.greenlang.topics.Topic;
import io.greenlang.topics.TopicAdmin;
import io.greenlang.topics.TopicCatalog;

/**
 * The simulator and the agent health application on the real broker with exactly-once: 99 agents over three
 * plants become HEALTHY; stopping 10 agents of plant-1 raises a CRITICAL cascade for plant-1 only (through the
 * plant repartition topic); resuming clears it.
 */
@GreenLangIntegrationTest
class AgentHealthIT {

    private static final Duration INTERVAL = Duration.ofMillis(500);
    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    @Test
    void shouldRaiseCriticalCascadeWhenTenAgentsOfAPlantStopAndClearItWhenTheyResume(TestInfra infra,
                                                                                     @TempDir Path stateDir)
            throws InterruptedException {
        TopicCatalog catalog = TopicCatalog.withPrefix(infra.topicPrefix());
        new TopicAdmin(infra.adminClient(), Duration.ofSeconds(60)).apply(catalog.all());
        Map<String, Object> props = new HashMap<>(AgentHealthApp.defaultStreamsOverrides(stateDir));
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, infra.topicPrefix() + AgentHealthApp.APPLICATION_ID);
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, infra.bootstrapServers());

        try (AgentHealthApp app = new AgentHealthApp(props, catalog, AgentHealthSettings.withHeartbeatInterval(INTERVAL),
                null);
             HeartbeatSimulator simulator = HeartbeatSimulator.builder().catalog(catalog)
                     .plants(List.of("plant-1", "plant-2", "plant-3")).interval(INTERVAL)
                     .producerProperties(infra.producerProperties()).build();
             Watcher<AgentHealth> health = new Watcher<>(infra, "health", catalog.agentHealth());
             Watcher<AgentAlert> alerts = new Watcher<>(infra, "alerts", catalog.agentAlerts())) {
            app.start();
            assertThat(app.awaitRunning(TIMEOUT)).as("running").isTrue();
            simulator.start();
            await().atMost(TIMEOUT).pollInSameThread().until(() -> healthy(health) == 99);

            List<String> stopped = simulator.stop(10, "plant-1");
            await().atMost(TIMEOUT).pollInSameThread().until(() -> alerts.poll().stream()
                    .anyMatch(a -> a.getLevel() == AgentAlertLevel.CRITICAL));
            AgentAlert critical = alerts.all().stream().filter(a -> a.getLevel() == AgentAlertLevel.CRITICAL)
                    .findFirst().orElseThrow();
            assertThat(critical.getPlantId()).isEqualTo("plant-1");
            assertThat(critical.getGroup()).isNull();
            assertThat(critical.getAgentIds()).containsExactlyInAnyOrderElementsOf(stopped);

            simulator.resume();
            await().atMost(TIMEOUT).pollInSameThread().until(() -> alerts.poll().stream()
                    .anyMatch(a -> a.getLevel() == AgentAlertLevel.CLEARED && a.getGroup() == null));
            assertThat(alerts.all()).extracting(AgentAlert::getPlantId).containsOnly("plant-1");
            await().atMost(TIMEOUT).pollInSameThread().until(() -> healthy(health) == 99);
        }
    }

    private static long healthy(Watcher<AgentHealth> health) {
        health.poll();
        return health.latest().values().stream().filter(h -> h.getStatus() == AgentStatus.HEALTHY).count();
    }

    /** A read_committed consumer of one topic from the beginning, polled from the test thread. */
    private static final class Watcher<V> implements AutoCloseable {
        private final KafkaConsumer<?, V> consumer;
        private final List<V> all = new ArrayList<>();
        private final Map<String, V> latest = new HashMap<>();

        <K> Watcher(TestInfra infra, String group, Topic<K, V> topic) {
            KafkaConsumer<K, V> c = new KafkaConsumer<>(infra.consumerProperties(group),
                    topic.keySerde().deserializer(), topic.valueSerde().deserializer());
            c.subscribe(List.of(topic.name()));
            this.consumer = c;
        }

        List<V> poll() {
            for (ConsumerRecord<?, V> record : consumer.poll(Duration.ofMillis(200))) {
                all.add(record.value());
                latest.put(String.valueOf(record.key()), record.value());
            }
            return all;
        }

        List<V> all() {
            return all;
        }

        Map<String, V> latest() {
            return latest;
        }

        @Override
        public void close() {
            consumer.close();
        }
    }
}
