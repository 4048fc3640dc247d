package io.greenlang.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.greenlang.common.artifact.ArtifactStore;
import io.greenlang.common.artifact.S3Location;
import io.greenlang.common.config.GlConfig;
import io.greenlang.common.config.PolicyAction;
import io.greenlang.common.metrics.GlMeters;
import io.greenlang.events.common.EventMeta;
import io.greenlang.events.common.Producer;
import io.greenlang.events.run.RunRequested;
import io.greenlang.events.run.RunState;
import io.greenlang.events.run.RunStatus;
import io.greenlang.events.run.StepEvent;
import io.greenlang.events.run.StepEventKind;
import io.greenlang.executor.worker.WorkerMain;
import io.greenlang.pipeline.PipelineCompiler;
import io.greenlang.pipeline.policy.PolicyEngines;
import io.greenlang.streams.orchestrator.OrchestratorMetrics;
import io.greenlang.streams.orchestrator.OrchestratorSettings;
import io.greenlang.streams.orchestrator.RunOrchestratorApp;
import io.greenlang.streams.orchestrator.RunPlanner;
import io.greenlang.testkit.GreenLangIntegrationTest;
import io.greenlang.testkit.TestInfra;
import io.greenlang.topics.TopicAdmin;
import io.greenlang.topics.TopicCatalog;

/**
 * A run through the real orchestrator and the real executor worker, whose worker ({@link WorkerMain} in a JVM of
 * its own) is killed with SIGKILL while a step's agent runs and is then started again on the same state directory:
 * the run still SUCCEEDS, and the step ran once (one attempt, the same agent process before and after the crash).
 */
@GreenLangIntegrationTest
class RunSurvivesWorkerCrashIT {

    private static final Duration TIMEOUT = Duration.ofSeconds(90);
    private static final String TENANT = "acme";
    private static final String PIPELINE = """
            apiVersion: greenlang.io/v1
            kind: Pipeline
            metadata:
              name: crash-test
              namespace: default
            spec:
              steps:
                - name: slow
                  agent: GL-TEST-SLEEP
                  timeout_seconds: 300
                  inputs:
                    seconds: "12"
                - name: after
                  agent: GL-TEST-NOOP
                  depends_on: [slow]
              outputs: [after]
            """;

    private final List<Process> workers = new ArrayList<>();

    @AfterEach
    void killWorkersLeftOver() {
        workers.forEach(Process::destroyForcibly);
    }

    @Test
    void shouldCompleteTheRunAfterTheWorkerIsKilledMidStepWithoutRunningTheStepTwice(TestInfra infra,
            @TempDir Path workerState, @TempDir Path streamsState, @TempDir Path logs) throws Exception {
        String prefix = infra.topicPrefix() + "crash-";
        TopicCatalog catalog = TopicCatalog.withPrefix(prefix);
        new TopicAdmin(infra.adminClient(), TIMEOUT).apply(List.of(catalog.runRequests(), catalog.runCommands(),
                catalog.stepEvents(), catalog.stepCommands(), catalog.runEvents(), catalog.runState(),
                catalog.policyDecisions(), catalog.deadLetters()));
        Map<String, String> env = workerEnvironment(infra, workerState);
        String runId = UUID.randomUUID().toString();

        Map<String, Object> streams = new HashMap<>(RunOrchestratorApp.defaultStreamsOverrides(streamsState));
        streams.put(StreamsConfig.APPLICATION_ID_CONFIG, prefix + RunOrchestratorApp.APPLICATION_ID);
        streams.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, infra.bootstrapServers());
        GlConfig config = GlConfig.load(env, Optional.empty());
        try (RunOrchestratorApp orchestrator = new RunOrchestratorApp(streams, catalog,
                RunPlanner.compiling(new PipelineCompiler(config)), PolicyEngines.defaultOnly(PolicyAction.ALLOW),
                OrchestratorSettings.defaults(), OrchestratorMetrics.unregistered());
             KafkaConsumer<String, StepEvent> stepEvents = new KafkaConsumer<>(infra.consumerProperties("steps"),
                     catalog.stepEvents().keySerde().deserializer(), catalog.stepEvents().valueSerde().deserializer());
             KafkaConsumer<String, RunState> runStates = new KafkaConsumer<>(infra.consumerProperties("states"),
                     catalog.runState().keySerde().deserializer(), catalog.runState().valueSerde().deserializer());
             ArtifactStore store = ArtifactStore.fromConfig(config, new GlMeters(new SimpleMeterRegistry()))) {
            orchestrator.start();
            assertThat(orchestrator.awaitRunning(TIMEOUT)).isTrue();
            Process first = worker(prefix, env, logs.resolve("worker-1.log"));
            submit(infra, catalog, runId);

            stepEvents.subscribe(List.of(catalog.stepEvents().name()));
            await().atMost(TIMEOUT).until(() -> received(stepEvents, runId, "slow", StepEventKind.STARTED));
            Path pidFile = workerState.resolve("attempts/" + runId + "/slow.1/pid");
            await().atMost(TIMEOUT).until(() -> Files.exists(pidFile));
            String agentBeforeCrash = Files.readString(pidFile);

            first.destroyForcibly();
            assertThat(first.waitFor(30, TimeUnit.SECONDS)).isTrue();
            worker(prefix, env, logs.resolve("worker-2.log"));

            runStates.subscribe(List.of(catalog.runState().name()));
            RunState[] last = new RunState[1];
            await().atMost(TIMEOUT).until(() -> {
                for (ConsumerRecord<String, RunState> r : runStates.poll(Duration.ofMillis(200))) {
                    if (r.key().equals(runId)) {
                        last[0] = r.value();
                    }
                }
                return last[0] != null && last[0].getStatus() != RunStatus.RUNNING
                        && last[0].getStatus() != RunStatus.PENDING;
            });

            assertThat(last[0].getStatus()).isEqualTo(RunStatus.SUCCEEDED);
            assertThat(Files.readString(pidFile)).as("the agent process of slow.1").isEqualTo(agentBeforeCrash);
            S3Location run = new S3Location(config.s3Bucket(), TENANT + "/runs/" + runId + "/steps/");
            assertThat(store.list(run)).extracting(o -> o.location().key().substring(run.key().length()))
                    .as("one attempt of each step").allMatch(key -> key.startsWith("slow.1/") || key.startsWith("after.1/"))
                    .contains("slow.1/result.json", "after.1/result.json");
        }
    }

    private static Map<String, String> workerEnvironment(TestInfra infra, Path state) {
        Map<String, String> env = new HashMap<>();
        env.put(GlConfig.SERVICE_NAME, "executor-worker");
        env.put(GlConfig.KAFKA_BOOTSTRAP_SERVERS, infra.bootstrapServers());
        env.put(GlConfig.S3_ENDPOINT, infra.s3Endpoint().toString());
        env.put(GlConfig.S3_REGION, infra.localStack().s3Region());
        env.put(GlConfig.S3_ACCESS_KEY_ID, infra.localStack().s3AccessKey());
        env.put(GlConfig.S3_SECRET_ACCESS_KEY, infra.localStack().s3SecretKey());
        env.put(GlConfig.S3_BUCKET, infra.bucket());
        env.put(GlConfig.WORKER_STATE_DIR, state.toString());
        env.put(GlConfig.STEP_HEARTBEAT_SECONDS, "1");
        env.put(GlConfig.HEALTH_PORT, "0");
        env.put(GlConfig.METRICS_PORT, "0");
        // a dead member leaves the group after 6 s instead of 45 s
        env.put(GlConfig.kafkaPrefix("session.timeout.ms"), "6000");
        return env;
    }

    /** WorkerMain in a JVM of its own, with this test's class path (which holds the reference and test agents). */
    private Process worker(String prefix, Map<String, String> env, Path logFile) throws IOException {
        ProcessBuilder builder = new ProcessBuilder(ProcessHandle.current().info().command().orElseThrow(),
                "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xmx256m",
                "-cp", System.getProperty("java.class.path"), WorkerMain.class.getName(), "--topic-prefix", prefix)
                .redirectErrorStream(true)
                .redirectOutput(logFile.toFile());
        builder.environment().keySet().removeIf(name -> name.startsWith(GlConfig.PREFIX));
        builder.environment().putAll(env);
        Process process = builder.start();
        workers.add(process);
        return process;
    }

    private static void submit(TestInfra infra, TopicCatalog catalog, String runId) throws Exception {
        try (KafkaProducer<String, RunRequested> producer = new KafkaProducer<>(infra.producerProperties(),
                catalog.runRequests().keySerde().serializer(), catalog.runRequests().valueSerde().serializer())) {
            producer.send(new ProducerRecord<>(catalog.runRequests().name(), runId, RunRequested.newBuilder()
                    .setMeta(EventMeta.newBuilder().setEventId(UUID.randomUUID().toString())
                            .setOccurredAt(Instant.now()).setTenantId(TENANT)
                            .setProducer(Producer.newBuilder().setService("it").setInstance("it").build()).build())
                    .setRunId(runId)
                    .setPipelineName("crash-test")
                    .setPipelineNamespace("default")
                    .setPipelineYaml(PIPELINE)
                    .setIdempotencyKey("idem-" + runId)
                    .setRequestedBy("it")
                    .build())).get();
        }
    }

    private static boolean received(KafkaConsumer<String, StepEvent> consumer, String runId, String step,
                                    StepEventKind kind) {
        for (ConsumerRecord<String, StepEvent> r : consumer.poll(Duration.ofMillis(200))) {
            if (r.key().equals(runId) && r.value().getStep().equals(step) && r.value().getKind() == kind) {
                return true;
            }
        }
        return false;
    }
}
