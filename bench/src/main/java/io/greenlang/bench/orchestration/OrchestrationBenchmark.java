package io.greenlang.bench.orchestration;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;

import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.streams.StreamsConfig;

import io.greenlang.bench.measure.TailTimeline;
import io.greenlang.common.config.PolicyAction;
import io.greenlang.events.common.EventMeta;
import io.greenlang.events.common.Producer;
import io.greenlang.events.run.RunRequested;
import io.greenlang.events.run.RunState;
import io.greenlang.events.run.RunStatus;
import io.greenlang.events.run.StepAction;
import io.greenlang.events.run.StepCommand;
import io.greenlang.events.run.StepEvent;
import io.greenlang.events.run.StepEventKind;
import io.greenlang.executor.sim.SimulatedBehavior;
import io.greenlang.executor.sim.SimulatedExecutor;
import io.greenlang.pipeline.PipelineCompiler;
import io.greenlang.pipeline.PlannedStep;
import io.greenlang.pipeline.RunPlan;
import io.greenlang.pipeline.policy.PolicyEngines;
import io.greenlang.streams.orchestrator.OrchestratorMetrics;
import io.greenlang.streams.orchestrator.OrchestratorSettings;
import io.greenlang.streams.orchestrator.RunOrchestratorApp;
import io.greenlang.streams.orchestrator.RunPlanner;
import io.greenlang.topics.TopicAdmin;
import io.greenlang.topics.Topic;
import io.greenlang.topics.TopicCatalog;

/**
 * The orchestration benchmark ({@code gl bench orchestration}): the run orchestrator (exactly-once) and an
 * instant {@link SimulatedExecutor} on one broker, N runs of a 10-step DAG requested at once, measured from the
 * outside by a {@code read_committed} observer:
 * <ul>
 *   <li><b>steps/s</b>: steps of the measured runs / time from the first request sent to the last run seen
 *       SUCCEEDED on {@code gl.run.state};</li>
 *   <li><b>scheduling overhead</b>, per step that has dependencies: from the record timestamp of the last of its
 *       dependencies' SUCCEEDED events (set by the executor when it sent it) to the moment the observer received
 *       the step's START command. It includes both transactions' commit latency (the executor's, the
 *       orchestrator's), the orchestrator's processing and queueing, and one consumer fetch;</li>
 *   <li><b>run latency</b>: request sent to run SUCCEEDED seen.</li>
 * </ul>
 * Topics carry a fresh prefix, so a run against a shared cluster touches nothing else; a warm-up batch runs
 * first so that start-up and first assignments are not measured.
 */
public final class OrchestrationBenchmark {

    /** The steps of the DAG and their dependencies (s01 -> (s02, s03, s04) -> ... -> s10). */
    static final Map<String, List<String>> DAG = dag();
    /** Steps of each run. */
    public static final int STEPS_PER_RUN = DAG.size();
    /** The steps in DAG order; the observer keeps a run's times in arrays indexed by this order. */
    private static final List<String> STEP_NAMES = List.copyOf(DAG.keySet());
    /** For each step (by index), the indexes of its dependencies. */
    private static final int[][] DEPENDENCIES = STEP_NAMES.stream()
            .map(step -> DAG.get(step).stream().mapToInt(STEP_NAMES::indexOf).toArray()).toArray(int[][]::new);

    /** The DAG as a GLIP v1 document, for the compiling planner. */
    static final String PIPELINE = """
            apiVersion: greenlang.io/v1
            kind: Pipeline
            metadata:
              name: bench-ten-steps
            spec:
              defaults:
                timeout_seconds: 600
                retries: 0
              steps:
                - {name: s01, agent: GL-BENCH-001}
                - {name: s02, agent: GL-BENCH-001, depends_on: [s01]}
                - {name: s03, agent: GL-BENCH-001, depends_on: [s01]}
                - {name: s04, agent: GL-BENCH-001, depends_on: [s01]}
                - {name: s05, agent: GL-BENCH-001, depends_on: [s02, s03]}
                - {name: s06, agent: GL-BENCH-001, depends_on: [s03, s04]}
                - {name: s07, agent: GL-BENCH-001, depends_on: [s05, s06]}
                - {name: s08, agent: GL-BENCH-001, depends_on: [s07]}
                - {name: s09, agent: GL-BENCH-001, depends_on: [s07]}
                - {name: s10, agent: GL-BENCH-001, depends_on: [s08, s09], inputs: {upstream: "${steps.s08.outputs.result}"}}
            """;

    /** Runs are spread round robin over this many tenants named {@code bench-0}, {@code bench-1}, ... */
    private static final String TENANT_PREFIX = "bench-";
    private static final int WARMUP_BATCH = 100;
    /**
     * Pause between the throughput phase and the latency phase, so that the latency phase measures the steady state
     * rather than the digestion of the burst: the stores' flushes and compactions, the broker's log cleaner on the
     * compacted topics, a concurrent collection of the heap. Without it, one run in three lost its first 2-3
     * seconds to a stall of up to 170 ms.
     */
    static final Duration SETTLE = Duration.ofSeconds(10);
    /** Scheduling overheads above this count as slow in {@link Phase#overheadTail()} (the p99 target). */
    static final long TAIL_THRESHOLD_MS = 50;

    /**
     * What to run.
     *
     * @param runs             runs of the throughput phase, all requested at once
     * @param warmup           how long to run batches of runs before measuring (JIT, caches, first assignments)
     * @param pacedRuns        runs of the latency phase, requested at {@code pacedRunsPerSecond}
     * @param pacedRunsPerSecond request rate of the latency phase
     * @param commitIntervalMs the orchestrator's {@code commit.interval.ms}
     * @param partitions       partitions of each run topic (the catalog's {@link TopicCatalog#RUN_PARTITIONS} by
     *                         default); a deployment sizes them to its stream threads
     * @param compilePlans     plan with the real compiler from {@link #PIPELINE} (else build the plan in code)
     * @param timeout          how long one phase may take at most
     * @param tenants          tenants the runs are spread over, round robin; each tenant has at most
     *                         {@code GL_MAX_TENANT_PARALLEL_STEPS} (100) steps in flight, so with one tenant the
     *                         throughput phase measures that quota rather than the orchestrator
     * @param streamsOverrides further Kafka Streams settings of the orchestrator, over its own defaults
     */
    public record Settings(int runs, Duration warmup, int pacedRuns, double pacedRunsPerSecond, int commitIntervalMs,
                           int partitions, boolean compilePlans, Duration timeout, int tenants,
                           Map<String, String> streamsOverrides) {

        /** Validates. */
        public Settings {
            if (runs < 1 || pacedRuns < 0 || pacedRunsPerSecond <= 0 || commitIntervalMs < 1 || partitions < 1
                    || tenants < 1) {
                throw new IllegalArgumentException("runs >= 1, paced runs >= 0, paced rate > 0, commit interval >= 1 "
                        + "ms, partitions >= 1, tenants >= 1");
            }
            Objects.requireNonNull(warmup, "warmup");
            Objects.requireNonNull(timeout, "timeout");
            streamsOverrides = Map.copyOf(streamsOverrides);
        }

        /** Settings without further Streams settings. */
        public Settings(int runs, Duration warmup, int pacedRuns, double pacedRunsPerSecond, int commitIntervalMs,
                        int partitions, boolean compilePlans, Duration timeout, int tenants) {
            this(runs, warmup, pacedRuns, pacedRunsPerSecond, commitIntervalMs, partitions, compilePlans, timeout,
                    tenants, Map.of());
        }
    }

    /** Percentiles of a sample, in milliseconds. */
    public record Distribution(int samples, double p50, double p90, double p99, double max) {

        static Distribution of(List<Long> values) {
            if (values.isEmpty()) {
                return new Distribution(0, 0, 0, 0, 0);
            }
            long[] sorted = values.stream().mapToLong(Long::longValue).sorted().toArray();
            return new Distribution(sorted.length, percentile(sorted, 50), percentile(sorted, 90),
                    percentile(sorted, 99), sorted[sorted.length - 1]);
        }

        /** Nearest-rank percentile. */
        private static double percentile(long[] sorted, double p) {
            int rank = (int) Math.ceil(p / 100.0 * sorted.length);
            return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
        }

        Map<String, Object> toMap() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("samples", samples);
            m.put("p50", p50);
            m.put("p90", p90);
            m.put("p99", p99);
            m.put("max", max);
            return m;
        }
    }

    /**
     * One measured phase.
     *
     * @param runs           runs measured
     * @param elapsedNanos   first request sent to last run seen SUCCEEDED
     * @param overheadMs     scheduling overhead: last dependency's SUCCEEDED sent -> START visible
     * @param overheadTail   where in the phase the overheads over {@value #TAIL_THRESHOLD_MS} ms fell, by the second
     *                       the START became visible
     * @param executorCommitMs of which: SUCCEEDED sent -> visible (the executor's transaction)
     * @param orchestratorMs of which: SUCCEEDED visible -> next START visible (the orchestrator)
     * @param pickupMs       of that: SUCCEEDED visible -> START written (the orchestrator's fetch, queueing and
     *                       processing; the START's timestamp is the stream thread's clock when it processed the event)
     * @param orchestratorCommitMs of that: START written -> visible (waiting for the orchestrator's transaction to
     *                       commit, the commit, and the observer's fetch)
     * @param runLatencyMs   request sent -> run SUCCEEDED visible
     * @param orchestratorCommits transactions the orchestrator committed in the phase
     * @param executorTransactions transactions the simulated executor committed in the phase
     * @param streamThread   the stream thread's own figures at the end of the phase ({@link #THREAD_FIGURES}: where
     *                       its time went, and its commits' latency, over Streams' metrics window)
     */
    public record Phase(int runs, long elapsedNanos, Distribution overheadMs, TailTimeline overheadTail,
                        Distribution executorCommitMs,
                        Distribution orchestratorMs, Distribution pickupMs, Distribution orchestratorCommitMs,
                        Distribution runLatencyMs, long orchestratorCommits, long executorTransactions,
                        Map<String, Double> streamThread) {

        /** Steps of the phase. */
        public long steps() {
            return (long) runs * DAG.size();
        }

        /** Steps per second over the phase. */
        public double stepsPerSecond() {
            return steps() * 1e9 / elapsedNanos;
        }

        Map<String, Object> toMap() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("runs", runs);
            m.put("steps", steps());
            m.put("elapsed_ms", TimeUnit.NANOSECONDS.toMillis(elapsedNanos));
            m.put("steps_per_sec", Math.round(stepsPerSecond()));
            m.put("scheduling_overhead_ms", overheadMs.toMap());
            m.put("seconds_with_overhead_over_" + TAIL_THRESHOLD_MS + "_ms", overheadTail.secondsOverThreshold()
                    + " of " + overheadTail.secondsRecorded());
            m.put("slowest_seconds", overheadTail.worst(10));
            m.put("of_which_executor_commit_ms", executorCommitMs.toMap());
            m.put("of_which_orchestrator_ms", orchestratorMs.toMap());
            m.put("of_which_orchestrator_pickup_ms", pickupMs.toMap());
            m.put("of_which_orchestrator_commit_ms", orchestratorCommitMs.toMap());
            m.put("run_latency_ms", runLatencyMs.toMap());
            m.put("orchestrator_transactions", orchestratorCommits);
            m.put("executor_transactions", executorTransactions);
            m.put("stream_thread", streamThread);
            return m;
        }
    }

    /**
     * What was measured: the throughput phase (all runs at once: steps/s; its overhead is mostly queueing) and
     * the latency phase (runs at a steady rate below capacity: the scheduling overhead proper).
     */
    public record Result(Settings settings, Phase throughput, Phase paced, int warmupRuns) {

        /** The figures as a JSON-friendly map. */
        public Map<String, Object> toMap() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("steps_per_run", DAG.size());
            m.put("warmup_runs", warmupRuns);
            m.put("throughput_phase", throughput.toMap());
            Map<String, Object> latency = paced == null ? Map.of() : paced.toMap();
            if (paced != null) {
                latency = new LinkedHashMap<>(latency);
                latency.put("requested_runs_per_sec", settings.pacedRunsPerSecond());
                latency.put("requested_steps_per_sec", settings.pacedRunsPerSecond() * DAG.size());
            }
            m.put("latency_phase", latency);
            m.put("commit_interval_ms", settings.commitIntervalMs());
            m.put("partitions", settings.partitions());
            m.put("tenants", settings.tenants());
            m.put("planner", settings.compilePlans() ? "PipelineCompiler" : "plan built in code");
            m.put("policy", "PolicyEngines.defaultOnly(ALLOW)");
            m.put("processing_guarantee", settings.streamsOverrides()
                    .getOrDefault(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2));
            m.put("streams_overrides", new TreeMap<>(settings.streamsOverrides()));
            m.put("executor", "SimulatedExecutor, instant, transactional");
            return m;
        }
    }

    /** Receives progress messages. */
    @FunctionalInterface
    public interface Progress {
        /** One line of progress. */
        void report(String message);
    }

    private final String bootstrapServers;

    /** Measures against the broker at {@code bootstrapServers}. */
    public OrchestrationBenchmark(String bootstrapServers) {
        this.bootstrapServers = bootstrapServers;
    }

    /** Runs the benchmark. */
    public Result run(Settings settings, Progress progress) throws Exception {
        String prefix = "gl-bench-" + UUID.randomUUID().toString().substring(0, 8) + "-";
        TopicCatalog catalog = TopicCatalog.withPrefix(prefix);
        Path stateDir = Files.createTempDirectory("gl-bench-orchestrator-");
        Map<String, Object> client = Map.of(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        try (Admin admin = Admin.create(client)) {
            progress.report("creating topics " + prefix + "* ...");
            List<Topic<?, ?>> topics = new ArrayList<>();
            for (Topic<?, ?> runTopic : List.of(catalog.runRequests(), catalog.runCommands(), catalog.stepEvents(),
                    catalog.stepCommands(), catalog.runEvents(), catalog.runState(), catalog.policyDecisions())) {
                topics.add(runTopic.toBuilder().partitions(settings.partitions()).build());
            }
            topics.add(catalog.deadLetters());
            new TopicAdmin(admin, Duration.ofSeconds(60)).apply(topics);
            try {
                return measure(settings, progress, catalog, stateDir, client, prefix);
            } finally {
                admin.deleteTopics(catalog.all().stream().map(t -> t.name()).toList());
                deleteRecursively(stateDir);
            }
        }
    }

    private Result measure(Settings settings, Progress progress, TopicCatalog catalog, Path stateDir,
                           Map<String, Object> client, String prefix) throws Exception {
        RunPlanner planner = settings.compilePlans() ? RunPlanner.compiling(new PipelineCompiler())
                : request -> planInCode(request.getMeta().getTenantId());
        OrchestratorMetrics metrics = OrchestratorMetrics.unregistered();
        Map<String, Object> streams = new HashMap<>(RunOrchestratorApp.defaultStreamsOverrides(stateDir));
        streams.put(StreamsConfig.APPLICATION_ID_CONFIG, prefix + RunOrchestratorApp.APPLICATION_ID);
        streams.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        streams.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, settings.commitIntervalMs());
        streams.putAll(settings.streamsOverrides());
        Observer observer = new Observer(catalog, prefix + "observer");
        Thread observerThread = new Thread(observer, "bench-observer");
        observerThread.setDaemon(true);
        try (SimulatedExecutor executor = new SimulatedExecutor(client, catalog, prefix + "executor",
                prefix + "executor", SimulatedBehavior.instant()).start();
             RunOrchestratorApp orchestrator = new RunOrchestratorApp(streams, catalog, planner,
                     PolicyEngines.defaultOnly(PolicyAction.ALLOW),
                     OrchestratorSettings.defaults().withInstance("bench"), metrics);
             KafkaProducer<String, RunRequested> requests = new KafkaProducer<>(producerProps(),
                     catalog.runRequests().keySerde().serializer(), catalog.runRequests().valueSerde().serializer())) {
            observerThread.start();
            orchestrator.start();
            if (!orchestrator.awaitRunning(Duration.ofSeconds(60))) {
                throw new IllegalStateException("the orchestrator did not reach RUNNING within 60 s");
            }
            int warmupRuns = 0;
            long warmupEnd = System.nanoTime() + settings.warmup().toNanos();
            if (!settings.warmup().isZero()) {
                progress.report("warm-up: batches of " + WARMUP_BATCH + " runs for " + settings.warmup().toSeconds()
                        + " s ...");
            }
            while (System.nanoTime() < warmupEnd) {
                List<String> batch = runIds(WARMUP_BATCH);
                send(requests, catalog, batch, observer, 0, settings.tenants());
                awaitDone(observer, batch, settings.timeout());
                observer.forget(batch);
                warmupRuns += batch.size();
            }

            progress.report("throughput phase: " + settings.runs() + " runs of " + DAG.size() + " steps at once ...");
            Phase throughput = phase(settings.runs(), 0, settings, observer, requests, catalog, orchestrator,
                    executor);
            progress.report(String.format("  %,.0f steps/s", throughput.stepsPerSecond()));
            Phase paced = null;
            if (settings.pacedRuns() > 0) {
                progress.report("settling for " + SETTLE.toSeconds() + " s ...");
                // Pacing the benchmark, not waiting for a condition.
                Thread.sleep(SETTLE.toMillis());
                progress.report(String.format("latency phase: %d runs at %.0f runs/s ...", settings.pacedRuns(),
                        settings.pacedRunsPerSecond()));
                paced = phase(settings.pacedRuns(), settings.pacedRunsPerSecond(), settings, observer, requests,
                        catalog, orchestrator, executor);
                progress.report(String.format("  overhead p50 %.0f ms, p99 %.0f ms", paced.overheadMs().p50(),
                        paced.overheadMs().p99()));
            }
            return new Result(settings, throughput, paced, warmupRuns);
        } finally {
            observer.stop();
            observerThread.join(10_000);
        }
    }

    private static Phase phase(int runs, double runsPerSecond, Settings settings, Observer observer,
                               KafkaProducer<String, RunRequested> requests, TopicCatalog catalog,
                               RunOrchestratorApp orchestrator, SimulatedExecutor executor)
            throws InterruptedException {
        List<String> ids = runIds(runs);
        long txnsBefore = executor.transactions();
        double commitsBefore = orchestrator.threadMetrics().getOrDefault("commit-total", 0.0);
        long start = System.nanoTime();
        long startMs = System.currentTimeMillis();
        send(requests, catalog, ids, observer, runsPerSecond, settings.tenants());
        long end = awaitDone(observer, ids, settings.timeout());
        long commits = Math.round(orchestrator.threadMetrics().getOrDefault("commit-total", 0.0) - commitsBefore);
        List<RunTimes> seen = observer.forget(ids);
        List<Overhead> fromSent = overheads(seen, false);
        List<Overhead> fromVisible = overheads(seen, true);
        return new Phase(runs, end - start, Distribution.of(fromSent.stream().map(Overhead::ms).toList()),
                overheadTail(fromSent, startMs), Distribution.of(eventCommitLags(seen)),
                Distribution.of(fromVisible.stream().map(Overhead::ms).toList()),
                Distribution.of(fromVisible.stream().map(Overhead::pickupMs).toList()),
                Distribution.of(fromVisible.stream().map(Overhead::commitMs).toList()),
                Distribution.of(seen.stream().map(r -> r.finishedMs - r.requestedMs).toList()), commits,
                executor.transactions() - txnsBefore, threadFigures(orchestrator));
    }

    /** The stream thread's figures a phase reports: shares of its time, and commit and punctuation latencies (ms). */
    static final List<String> THREAD_FIGURES = List.of("poll-ratio", "process-ratio", "punctuate-ratio", "commit-ratio",
            "commit-latency-avg", "commit-latency-max", "punctuate-latency-avg", "punctuate-latency-max");

    private static Map<String, Double> threadFigures(RunOrchestratorApp orchestrator) {
        Map<String, Double> all = orchestrator.threadMetrics();
        Map<String, Double> figures = new LinkedHashMap<>();
        for (String name : THREAD_FIGURES) {
            Double value = all.get(name);
            if (value != null) {
                figures.put(name, Math.round(value * 1000) / 1000.0);
            }
        }
        return figures;
    }

    private Map<String, Object> producerProps() {
        Map<String, Object> props = new HashMap<>();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        return props;
    }

    private static List<String> runIds(int n) {
        List<String> ids = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            ids.add(UUID.randomUUID().toString());
        }
        return ids;
    }

    /** Requests the runs: all at once ({@code runsPerSecond} 0), or one every 1/{@code runsPerSecond} s. */
    private static void send(KafkaProducer<String, RunRequested> producer, TopicCatalog catalog, List<String> runIds,
                             Observer observer, double runsPerSecond, int tenants) {
        long start = System.nanoTime();
        for (int i = 0; i < runIds.size(); i++) {
            if (runsPerSecond > 0) {
                // Pacing a load generator, not waiting for a condition.
                LockSupport.parkNanos(start + (long) (i * 1e9 / runsPerSecond) - System.nanoTime());
            }
            String runId = runIds.get(i);
            observer.track(runId, System.currentTimeMillis());
            producer.send(new ProducerRecord<>(catalog.runRequests().name(), runId, RunRequested.newBuilder()
                    .setMeta(EventMeta.newBuilder().setEventId(UUID.randomUUID().toString())
                            .setOccurredAt(Instant.now()).setTenantId(TENANT_PREFIX + (i % tenants))
                            .setProducer(Producer.newBuilder().setService("bench").setInstance("bench").build())
                            .build())
                    .setRunId(runId)
                    .setPipelineName("bench-ten-steps")
                    .setPipelineNamespace("default")
                    .setPipelineYaml(PIPELINE)
                    .setIdempotencyKey(runId)
                    .setRequestedBy("bench")
                    .build()));
            if (runsPerSecond > 0) {
                producer.flush();
            }
        }
        producer.flush();
    }

    /** Waits until every run is seen SUCCEEDED; returns System.nanoTime() of the last one. */
    private static long awaitDone(Observer observer, List<String> runIds, Duration timeout)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            int done = 0;
            long last = Long.MIN_VALUE;
            synchronized (observer) {
                observer.wait(100);
                for (String runId : runIds) {
                    RunTimes run = observer.runs.get(runId);
                    if (run != null && run.finished) {
                        done++;
                        last = Math.max(last, run.finishedNanos);
                    }
                }
            }
            if (done == runIds.size()) {
                return last;
            }
            if (observer.failure != null) {
                throw new IllegalStateException("the observer failed", observer.failure);
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(done + " of " + runIds.size() + " runs SUCCEEDED within " + timeout);
            }
        }
    }

    /** SUCCEEDED event sent -> visible to a read_committed reader: the executor's transaction commit. */
    private static List<Long> eventCommitLags(List<RunTimes> runs) {
        List<Long> lags = new ArrayList<>();
        for (RunTimes run : runs) {
            for (int i = 0; i < STEPS_PER_RUN; i++) {
                if (run.succeededAtMs[i] != 0 && run.succeededVisibleMs[i] != 0) {
                    lags.add(Math.max(0, run.succeededVisibleMs[i] - run.succeededAtMs[i]));
                }
            }
        }
        return lags;
    }

    /** The scheduling overheads placed at the second of the phase (from {@code startMs}) their START became visible. */
    private static TailTimeline overheadTail(List<Overhead> overheads, long startMs) {
        TailTimeline tail = new TailTimeline(TAIL_THRESHOLD_MS);
        for (Overhead overhead : overheads) {
            tail.record(overhead.visibleMs() - startMs, overhead.ms());
        }
        return tail;
    }

    /**
     * A step's START, written by the orchestrator at {@code writtenMs} and visible at {@code visibleMs}, {@code ms}
     * after the step was ready.
     */
    private record Overhead(long writtenMs, long visibleMs, long ms) {

        /** Ready -> START written: the orchestrator's fetch, queueing and processing. */
        long pickupMs() {
            return Math.max(0, ms - commitMs());
        }

        /** START written -> visible: the orchestrator's transaction commit, and one fetch. */
        long commitMs() {
            return Math.max(0, visibleMs - writtenMs);
        }
    }

    /**
     * The overhead of every step with dependencies, from the last dependency's SUCCEEDED sent (its record timestamp)
     * or, with {@code fromVisible}, from the moment the observer saw it.
     */
    private static List<Overhead> overheads(List<RunTimes> runs, boolean fromVisible) {
        List<Overhead> overheads = new ArrayList<>();
        for (RunTimes run : runs) {
            for (int i = 0; i < STEPS_PER_RUN; i++) {
                if (DEPENDENCIES[i].length == 0 || run.startVisibleMs[i] == 0) {
                    continue;
                }
                long ready = 0;
                for (int dependency : DEPENDENCIES[i]) {
                    long at = fromVisible ? run.succeededVisibleMs[dependency] : run.succeededAtMs[dependency];
                    ready = at == 0 || ready == -1 ? -1 : Math.max(ready, at);
                }
                if (ready > 0) {
                    overheads.add(new Overhead(run.startWrittenMs[i], run.startVisibleMs[i],
                            Math.max(0, run.startVisibleMs[i] - ready)));
                }
            }
        }
        return overheads;
    }

    private static RunPlan planInCode(String tenant) {
        List<PlannedStep> steps = new ArrayList<>();
        for (Map.Entry<String, List<String>> step : DAG.entrySet()) {
            steps.add(new PlannedStep(step.getKey(), "GL-BENCH-001", null, List.of(), step.getValue(), Map.of(), 600,
                    0, new io.greenlang.pipeline.StepResources("1", "2Gi"), null, "bench-" + step.getKey()));
        }
        return new RunPlan("bench-ten-steps", "default", tenant, Map.of(), Map.of(), steps,
                List.of(List.copyOf(DAG.keySet())), List.of("s10"), "bench");
    }

    private static Map<String, List<String>> dag() {
        Map<String, List<String>> dag = new LinkedHashMap<>();
        dag.put("s01", List.of());
        dag.put("s02", List.of("s01"));
        dag.put("s03", List.of("s01"));
        dag.put("s04", List.of("s01"));
        dag.put("s05", List.of("s02", "s03"));
        dag.put("s06", List.of("s03", "s04"));
        dag.put("s07", List.of("s05", "s06"));
        dag.put("s08", List.of("s07"));
        dag.put("s09", List.of("s07"));
        dag.put("s10", List.of("s08", "s09"));
        return java.util.Collections.unmodifiableMap(dag);
    }

    private static void deleteRecursively(Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    /**
     * What the observer saw of one run, in wall-clock ms (0: not seen); the arrays are indexed by {@link #STEP_NAMES}.
     * One object with a few arrays per run, so that what the benchmark keeps does not itself lengthen the
     * garbage collector's pauses in the JVM it measures.
     */
    private static final class RunTimes {
        final long requestedMs;
        /** START command visible. */
        final long[] startVisibleMs = new long[STEPS_PER_RUN];
        /** START command's timestamp: when the orchestrator wrote it. */
        final long[] startWrittenMs = new long[STEPS_PER_RUN];
        /** SUCCEEDED event's timestamp: when the executor sent it. */
        final long[] succeededAtMs = new long[STEPS_PER_RUN];
        /** SUCCEEDED event visible. */
        final long[] succeededVisibleMs = new long[STEPS_PER_RUN];
        boolean finished;
        long finishedMs;
        long finishedNanos;

        RunTimes(long requestedMs) {
            this.requestedMs = requestedMs;
        }
    }

    /**
     * A {@code read_committed} consumer of step commands, step events and run state that notes when it saw what, for
     * the runs it was told to {@link #track}. Guarded by its own monitor, which also signals finished runs.
     */
    private final class Observer implements Runnable {
        final Map<String, RunTimes> runs = new HashMap<>();
        private final TopicCatalog catalog;
        private final String group;
        private volatile boolean running = true;
        private volatile Exception failure;

        Observer(TopicCatalog catalog, String group) {
            this.catalog = catalog;
            this.group = group;
        }

        synchronized void track(String runId, long requestedMs) {
            runs.put(runId, new RunTimes(requestedMs));
        }

        /** Stops tracking the runs; returns what was seen of them. */
        synchronized List<RunTimes> forget(List<String> runIds) {
            List<RunTimes> seen = new ArrayList<>(runIds.size());
            for (String runId : runIds) {
                RunTimes run = runs.remove(runId);
                if (run != null) {
                    seen.add(run);
                }
            }
            return seen;
        }

        void stop() {
            running = false;
        }

        @Override
        public void run() {
            Map<String, Object> props = new HashMap<>();
            props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
            props.put(ConsumerConfig.GROUP_ID_CONFIG, group);
            props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
            props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
            props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
            String commands = catalog.stepCommands().name();
            String events = catalog.stepEvents().name();
            String states = catalog.runState().name();
            try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(),
                    new ByteArrayDeserializer())) {
                consumer.subscribe(Arrays.asList(commands, events, states));
                while (running) {
                    var records = consumer.poll(Duration.ofMillis(100));
                    long nowMs = System.currentTimeMillis();
                    long nowNanos = System.nanoTime();
                    synchronized (this) {
                        boolean finishedRun = false;
                        for (ConsumerRecord<byte[], byte[]> record : records) {
                            finishedRun |= note(record, commands, events, nowMs, nowNanos);
                        }
                        if (finishedRun) {
                            notifyAll();
                        }
                    }
                }
            } catch (RuntimeException e) {
                failure = e;
            }
        }

        /** Notes what {@code record} shows of a tracked run; true when it shows the run SUCCEEDED. */
        private boolean note(ConsumerRecord<byte[], byte[]> record, String commands, String events, long nowMs,
                             long nowNanos) {
            RunTimes run = record.key() == null ? null : runs.get(new String(record.key(), StandardCharsets.UTF_8));
            if (run == null) {
                return false;
            }
            if (record.topic().equals(commands)) {
                StepCommand c = catalog.stepCommands().valueSerde().deserializer()
                        .deserialize(commands, record.value());
                int step = STEP_NAMES.indexOf(c.getStep());
                if (c.getAction() == StepAction.START && step >= 0 && run.startVisibleMs[step] == 0) {
                    run.startVisibleMs[step] = nowMs;
                    run.startWrittenMs[step] = record.timestamp();
                }
            } else if (record.topic().equals(events)) {
                StepEvent e = catalog.stepEvents().valueSerde().deserializer().deserialize(events, record.value());
                int step = STEP_NAMES.indexOf(e.getStep());
                if (e.getKind() == StepEventKind.SUCCEEDED && step >= 0 && run.succeededVisibleMs[step] == 0) {
                    run.succeededAtMs[step] = record.timestamp();
                    run.succeededVisibleMs[step] = nowMs;
                }
            } else {
                RunState s = catalog.runState().valueSerde().deserializer().deserialize(record.topic(),
                        record.value());
                if (s.getStatus() == RunStatus.SUCCEEDED && !run.finished) {
                    run.finished = true;
                    run.finishedMs = nowMs;
                    run.finishedNanos = nowNanos;
                    return true;
                }
            }
            return false;
        }
    }
}
