package io.greenlang.streams.dispatch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
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
import io.greenlang.events.plant.DispatchPlan;
import io.greenlang.events.plant.PlantState;
import io.greenlang.testkit.GreenLangIntegrationTest;
import io.greenlang.testkit.TestInfra;
import io.greenlang.topics.TopicAdmin;
import io.greenlang.topics.TopicCatalog;

@GreenLangIntegrationTest
class DispatchAppIT {

    @Test
    void shouldPublishPlanForPlantStateAndReplanWhenBoilerTrips(TestInfra infra, @TempDir Path stateDir)
            throws Exception {
        TopicCatalog catalog = TopicCatalog.withPrefix(infra.topicPrefix());
        new TopicAdmin(infra.adminClient(), Duration.ofSeconds(60)).apply(catalog.all());
        Map<String, Object> props = new HashMap<>();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, infra.topicPrefix() + DispatchApp.APPLICATION_ID);
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, infra.bootstrapServers());
        props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        BoilerFleet fleet = BoilerFleet.simulated("plant-it", 4, 3);
        List<DispatchPlan> plans = new ArrayList<>();

        try (DispatchApp app = new DispatchApp(props, catalog, id -> Optional.of(fleet), new ChocoDispatchSolver(),
                DispatchSettings.defaults("it"));
             KafkaProducer<String, PlantState> producer = new KafkaProducer<>(infra.producerProperties(),
                     catalog.plantState().keySerde().serializer(), catalog.plantState().valueSerde().serializer());
             KafkaConsumer<String, DispatchPlan> consumer = new KafkaConsumer<>(infra.consumerProperties("plans"),
                     catalog.dispatchPlans().keySerde().deserializer(),
                     catalog.dispatchPlans().valueSerde().deserializer())) {
            consumer.subscribe(List.of(catalog.dispatchPlans().name()));
            app.start();

            producer.send(new ProducerRecord<>(catalog.plantState().name(), "plant-it", state(5, Map.of()))).get();
            await().atMost(Duration.ofSeconds(60)).until(() -> poll(consumer, plans) >= 1);
            producer.send(new ProducerRecord<>(catalog.plantState().name(), "plant-it",
                    state(5, Map.of("B1.STATUS.TRIPPED", 1.0)))).get();
            await().atMost(Duration.ofSeconds(60)).until(() -> poll(consumer, plans) >= 2);
        }

        assertThat(plans.get(0).getPlantId()).isEqualTo("plant-it");
        assertThat(plans.get(0).getDemandMw()).isEqualTo(5.0);
        assertThat(plans.get(0).getSetpoints()).hasSize(4);
        assertThat(plans.get(1).getSetpoints().get(0).getAssetId()).isEqualTo("B1");
        assertThat(plans.get(1).getSetpoints().get(0).getOn()).as("tripped B1 is off").isFalse();
    }

    private static int poll(KafkaConsumer<String, DispatchPlan> consumer, List<DispatchPlan> plans) {
        for (ConsumerRecord<String, DispatchPlan> r : consumer.poll(Duration.ofMillis(200))) {
            assertThat(r.key()).isEqualTo(r.value().getPlantId());
            plans.add(r.value());
        }
        return plans.size();
    }

    private static PlantState state(double demand, Map<String, Double> tags) {
        return PlantState.newBuilder()
                .setMeta(EventMeta.newBuilder().setEventId(UUID.randomUUID().toString()).setOccurredAt(Instant.now())
                        .setTenantId("tenant-it")
                        .setProducer(Producer.newBuilder().setService("it").setInstance("it-0").build()).build())
                .setPlantId("plant-it")
                .setTags(tags)
                .setHeatSupplyMw(0)
                .setHeatDemandMw(demand)
                .setEfficiency(0.85)
                .setHeatLoss(false)
                .setScadaConnected(true)
                .setUpdatedAt(Instant.now())
                .build();
    }
}
