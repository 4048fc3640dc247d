package io.greenlang.streams.plant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.greenlang.events.common.EventMeta;
import io.greenlang.events.common.Producer;
import io.greenlang.events.plant.AlertState;
import io.greenlang.events.plant.PlantAlert;
import io.greenlang.events.plant.PlantAlertKind;
import io.greenlang.events.plant.PlantState;
import io.greenlang.events.scada.ConnectionState;
import io.greenlang.events.scada.ScadaConnectionStatus;
import io.greenlang.events.scada.TagSample;
import io.greenlang.events.scada.TelemetryBatch;
import io.greenlang.testkit.GreenLangIntegrationTest;
import io.greenlang.testkit.TestInfra;
import io.greenlang.topics.Topic;
import io.greenlang.topics.TopicAdmin;
import io.greenlang.topics.TopicCatalog;

/**
 * The plant application on the real broker with exactly-once: telemetry of a healthy plant gives its state, a
 * boiler trip raises HEAT_LOSS, and a DISCONNECTED status (through the status repartition topic) raises
 * SCADA_OUTAGE.
 */
@GreenLangIntegrationTest
class PlantStateIT {

    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static final String PLANT = "plant-it";

    @Test
    void shouldPublishStateAndRaiseHeatLossAndScadaOutageWhenABoilerTripsAndTheConnectionDrops(TestInfra infra,
                                                                                              @TempDir Path dir)
            throws Exception {
        TopicCatalog catalog = TopicCatalog.withPrefix(infra.topicPrefix());
        new TopicAdmin(infra.adminClient(), Duration.ofSeconds(60)).apply(catalog.all());
        Map<String, Object> props = new HashMap<>(PlantStateApp.defaultStreamsOverrides(dir));
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, infra.topicPrefix() + PlantStateApp.APPLICATION_ID);
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, infra.bootstrapServers());
        PlantMetrics metrics = new PlantMetrics();

        try (PlantStateApp app = new PlantStateApp(props, catalog, PlantSettings.defaults(), metrics);
             KafkaProducer<String, TelemetryBatch> telemetry = new KafkaProducer<>(infra.producerProperties(),
                     catalog.scadaTelemetry().keySerde().serializer(),
                     catalog.scadaTelemetry().valueSerde().serializer());
             KafkaProducer<String, ScadaConnectionStatus> status = new KafkaProducer<>(infra.producerProperties(),
                     catalog.scadaStatus().keySerde().serializer(), catalog.scadaStatus().valueSerde().serializer());
             Watcher<PlantState> states = new Watcher<>(infra, "plant-states", catalog.plantState());
             Watcher<PlantAlert> alerts = new Watcher<>(infra, "plant-alerts", catalog.plantAlerts())) {
            app.start();
            Instant now = Instant.now();
            telemetry.send(new ProducerRecord<>(catalog.scadaTelemetry().name(), PLANT, batch(now,
                    good("B1.HEAT.OUTPUT_MW", 20, now), good("B2.HEAT.OUTPUT_MW", 20, now),
                    good("B2.STATUS.TRIPPED", 0, now), good(PlantTags.HEAT_DEMAND_MW, 35, now)))).get();
            await().atMost(TIMEOUT).pollInSameThread().until(() -> {
                states.poll();
                return states.all().stream().anyMatch(s -> s.getHeatSupplyMw() == 40.0);
            });

            telemetry.send(new ProducerRecord<>(catalog.scadaTelemetry().name(), PLANT,
                    batch(now.plusSeconds(1), good("B2.STATUS.TRIPPED", 1, now.plusSeconds(1))))).get();
            await().atMost(TIMEOUT).pollInSameThread().until(() -> raised(alerts, PlantAlertKind.HEAT_LOSS));

            status.send(new ProducerRecord<>(catalog.scadaStatus().name(), PLANT, ScadaConnectionStatus.newBuilder()
                    .setMeta(meta(now)).setPlantId(PLANT).setEndpoint("opc.tcp://plant-it:4840")
                    .setState(ConnectionState.DISCONNECTED).setSince(now.plusSeconds(2)).build())).get();
            await().atMost(TIMEOUT).pollInSameThread().until(() -> raised(alerts, PlantAlertKind.SCADA_OUTAGE));
            await().atMost(TIMEOUT).pollInSameThread().until(() -> {
                states.poll();
                PlantState latest = states.all().get(states.all().size() - 1);
                return latest.getHeatLoss() && !latest.getScadaConnected();
            });
        }
        assertThat(metrics.alertsRaised()).isEqualTo(2);
    }

    private static boolean raised(Watcher<PlantAlert> alerts, PlantAlertKind kind) {
        return alerts.poll().stream().anyMatch(a -> a.getKind() == kind && a.getState() == AlertState.RAISED);
    }

    private static TagSample good(String tag, double value, Instant at) {
        return PlantDriver.good(tag, value, at);
    }

    private static TelemetryBatch batch(Instant at, TagSample... samples) {
        return TelemetryBatch.newBuilder().setMeta(meta(at)).setPlantId(PLANT).setSamples(List.of(samples)).build();
    }

    private static EventMeta meta(Instant at) {
        return EventMeta.newBuilder().setEventId(UUID.randomUUID().toString()).setOccurredAt(at).setTenantId("t-it")
                .setProducer(Producer.newBuilder().setService("scada-bridge").setInstance("it").build()).build();
    }

    /** A read_committed consumer of one topic from the beginning, polled from the test thread. */
    private static final class Watcher<V> implements AutoCloseable {
        private final KafkaConsumer<?, V> consumer;
        private final List<V> all = new ArrayList<>();

        <K> Watcher(TestInfra infra, String group, Topic<K, V> topic) {
            KafkaConsumer<K, V> c = new KafkaConsumer<>(infra.consumerProperties(group),
                    topic.keySerde().deserializer(), topic.valueSerde().deserializer());
            c.subscribe(List.of(topic.name()));
            this.consumer = c;
        }

        List<V> poll() {
            for (ConsumerRecord<?, V> record : consumer.poll(Duration.ofMillis(200))) {
                all.add(record.value());
            }
            return all;
        }

        List<V> all() {
            return all;
        }

        @Override
        public void close() {
            consumer.close();
        }
    }
}
