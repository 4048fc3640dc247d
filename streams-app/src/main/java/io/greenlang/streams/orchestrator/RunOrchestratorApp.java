package io.greenlang.streams.orchestrator;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;

import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;

import io.greenlang.common.config.GlConfig;
import io.greenlang.common.kafka.KafkaClients;
import io.greenlang.pipeline.PipelineCompiler;
import io.greenlang.pipeline.policy.PolicyEngine;
import io.greenlang.pipeline.policy.PolicyEngines;
import io.greenlang.streams.errors.DeadLetters;
import io.greenlang.streams.runtime.StreamsService;
import io.greenlang.topics.TopicCatalog;

/**
 * The run orchestrator as a running Kafka Streams application ({@code application.id}
 * {@value #APPLICATION_ID}): {@link RunOrchestratorTopology} with exactly-once, the dead-letter handlers, a state
 * directory, and a lifecycle ({@link #start()}, {@link #close()}). Used by the service's main, {@code gl local up}
 * and {@code gl demo}.
 *
 * <pre>{@code
 * GlConfig config = GlConfig.load(System.getenv(), Optional.empty());
 * try (RunOrchestratorApp app = RunOrchestratorApp.fromConfig(config, TopicCatalog.standard(),
 *         Path.of("/var/lib/greenlang/streams"), new OrchestratorMetrics(new GlMeters(registry)))) {
 *     app.start();
 *     ...
 * }
 * }</pre>
 *
 * <p><b>Commit interval.</b> Under exactly-once, a record written by the orchestrator becomes visible to
 * {@code read_committed} readers (the executors) only when the transaction commits, every
 * {@code commit.interval.ms}; so the wait for the next commit, and the commit itself, are added to every step
 * hand-off. Streams' exactly-once default of 100 ms favours throughput; the orchestrator commits every
 * {@value #DEFAULT_COMMIT_INTERVAL_MS} ms, because a hand-off is what a pipeline of short steps waits on
 * (docs/benchmarks.md, "Orchestration": on 2 cores shared with the broker, one stream thread with 3 partitions,
 * hand-off p99 36-39 ms at 5 ms, 50-70 ms at 10 ms, 100-120 ms at 50 ms; 41-60 ms at 5 ms with 12 partitions).
 * It costs less throughput than it seems: under load a stream thread's loop takes longer than the interval, so it
 * commits once per loop whatever the interval; when idle, only its punctuations cause commits, as at any interval.
 * What it costs is transactions at moderate load: about 75 a second per stream thread, each with a marker in every
 * partition written. {@code poll.ms} is cut to {@value #DEFAULT_POLL_MS} ms so that a thread waiting for input never
 * holds back a due commit. Override with {@code GL_KAFKA_COMMIT_INTERVAL_MS}, for example 100 where steps run for
 * minutes and hand-off latency does not matter.
 *
 * <p>Closing leaves the consumer group at once (so a replacement takes the partitions without waiting for the
 * session timeout). An uncaught error in a stream thread shuts the client down: under exactly-once, replacing
 * the thread would only replay the same failure.
 */
public final class RunOrchestratorApp implements AutoCloseable {

    /** The Streams application id, also the prefix of the changelog topics: never change it. */
    public static final String APPLICATION_ID = "greenlang-run-orchestrator";
    /** {@code commit.interval.ms} of the orchestrator (see the class comment). */
    public static final int DEFAULT_COMMIT_INTERVAL_MS = 5;
    /** {@code poll.ms} of the orchestrator: the longest a stream thread blocks for input before it may commit. */
    public static final long DEFAULT_POLL_MS = 5;
    /** How long {@link #close()} waits for the threads to commit and stop. */
    public static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(30);

    private final StreamsService service;
    private final OrchestratorMetrics metrics;

    /**
     * An application with explicit Streams properties (bootstrap servers, application id, state directory,
     * guarantee; see {@link #defaultStreamsOverrides(Path)}); the dead-letter handlers are always added.
     *
     * @param streamsProperties Kafka Streams configuration
     * @param catalog           the topics
     * @param planner           request to plan
     * @param policy            pre-run and pre-step policy
     * @param settings          the orchestrator's caps and timers
     * @param metrics           where counts go
     */
    public RunOrchestratorApp(Map<String, Object> streamsProperties, TopicCatalog catalog, RunPlanner planner,
                              PolicyEngine policy, OrchestratorSettings settings, OrchestratorMetrics metrics) {
        Objects.requireNonNull(streamsProperties, "streamsProperties");
        this.metrics = Objects.requireNonNull(metrics, "metrics");
        Properties props = new Properties();
        props.putAll(streamsProperties);
        props.putAll(DeadLetters.streamsProperties(catalog, metrics));
        Topology topology = RunOrchestratorTopology.build(catalog, planner, policy, settings, metrics);
        this.service = new StreamsService("Run orchestrator", topology, props, CLOSE_TIMEOUT);
    }

    /**
     * The production application: properties from {@code config} (bootstrap servers, exactly-once, the
     * {@code GL_KAFKA_*} pass-through) with {@link #defaultStreamsOverrides(Path)}, and the settings from
     * {@code config}.
     */
    public static RunOrchestratorApp create(GlConfig config, TopicCatalog catalog, RunPlanner planner,
                                            PolicyEngine policy, Path stateDirectory, OrchestratorMetrics metrics) {
        Map<String, Object> props = new KafkaClients(config).streamsProperties(APPLICATION_ID,
                defaultStreamsOverrides(stateDirectory));
        return new RunOrchestratorApp(props, catalog, planner, policy, OrchestratorSettings.fromConfig(config),
                metrics);
    }

    /**
     * The production wiring: plans compiled by {@link PipelineCompiler} (step defaults from {@code config}) and the
     * policy engine {@code config} selects ({@link PolicyEngines#fromConfig}: YAML rules, OPA, or the default
     * action).
     *
     * @throws io.greenlang.pipeline.policy.PolicyRulesException when the configured rules file is missing or invalid
     */
    public static RunOrchestratorApp fromConfig(GlConfig config, TopicCatalog catalog, Path stateDirectory,
                                                OrchestratorMetrics metrics) {
        return create(config, catalog, RunPlanner.compiling(new PipelineCompiler(config)),
                PolicyEngines.fromConfig(config), stateDirectory, metrics);
    }

    /**
     * The orchestrator's own Streams settings: state directory, {@value #DEFAULT_COMMIT_INTERVAL_MS} ms commit
     * interval, exactly-once, explicit naming of internal resources enforced.
     */
    public static Map<String, Object> defaultStreamsOverrides(Path stateDirectory) {
        Map<String, Object> props = new HashMap<>();
        props.put(StreamsConfig.STATE_DIR_CONFIG, stateDirectory.toAbsolutePath().toString());
        props.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, DEFAULT_COMMIT_INTERVAL_MS);
        props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        props.put(StreamsConfig.ENSURE_EXPLICIT_INTERNAL_RESOURCE_NAMING_CONFIG, true);
        // The three inputs need no timestamp alignment (each record is applied to its run as it comes), so a
        // task never waits for data on its other partitions.
        props.put(StreamsConfig.MAX_TASK_IDLE_MS_CONFIG, -1L);
        // A stream thread commits between polls: blocking up to the default 100 ms in a poll while the executors
        // wait for the commands of the last batch (still in the open transaction) would add that to every hop.
        props.put(StreamsConfig.POLL_MS_CONFIG, DEFAULT_POLL_MS);
        return props;
    }

    /** Starts the stream threads; returns at once. */
    public void start() {
        service.start();
    }

    /** Waits until the application is RUNNING (its tasks assigned and restored) or the timeout passes. */
    public boolean awaitRunning(Duration timeout) throws InterruptedException {
        return service.awaitRunning(timeout);
    }

    /** The Streams client state. */
    public KafkaStreams.State state() {
        return service.state();
    }

    /**
     * The stream threads' own metrics (group {@code stream-thread-metrics}: commit, poll, process and punctuate
     * latencies and rates, records per poll), by metric name, summed over threads; for benchmarks and
     * diagnostics.
     */
    public Map<String, Double> threadMetrics() {
        Map<String, Double> values = new java.util.TreeMap<>();
        service.streams().metrics().forEach((name, metric) -> {
            if ("stream-thread-metrics".equals(name.group()) && metric.metricValue() instanceof Number n
                    && !Double.isNaN(n.doubleValue())) {
                values.merge(name.name(), n.doubleValue(), Double::sum);
            }
        });
        return values;
    }

    /** The orchestrator's counters. */
    public OrchestratorMetrics metrics() {
        return metrics;
    }

    /** Commits, stops the threads and leaves the group; waits up to {@link #CLOSE_TIMEOUT}. */
    @Override
    public void close() {
        service.close();
    }
}
