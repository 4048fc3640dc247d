package io.greenlang.executor.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

import io.greenlang.common.error.ErrorCode;
import io.greenlang.events.common.EventMeta;
import io.greenlang.events.common.Producer;
import io.greenlang.events.run.Resources;
import io.greenlang.events.run.StepAction;
import io.greenlang.events.run.StepCommand;
import io.greenlang.events.run.StepEvent;
import io.greenlang.events.run.StepEventKind;
import io.greenlang.testkit.GreenLangIntegrationTest;
import io.greenlang.testkit.TestInfra;
import io.greenlang.topics.TopicAdmin;
import io.greenlang.topics.TopicCatalog;

/** The simulated executor against the real broker: answers, scripted failures, delays, cancels, duplicates. */
@GreenLangIntegrationTest
class SimulatedExecutorIT {

    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    @Test
    void shouldAnswerStartsWithScriptedOutcomesCancelPendingOnesAndIgnoreDuplicates(TestInfra infra) {
        TopicCatalog catalog = TopicCatalog.withPrefix(infra.topicPrefix());
        new TopicAdmin(infra.adminClient(), TIMEOUT).apply(List.of(catalog.stepCommands(), catalog.stepEvents()));
        SimulatedBehavior behavior = SimulatedBehavior.fixedDelay(Duration.ofSeconds(30))
                .failing("flaky", ErrorCode.NETWORK_TIMEOUT);
        Map<String, Object> client = Map.of(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, infra.bootstrapServers());
        List<StepEvent> events = new ArrayList<>();
        try (SimulatedExecutor executor = new SimulatedExecutor(client, catalog, infra.topicPrefix() + "sim",
                infra.transactionalId("sim"), behavior).start();
             KafkaProducer<String, StepCommand> commands = new KafkaProducer<>(infra.producerProperties(),
                     catalog.stepCommands().keySerde().serializer(), catalog.stepCommands().valueSerde().serializer());
             KafkaConsumer<String, StepEvent> consumer = new KafkaConsumer<>(infra.consumerProperties("events"),
                     catalog.stepEvents().keySerde().deserializer(), catalog.stepEvents().valueSerde().deserializer())) {
            consumer.subscribe(List.of(catalog.stepEvents().name()));
            StepCommand slow = command("r1", "slow", 1, StepAction.START);
            commands.send(new ProducerRecord<>(catalog.stepCommands().name(), "r1", slow));
            commands.send(new ProducerRecord<>(catalog.stepCommands().name(), "r1", slow));
            commands.flush();
            await().atMost(TIMEOUT).pollInSameThread().until(() -> poll(consumer, events) >= 1);
            commands.send(new ProducerRecord<>(catalog.stepCommands().name(), "r1",
                    command("r1", "slow", 1, StepAction.CANCEL)));
            commands.flush();
            await().atMost(TIMEOUT).pollInSameThread().until(() -> poll(consumer, events) >= 2);

            assertThat(events).extracting(StepEvent::getStep, StepEvent::getKind).containsExactly(
                    org.assertj.core.groups.Tuple.tuple("slow", StepEventKind.STARTED),
                    org.assertj.core.groups.Tuple.tuple("slow", StepEventKind.FAILED));
            assertThat(events.get(1).getErrorMessage()).contains("cancelled");
            assertThat(events.get(0).getMeta().getTenantId()).isEqualTo("tenant-sim");
            assertThat(executor.commandsReceived()).isEqualTo(3);
        }

        events.clear();
        try (SimulatedExecutor executor = new SimulatedExecutor(client, catalog, infra.topicPrefix() + "sim2",
                infra.transactionalId("sim2"), SimulatedBehavior.instant().failing("flaky", ErrorCode.API_5XX)).start();
             KafkaProducer<String, StepCommand> commands = new KafkaProducer<>(infra.producerProperties(),
                     catalog.stepCommands().keySerde().serializer(), catalog.stepCommands().valueSerde().serializer());
             KafkaConsumer<String, StepEvent> consumer = new KafkaConsumer<>(infra.consumerProperties("events2"),
                     catalog.stepEvents().keySerde().deserializer(), catalog.stepEvents().valueSerde().deserializer())) {
            consumer.subscribe(List.of(catalog.stepEvents().name()));
            commands.send(new ProducerRecord<>(catalog.stepCommands().name(), "r2", command("r2", "flaky", 1,
                    StepAction.START)));
            commands.send(new ProducerRecord<>(catalog.stepCommands().name(), "r2", command("r2", "flaky", 2,
                    StepAction.START)));
            commands.flush();
            // this group reads the topic from the start: the first executor's STARTED and FAILED, then these four
            await().atMost(TIMEOUT).pollInSameThread().until(() -> poll(consumer, events) >= 6);
            List<StepEvent> flaky = events.stream().filter(e -> e.getStep().equals("flaky")).toList();
            assertThat(flaky).extracting(StepEvent::getAttempt, StepEvent::getKind, StepEvent::getErrorCode)
                    .containsExactly(
                            org.assertj.core.groups.Tuple.tuple(1, StepEventKind.STARTED, null),
                            org.assertj.core.groups.Tuple.tuple(1, StepEventKind.FAILED, "GL-E-API-5XX"),
                            org.assertj.core.groups.Tuple.tuple(2, StepEventKind.STARTED, null),
                            org.assertj.core.groups.Tuple.tuple(2, StepEventKind.SUCCEEDED, null));
            assertThat(flaky.get(3).getOutputs()).containsKey("result");
            assertThat(executor.transactions()).isPositive();
        }
    }

    private static int poll(KafkaConsumer<String, StepEvent> consumer, List<StepEvent> events) {
        consumer.poll(Duration.ofMillis(200)).forEach(r -> events.add(r.value()));
        return events.size();
    }

    private static StepCommand command(String runId, String step, int attempt, StepAction action) {
        return StepCommand.newBuilder()
                .setMeta(EventMeta.newBuilder().setEventId(UUID.randomUUID().toString()).setOccurredAt(Instant.now())
                        .setTenantId("tenant-sim")
                        .setProducer(Producer.newBuilder().setService("it").setInstance("it").build()).build())
                .setRunId(runId)
                .setStep(step)
                .setAttempt(attempt)
                .setAction(action)
                .setAgent("GL-TEST")
                .setTimeoutSeconds(60)
                .setResources(Resources.newBuilder().setCpu("1").setMemory("1Gi").build())
                .setIdempotencyKey(runId + "/" + step + "/" + attempt + "/" + action)
                .build();
    }
}
