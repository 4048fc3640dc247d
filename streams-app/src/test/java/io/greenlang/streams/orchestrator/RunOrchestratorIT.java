package io.greenlang.streams.orchestrator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;

import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.greenlang.events.common.DeadLetter;
import io.greenlang.events.common.EventMeta;
import io.greenlang.events.common.Producer;
import io.greenlang.events.run.RunRequested;
import io.greenlang.events.run.RunState;
import io.greenlang.events.run.RunStatus;
import io.greenlang.events.run.StepAction;
import io.greenlang.events.run.StepCommand;
import io.greenlang.executor.sim.SimulatedBehavior;
import io.greenlang.executor.sim.SimulatedExecutor;
import io.greenlang.pipeline.RunPlan;
import io.greenlang.pipeline.policy.PolicyResult;
import io.greenlang.pipeline.policy.PolicyVerdict;
import io.greenlang.streams.errors.DeadLetters;
import io.greenlang.testkit.GreenLangIntegrationTest;
import io.greenlang.testkit.TestInfra;
import io.greenlang.topics.Topic;
import io.greenlang.topics.TopicAdmin;
import io.greenlang.topics.TopicCatalog;

/**
 * The orchestrator on the real broker with exactly-once, driven by the simulated executor: 100 runs of a 10-step
 * DAG all succeed with exactly one START command per step attempt, although the orchestrator is closed while the
 * first half of the runs is in flight, and a new instance (with an empty state directory, so it restores from
 * the changelogs) takes over and also picks up the second half, requested while no orchestrator was running.
 */
@GreenLangIntegrationTest
class RunOrchestratorIT {

    private static final int RUNS = 100;
    private static final int STEPS = 10;
    private static final Duration TIMEOUT = Duration.ofSeconds(90);
    /** How long each simulated step takes: long enough that runs are in flight when the orchestrator stops. */
    private static final Duration STEP_TIME = Duration.ofMillis(200);

    /** s01 -> (s02, s03, s04); s05 <- s02, s03; s06 <- s03, s04; s07 <- s05, s06; s08, s09 <- s07; s10 <- s08, s09. */
    static RunPlan tenStepDag() {
        return Plans.pipeline("ten-step-dag")
                .step("s01").step("s02", "s01").step("s03", "s01").step("s04", "s01")
                .step("s05", "s02", "s03").step("s06", "s03", "s04").step("s07", "s05", "s06")
                .step("s08", "s07").step("s09", "s07").step("s10", "s08", "s09")
                .build();
    }

    @Test
    void shouldRunEveryRunToSuccessWithOneStartPerAttemptAcrossARestart(TestInfra infra, @TempDir Path first,
                                                                         @TempDir Path second) throws Exception {
        TopicCatalog catalog = TopicCatalog.withPrefix(infra.topicPrefix());
        new TopicAdmin(infra.adminClient(), Duration.ofSeconds(60)).apply(catalog.all());
        RunPlan plan = tenStepDag();
        RunPlanner planner = request -> plan;
        PolicyResult allow = new PolicyResult(PolicyVerdict.ALLOW, List.of(), null, "allowed", "default", null);
        OrchestratorSettings settings = OrchestratorSettings.defaults().withInstance("it");
        List<String> runIds = new ArrayList<>();
        for (int i = 0; i < RUNS; i++) {
            runIds.add(UUID.randomUUID().toString());
        }

        Map<String, Object> client = Map.of(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, infra.bootstrapServers());
        try (SimulatedExecutor executor = new SimulatedExecutor(client, catalog, infra.topicPrefix() + "sim",
                infra.transactionalId("sim"), SimulatedBehavior.fixedDelay(STEP_TIME)).start();
             KafkaProducer<String, RunRequested> requests = new KafkaProducer<>(infra.producerProperties(),
                     catalog.runRequests().keySerde().serializer(), catalog.runRequests().valueSerde().serializer());
             KafkaProducer<byte[], byte[]> raw = new KafkaProducer<>(infra.producerProperties(),
                     new ByteArraySerializer(), new ByteArraySerializer());
             Watcher<RunState> states = new Watcher<>(infra, "states", catalog.runState())) {

            RunOrchestratorApp app = new RunOrchestratorApp(streamsProps(infra, first), catalog, planner,
                    ctx -> allow, settings, OrchestratorMetrics.unregistered());
            app.start();
            raw.send(new ProducerRecord<>(catalog.runRequests().name(), "poison".getBytes(StandardCharsets.UTF_8),
                    "definitely not an event".getBytes(StandardCharsets.UTF_8))).get();
            for (String runId : runIds.subList(0, RUNS / 2)) {
                requests.send(new ProducerRecord<>(catalog.runRequests().name(), runId, request(runId)));
            }
            requests.flush();
            await().atMost(TIMEOUT).pollInSameThread().until(() -> succeeded(states) >= RUNS / 10);
            app.close();
            states.pollFor(Duration.ofSeconds(1));
            assertThat(succeeded(states)).as("runs of the first batch still in flight when the orchestrator stopped")
                    .isLessThan(RUNS / 2);

            for (String runId : runIds.subList(RUNS / 2, RUNS)) {
                requests.send(new ProducerRecord<>(catalog.runRequests().name(), runId, request(runId)));
            }
            requests.flush();
            RunOrchestratorApp replacement = new RunOrchestratorApp(streamsProps(infra, second), catalog, planner,
                    ctx -> allow, settings, OrchestratorMetrics.unregistered());
            try (replacement) {
                replacement.start();
                await().atMost(TIMEOUT).pollInSameThread().until(() -> succeeded(states) == RUNS);
            }
            assertThat(states.latest().keySet()).containsExactlyInAnyOrderElementsOf(runIds);
            assertThat(executor.eventsSent()).as("STARTED and SUCCEEDED, once per step").isEqualTo(2L * RUNS * STEPS);
        }

        List<StepCommand> starts;
        try (Watcher<StepCommand> commands = new Watcher<>(infra, "commands", catalog.stepCommands())) {
            await().atMost(TIMEOUT).pollInSameThread().until(() -> commands.poll().size() >= RUNS * STEPS);
            commands.pollFor(Duration.ofSeconds(2));
            starts = commands.all().stream().filter(c -> c.getAction() == StepAction.START).toList();
            assertThat(commands.all()).allMatch(c -> c.getAction() == StepAction.START);
        }
        Map<String, Long> perAttempt = starts.stream().collect(Collectors.groupingBy(
                c -> c.getRunId() + "/" + c.getStep() + "/" + c.getAttempt(), Collectors.counting()));
        assertThat(perAttempt).hasSize(RUNS * STEPS);
        assertThat(perAttempt.values()).containsOnly(1L);
        assertThat(starts).extracting(StepCommand::getAttempt).containsOnly(1);

        try (Watcher<DeadLetter> dlq = new Watcher<>(infra, "dlq", catalog.deadLetters())) {
            await().atMost(TIMEOUT).pollInSameThread().until(() -> !dlq.poll().isEmpty());
            DeadLetter letter = dlq.all().get(0);
            assertThat(letter.getErrorCode()).isEqualTo(DeadLetters.DESERIALIZATION_FAILED);
            assertThat(letter.getTopic()).isEqualTo(catalog.runRequests().name());
            assertThat(StandardCharsets.UTF_8.decode(letter.getOriginalValue()).toString())
                    .isEqualTo("definitely not an event");
        }
    }

    private static long succeeded(Watcher<RunState> states) {
        states.poll();
        return states.latest().values().stream().filter(s -> s.getStatus() == RunStatus.SUCCEEDED).count();
    }

    private static Map<String, Object> streamsProps(TestInfra infra, Path stateDir) {
        Map<String, Object> props = new HashMap<>(RunOrchestratorApp.defaultStreamsOverrides(stateDir));
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, infra.topicPrefix() + RunOrchestratorApp.APPLICATION_ID);
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, infra.bootstrapServers());
        return props;
    }

    private static RunRequested request(String runId) {
        return RunRequested.newBuilder()
                .setMeta(EventMeta.newBuilder().setEventId(UUID.randomUUID().toString()).setOccurredAt(Instant.now())
                        .setTenantId("tenant-it")
                        .setProducer(Producer.newBuilder().setService("it").setInstance("it-0").build()).build())
                .setRunId(runId)
                .setPipelineName("ten-step-dag")
                .setPipelineNamespace("default")
                .setPipelineYaml("# built in code by the test's planner\n")
                .setIdempotencyKey("idem-" + runId)
                .setRequestedBy("it")
                .build();
    }

    /** A read_committed consumer of one topic from the beginning, polled from the test thread. */
    private static final class Watcher<V> implements AutoCloseable {
        private final KafkaConsumer<?, V> consumer;
        private final List<V> all = new ArrayList<>();
        private final Map<String, V> latest = new HashMap<>();

        <K> Watcher(TestInfra infra, String group, Topic<K, V> topic) {
            KafkaConsumer<K, V> c = new KafkaConsumer<>(infra.consumerProperties(group), topic.keySerde().deserializer(),
                    topic.valueSerde().deserializer());
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

        void pollFor(Duration duration) {
            long end = System.nanoTime() + duration.toNanos();
            while (System.nanoTime() < end) {
                poll();
            }
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
