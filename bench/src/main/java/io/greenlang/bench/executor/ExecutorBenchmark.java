package io.greenlang.bench.executor;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Set;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;

import io.greenlang.common.artifact.ArtifactLayout;
import io.greenlang.common.artifact.ArtifactStore;
import io.greenlang.common.artifact.RunContext;
import io.greenlang.common.artifact.S3Location;
import io.greenlang.common.config.GlConfig;
import io.greenlang.common.metrics.GlMeters;
import io.greenlang.events.common.EventMeta;
import io.greenlang.events.common.Producer;
import io.greenlang.events.run.Resources;
import io.greenlang.events.run.StepAction;
import io.greenlang.events.run.StepCommand;
import io.greenlang.events.run.StepEvent;
import io.greenlang.events.run.StepEventKind;
import io.greenlang.executor.local.LocalProcessExecutor;
import io.greenlang.executor.worker.StepWorker;
import io.greenlang.localstack.LocalStack;
import io.greenlang.topics.TopicAdmin;
import io.greenlang.topics.TopicCatalog;

/**
 * Step throughput of the executor worker with the local-process executor and a no-op agent, so that what is
 * measured is the platform's cost per step: the command's round trip through Kafka, {@code input.json} to S3,
 * the agent process (a JVM: its start dominates), {@code result.json} read and verified, {@code logs.txt}
 * written, the events sent.
 *
 * <p>Baseline, measured in the same run on the same machine: the same agent process, launched directly by
 * {@link ProcessBuilder} with the same parallelism on an {@code input.json} written beforehand, with no Kafka and
 * no worker. The ratio of the two is the worker's overhead.
 */
public final class ExecutorBenchmark {

    /** The agent every step runs: reads its input, writes a result with provenance, no work. */
    public static final String NOOP_AGENT = "GL-TEST-NOOP";

    private static final String TENANT = "bench";

    /**
     * What to run.
     *
     * @param steps        steps to run (one command each)
     * @param parallel     {@code GL_MAX_PARALLEL_STEPS} of the worker, and the parallelism of the baseline
     * @param agentCommand the agent's command line without the agent id (both phases run exactly this)
     * @param timeout      how long the measured phase may take at most
     */
    public record Settings(int steps, int parallel, List<String> agentCommand, Duration timeout) {
        /** Validates. */
        public Settings {
            if (steps < 1 || parallel < 1) {
                throw new IllegalArgumentException("steps >= 1, parallel >= 1");
            }
            agentCommand = List.copyOf(agentCommand);
        }
    }

    /**
     * The figures.
     *
     * @param settings          what ran
     * @param workerSeconds     first command sent to last SUCCEEDED received
     * @param baselineSeconds   the same number of direct agent launches at the same parallelism
     */
    public record Result(Settings settings, double workerSeconds, double baselineSeconds) {

        /** Steps per second through the worker. */
        public double stepsPerSecond() {
            return settings.steps() / workerSeconds;
        }

        /** Agent launches per second without the platform. */
        public double baselinePerSecond() {
            return settings.steps() / baselineSeconds;
        }

        /** As JSON-ready map. */
        public Map<String, Object> toMap() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("benchmark", "executor");
            m.put("executor", "local process");
            m.put("agent", NOOP_AGENT);
            m.put("steps", settings.steps());
            m.put("parallel", settings.parallel());
            m.put("agent_command", settings.agentCommand());
            m.put("steps_per_sec", round(stepsPerSecond()));
            m.put("seconds_per_step_per_slot", round(settings.parallel() / stepsPerSecond()));
            m.put("baseline_direct_launches_per_sec", round(baselinePerSecond()));
            m.put("baseline_seconds_per_launch_per_slot", round(settings.parallel() / baselinePerSecond()));
            m.put("steps_per_sec_to_baseline", Math.round(stepsPerSecond() / baselinePerSecond() * 1000) / 1000.0);
            return m;
        }

        /** One line. */
        public String summary() {
            return String.format("executor (local process, %s, %d at once): %.2f steps/s (%.2f s per step per slot); "
                            + "direct launches of the same agent %.2f/s (%.2f s); ratio %.3f", NOOP_AGENT,
                    settings.parallel(), stepsPerSecond(), settings.parallel() / stepsPerSecond(),
                    baselinePerSecond(), settings.parallel() / baselinePerSecond(),
                    stepsPerSecond() / baselinePerSecond());
        }

        private static double round(double v) {
            return Math.round(v * 100) / 100.0;
        }
    }

    /** Progress lines. */
    public interface Progress {
        /** One line of progress. */
        void report(String message);
    }

    private final LocalStack stack;

    /** @param stack a started local stack (Kafka and S3 are used) */
    public ExecutorBenchmark(LocalStack stack) {
        this.stack = stack;
    }

    /** Runs the worker phase, then the baseline. */
    public Result run(Settings settings, Progress progress) throws Exception {
        String prefix = "gl-bench-" + UUID.randomUUID().toString().substring(0, 8) + "-";
        TopicCatalog catalog = TopicCatalog.withPrefix(prefix);
        Path stateDir = Files.createTempDirectory("gl-bench-worker-");
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                stack.kafkaBootstrapServers()))) {
            progress.report("creating topics " + prefix + "* ...");
            new TopicAdmin(admin, Duration.ofSeconds(60)).apply(List.of(catalog.stepCommands(), catalog.stepEvents()));
            GlConfig config = GlConfig.load(env(settings, stateDir), Optional.empty());
            try {
                progress.report("worker phase: " + settings.steps() + " steps of " + NOOP_AGENT + ", "
                        + settings.parallel() + " at once ...");
                double worker = workerPhase(settings, config, catalog, prefix);
                progress.report(String.format("  %.2f steps/s", settings.steps() / worker));
                progress.report("baseline: " + settings.steps() + " direct launches of the same agent ...");
                double baseline = baseline(settings, config);
                progress.report(String.format("  %.2f launches/s", settings.steps() / baseline));
                return new Result(settings, worker, baseline);
            } finally {
                admin.deleteTopics(catalog.all().stream().map(t -> t.name()).toList());
                LocalStack.deleteRecursively(stateDir);
            }
        }
    }

    private Map<String, String> env(Settings settings, Path stateDir) {
        Map<String, String> env = new HashMap<>();
        env.put(GlConfig.KAFKA_BOOTSTRAP_SERVERS, stack.kafkaBootstrapServers());
        env.put(GlConfig.S3_ENDPOINT, stack.s3Endpoint().toString());
        env.put(GlConfig.S3_REGION, stack.s3Region());
        env.put(GlConfig.S3_ACCESS_KEY_ID, stack.s3AccessKey());
        env.put(GlConfig.S3_SECRET_ACCESS_KEY, stack.s3SecretKey());
        env.put(GlConfig.S3_BUCKET, stack.bucketName());
        env.put(GlConfig.S3_USE_SSL, "false");
        env.put(GlConfig.WORKER_STATE_DIR, stateDir.toString());
        env.put(GlConfig.MAX_PARALLEL_STEPS, Integer.toString(settings.parallel()));
        env.put(GlConfig.SERVICE_NAME, "bench-executor-worker");
        env.put(GlConfig.AGENT_COMMAND, String.join(",", settings.agentCommand()));
        return env;
    }

    /** Returns the seconds from the first command sent to the last SUCCEEDED received. */
    private double workerPhase(Settings settings, GlConfig config, TopicCatalog catalog, String prefix)
            throws Exception {
        Set<String> pending = ConcurrentHashMap.newKeySet();
        try (LocalProcessExecutor executor = LocalProcessExecutor.fromConfig(config);
             ArtifactStore store = ArtifactStore.fromConfig(config, new GlMeters(new SimpleMeterRegistry()));
             StepWorker worker = StepWorker.create(config, catalog, prefix + "worker", executor, store,
                     new GlMeters(new SimpleMeterRegistry())).start();
             KafkaConsumer<String, StepEvent> events = new KafkaConsumer<>(Map.of(
                     ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.kafkaBootstrapServers(),
                     ConsumerConfig.GROUP_ID_CONFIG, prefix + "observer",
                     ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                     ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"),
                     catalog.stepEvents().keySerde().deserializer(), catalog.stepEvents().valueSerde().deserializer());
             KafkaProducer<String, StepCommand> commands = new KafkaProducer<>(Map.of(
                     ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.kafkaBootstrapServers(),
                     ProducerConfig.ACKS_CONFIG, "all"),
                     catalog.stepCommands().keySerde().serializer(), catalog.stepCommands().valueSerde().serializer())) {
            events.subscribe(List.of(catalog.stepEvents().name()));
            long readyBy = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (!worker.isReady() && System.nanoTime() < readyBy) {
                events.poll(Duration.ofMillis(100));
            }
            long start = System.nanoTime();
            for (int i = 0; i < settings.steps(); i++) {
                String runId = UUID.randomUUID().toString();
                pending.add(runId);
                commands.send(new ProducerRecord<>(catalog.stepCommands().name(), runId, command(runId)));
            }
            commands.flush();
            long deadline = start + settings.timeout().toNanos();
            int done = 0;
            while (done < settings.steps()) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("only " + done + " of " + settings.steps()
                            + " steps succeeded within " + settings.timeout().toSeconds() + " s");
                }
                for (ConsumerRecord<String, StepEvent> record : events.poll(Duration.ofMillis(100))) {
                    StepEvent event = record.value();
                    if (event.getKind() == StepEventKind.FAILED) {
                        throw new IllegalStateException("step of run " + event.getRunId() + " failed: "
                                + event.getErrorCode() + " " + event.getErrorMessage());
                    }
                    if (event.getKind() == StepEventKind.SUCCEEDED && pending.remove(event.getRunId())) {
                        done++;
                    }
                }
            }
            return (System.nanoTime() - start) / 1e9;
        }
    }

    private static StepCommand command(String runId) {
        return StepCommand.newBuilder()
                .setMeta(EventMeta.newBuilder().setEventId(UUID.randomUUID().toString()).setOccurredAt(Instant.now())
                        .setTenantId(TENANT)
                        .setProducer(Producer.newBuilder().setService("bench").setInstance("bench").build()).build())
                .setRunId(runId)
                .setStep("noop")
                .setAttempt(1)
                .setAction(StepAction.START)
                .setAgent(NOOP_AGENT)
                .setTimeoutSeconds(120)
                .setResources(Resources.newBuilder().setCpu("500m").setMemory("512Mi").build())
                .setIdempotencyKey(runId + "/noop/1/start")
                .build();
    }

    /** Launches the agent directly {@code steps} times, {@code parallel} at once; returns the seconds taken. */
    private double baseline(Settings settings, GlConfig config) throws Exception {
        List<Map<String, String>> launches = new ArrayList<>();
        try (ArtifactStore store = ArtifactStore.fromConfig(config, new GlMeters(new SimpleMeterRegistry()))) {
            for (int i = 0; i < settings.steps(); i++) {
                String runId = UUID.randomUUID().toString();
                S3Location folder = ArtifactLayout.stepFolder(config.s3Bucket(), TENANT, runId, "baseline", 1);
                RunContext context = new RunContext(RunContext.API_VERSION, runId, "baseline", 1, TENANT, NOOP_AGENT,
                        Map.of(), Map.of(), folder.uri(), Instant.now().plusSeconds(120), 120, runId);
                S3Location input = folder.resolve(ArtifactLayout.INPUT_FILE);
                store.put(input, context.toJsonBytes(), "application/json");
                Map<String, String> env = new HashMap<>();
                env.put(StepWorker.INPUT_URI_ENV, input.uri());
                env.put(StepWorker.OUTPUT_URI_ENV, folder.uri());
                env.put(StepWorker.AGENT_ID_ENV, NOOP_AGENT);
                env.put(GlConfig.S3_ENDPOINT, stack.s3Endpoint().toString());
                env.put(GlConfig.S3_REGION, stack.s3Region());
                env.put(GlConfig.S3_ACCESS_KEY_ID, stack.s3AccessKey());
                env.put(GlConfig.S3_SECRET_ACCESS_KEY, stack.s3SecretKey());
                env.put(GlConfig.S3_BUCKET, stack.bucketName());
                launches.add(env);
            }
        }
        List<String> command = new ArrayList<>(settings.agentCommand());
        command.add(NOOP_AGENT);
        Path log = Files.createTempFile("gl-bench-baseline-", ".log");
        ExecutorService pool = Executors.newFixedThreadPool(settings.parallel());
        try {
            long start = System.nanoTime();
            List<Future<Integer>> exits = new ArrayList<>();
            for (Map<String, String> env : launches) {
                exits.add(pool.submit(() -> {
                    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                            .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
                    builder.environment().putAll(env);
                    return builder.start().waitFor();
                }));
            }
            for (Future<Integer> exit : exits) {
                int code = exit.get();
                if (code != 0) {
                    throw new IllegalStateException("a direct launch of " + NOOP_AGENT + " exited with " + code + ": "
                            + Files.readString(log, StandardCharsets.UTF_8));
                }
            }
            return (System.nanoTime() - start) / 1e9;
        } finally {
            pool.shutdownNow();
            Files.deleteIfExists(log);
        }
    }
}
