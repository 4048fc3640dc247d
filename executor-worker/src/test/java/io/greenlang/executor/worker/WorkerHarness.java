package io.greenlang.executor.worker;

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
import java.util.function.Predicate;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

import io.greenlang.common.artifact.ArtifactStore;
import io.greenlang.common.config.GlConfig;
import io.greenlang.common.metrics.GlMeters;
import io.greenlang.common.metrics.GlMetrics;
import io.greenlang.events.common.EventMeta;
import io.greenlang.events.common.Producer;
import io.greenlang.events.run.Resources;
import io.greenlang.events.run.StepAction;
import io.greenlang.events.run.StepCommand;
import io.greenlang.events.run.StepEvent;
import io.greenlang.events.run.StepEventKind;
import io.greenlang.executor.local.LocalProcessExecutor;
import io.greenlang.executor.worker.testagents.TestAgent;
import io.greenlang.testkit.TestInfra;
import io.greenlang.topics.TopicAdmin;
import io.greenlang.topics.TopicCatalog;

/**
 * One isolated worker deployment on the shared test servers: its own step topics (a prefix of its own), a
 * producer of commands, a consumer of events, and optionally a {@link StepWorker} in this JVM over a
 * {@link LocalProcessExecutor}. Agents are {@link TestAgent}s run with this JVM's java and class path.
 */
final class WorkerHarness implements AutoCloseable {

    static final Duration TIMEOUT = Duration.ofSeconds(60);
    static final String TENANT = "acme";
    static final String AGENT = "GL-TEST";

    final TestInfra infra;
    final String prefix;
    final TopicCatalog catalog;
    private final KafkaProducer<String, StepCommand> commands;
    private final KafkaConsumer<String, StepEvent> consumer;
    private final List<StepEvent> events = new ArrayList<>();
    PrometheusMeterRegistry registry;
    ArtifactStore store;
    LocalProcessExecutor executor;
    StepWorker worker;

    private WorkerHarness(TestInfra infra, String name) {
        this.infra = infra;
        this.prefix = infra.topicPrefix() + name + "-";
        this.catalog = TopicCatalog.withPrefix(prefix);
        new TopicAdmin(infra.adminClient(), TIMEOUT).apply(List.of(catalog.stepCommands(), catalog.stepEvents(),
                catalog.deadLetters()));
        this.commands = new KafkaProducer<>(infra.producerProperties(), catalog.stepCommands().keySerde().serializer(),
                catalog.stepCommands().valueSerde().serializer());
        this.consumer = new KafkaConsumer<>(infra.consumerProperties(name + "-events"),
                catalog.stepEvents().keySerde().deserializer(), catalog.stepEvents().valueSerde().deserializer());
        consumer.subscribe(List.of(catalog.stepEvents().name()));
    }

    /** Topics, a command producer and an event consumer; no worker. */
    static WorkerHarness topics(TestInfra infra, String name) {
        return new WorkerHarness(infra, name);
    }

    /** The same plus a worker in this JVM on {@code state} with the given settings over {@link #environment}. */
    static WorkerHarness withWorker(TestInfra infra, String name, Path state, Map<String, String> overrides) {
        WorkerHarness harness = new WorkerHarness(infra, name);
        Map<String, String> env = harness.environment(state);
        env.putAll(overrides);
        GlConfig config = GlConfig.load(env, Optional.empty());
        harness.registry = GlMetrics.newRegistry(config);
        GlMeters meters = new GlMeters(harness.registry);
        harness.store = ArtifactStore.fromConfig(config, meters);
        harness.executor = new LocalProcessExecutor(state, List.of(), Duration.ofSeconds(2), Duration.ofDays(1));
        harness.worker = StepWorker.create(config, harness.catalog, harness.prefix + StepWorker.DEFAULT_GROUP,
                harness.executor, harness.store, meters).start();
        await().atMost(TIMEOUT).until(harness.worker::isReady);
        return harness;
    }

    /** The {@code GL_*} settings of a worker of this deployment. */
    Map<String, String> environment(Path state) {
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
        env.put(GlConfig.MAX_PARALLEL_STEPS, "4");
        env.put(GlConfig.HEALTH_PORT, "0");
        env.put(GlConfig.METRICS_PORT, "0");
        return env;
    }

    /** {@code java -cp <this class path> TestAgent <behaviour>}, tuned to start fast. */
    static List<String> agentCommand(TestAgent.Behaviour behaviour) {
        return List.of(ProcessHandle.current().info().command().orElseThrow(), "-XX:TieredStopAtLevel=1",
                "-XX:+UseSerialGC", "-Xmx128m", "-cp", System.getProperty("java.class.path"),
                TestAgent.class.getName(), behaviour.name());
    }

    /** A START of attempt 1 of {@code step} in {@code run}, for agent {@value #AGENT}. */
    static StepCommand start(String run, String step, TestAgent.Behaviour behaviour, Map<String, String> inputs,
                             int timeoutSeconds) {
        return command(run, step, 1, StepAction.START, AGENT, agentCommand(behaviour), inputs, timeoutSeconds);
    }

    static StepCommand command(String run, String step, int attempt, StepAction action, String agent,
                               List<String> command, Map<String, String> inputs, int timeoutSeconds) {
        return StepCommand.newBuilder()
                .setMeta(EventMeta.newBuilder().setEventId(UUID.randomUUID().toString()).setOccurredAt(Instant.now())
                        .setTenantId(TENANT).setTraceId("4bf92f3577b34da6a3ce929d0e0e4736")
                        .setProducer(Producer.newBuilder().setService("it").setInstance("it").build()).build())
                .setRunId(run)
                .setStep(step)
                .setAttempt(attempt)
                .setAction(action)
                .setAgent(agent)
                .setCommand(command)
                .setInputs(inputs)
                .setParameters(Map.of("year", "2025"))
                .setTimeoutSeconds(timeoutSeconds)
                .setResources(Resources.newBuilder().setCpu("1").setMemory("1Gi").build())
                .setIdempotencyKey(run + "/" + step + "/" + attempt + "/" + action)
                .build();
    }

    /** The CANCEL of the attempt a START started. */
    static StepCommand cancelOf(StepCommand start) {
        return command(start.getRunId(), start.getStep(), start.getAttempt(), StepAction.CANCEL, start.getAgent(),
                List.of(), Map.of(), start.getTimeoutSeconds());
    }

    /** Sends commands in order, keyed by run id (so one run's commands share a partition), and flushes. */
    void send(StepCommand... toSend) {
        for (StepCommand command : toSend) {
            commands.send(new ProducerRecord<>(catalog.stepCommands().name(), command.getRunId(), command));
        }
        commands.flush();
    }

    /** Every event of {@code run} read so far, in topic order. */
    List<StepEvent> events(String run) {
        consumer.poll(Duration.ofMillis(100)).forEach(r -> events.add(r.value()));
        return events.stream().filter(e -> e.getRunId().equals(run)).toList();
    }

    /** Waits for the first event of {@code run} that matches. */
    StepEvent awaitEvent(String run, Predicate<StepEvent> matching) {
        StepEvent[] found = new StepEvent[1];
        await().atMost(TIMEOUT).pollInSameThread().until(() -> {
            found[0] = events(run).stream().filter(matching).findFirst().orElse(null);
            return found[0] != null;
        });
        return found[0];
    }

    /** Waits for the first event of {@code kind} about {@code step} of {@code run}. */
    StepEvent awaitEvent(String run, String step, StepEventKind kind) {
        return awaitEvent(run, e -> e.getStep().equals(step) && e.getKind() == kind);
    }

    /** Waits until {@code count} events of {@code run} match. */
    List<StepEvent> awaitEvents(String run, Predicate<StepEvent> matching, int count) {
        await().atMost(TIMEOUT).pollInSameThread()
                .until(() -> events(run).stream().filter(matching).count() >= count);
        return events(run).stream().filter(matching).toList();
    }

    @Override
    public void close() {
        if (worker != null) {
            worker.close();
        }
        if (executor != null) {
            executor.close();
        }
        if (store != null) {
            store.close();
        }
        if (registry != null) {
            registry.close();
        }
        commands.close();
        consumer.close();
    }
}
