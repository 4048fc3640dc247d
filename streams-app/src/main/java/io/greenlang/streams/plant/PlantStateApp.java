package io.greenlang.streams.plant;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;

import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;

import io.greenlang.common.config.GlConfig;
import io.greenlang.common.kafka.KafkaClients;
import io.greenlang.streams.errors.DeadLetters;
import io.greenlang.streams.runtime.StreamsService;
import io.greenlang.topics.TopicCatalog;

/**
 * The plant topology as a running Kafka Streams application ({@code application.id} {@value #APPLICATION_ID}):
 * {@link PlantStateTopology} with exactly-once, the dead-letter handlers, a state directory and a lifecycle
 * ({@link #start()}, {@link #close()}). Used by the service's main, {@code gl local up} and {@code gl demo}.
 *
 * <pre>{@code
 * try (PlantStateApp app = PlantStateApp.create(config, TopicCatalog.standard(),
 *         Path.of("/var/lib/greenlang/streams"), new PlantMetrics())) {
 *     app.start();
 *     ...
 * }
 * }</pre>
 *
 * <p><b>Commit interval.</b> Under exactly-once, a state or alert becomes visible to {@code read_committed}
 * readers only when its transaction commits, every {@code commit.interval.ms}; so half the interval on average,
 * plus the commit itself, is added to the latency from a reading's source time to the state that reflects it.
 * Streams' exactly-once default of 100 ms makes that latency about 100 ms at the median alone. At
 * {@value #DEFAULT_COMMIT_INTERVAL_MS} ms the measured steady state on 2 cores shared with the broker, the OPC UA
 * simulator and four bridges (docs/benchmarks.md, "Plant ingest") is about 72,000 readings/s with source-to-state
 * p50 about 50 ms and p99 90-145 ms (the tail being the broker's disk); the cost is five times as many
 * transactions (offsets, end-transaction, a marker in every partition written), which did not show as lost
 * throughput there. {@code poll.ms} is cut to
 * {@value #DEFAULT_POLL_MS} ms so that a thread waiting for input never holds back a due commit. Override with
 * {@code GL_KAFKA_COMMIT_INTERVAL_MS}.
 *
 * <p>Closing leaves the consumer group at once; an uncaught error in a stream thread shuts the client down
 * (under exactly-once, replacing the thread would only replay the same failure).
 */
public final class PlantStateApp implements AutoCloseable {

    /** The Streams application id, also the prefix of the changelog and repartition topics: never change it. */
    public static final String APPLICATION_ID = "greenlang-plant-state";
    /** {@code commit.interval.ms}: how long a state change or alert may wait in the open transaction (see above). */
    public static final int DEFAULT_COMMIT_INTERVAL_MS = 20;
    /** {@code poll.ms}: the longest a stream thread blocks for input before it may commit. */
    public static final long DEFAULT_POLL_MS = 5;
    /** How long {@link #close()} waits for the threads to commit and stop. */
    public static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(30);

    private final StreamsService service;
    private final PlantMetrics metrics;

    /**
     * An application with explicit Streams properties (bootstrap servers, application id, state directory,
     * guarantee; see {@link #defaultStreamsOverrides(Path)}); the dead-letter handlers are always added.
     *
     * @param streamsProperties Kafka Streams configuration
     * @param catalog           the topics
     * @param settings          thresholds and timers
     * @param metrics           where counts go
     */
    public PlantStateApp(Map<String, Object> streamsProperties, TopicCatalog catalog, PlantSettings settings,
                         PlantMetrics metrics) {
        Objects.requireNonNull(streamsProperties, "streamsProperties");
        this.metrics = Objects.requireNonNull(metrics, "metrics");
        Properties props = new Properties();
        props.putAll(streamsProperties);
        props.putAll(DeadLetters.streamsProperties(catalog, metrics));
        this.service = new StreamsService("Plant state", PlantStateTopology.build(catalog, settings, metrics), props,
                CLOSE_TIMEOUT);
    }

    /**
     * The production application: properties from {@code config} (bootstrap servers, exactly-once, the
     * {@code GL_KAFKA_*} pass-through) with {@link #defaultStreamsOverrides(Path)}, and the given settings.
     */
    public static PlantStateApp create(GlConfig config, TopicCatalog catalog, PlantSettings settings,
                                       Path stateDirectory, PlantMetrics metrics) {
        Map<String, Object> props = new KafkaClients(config).streamsProperties(APPLICATION_ID,
                defaultStreamsOverrides(stateDirectory));
        return new PlantStateApp(props, catalog, settings, metrics);
    }

    /** {@link #create(GlConfig, TopicCatalog, PlantSettings, Path, PlantMetrics)} with the settings of {@code config}. */
    public static PlantStateApp create(GlConfig config, TopicCatalog catalog, Path stateDirectory,
                                       PlantMetrics metrics) {
        return create(config, catalog, PlantSettings.fromConfig(config), stateDirectory, metrics);
    }

    /**
     * The application's own Streams settings: state directory, {@value #DEFAULT_COMMIT_INTERVAL_MS} ms commit
     * interval, {@value #DEFAULT_POLL_MS} ms {@code poll.ms}, exactly-once, explicit naming of internal resources
     * enforced, no waiting for the other input's partitions (each record is applied to its plant as it comes).
     */
    public static Map<String, Object> defaultStreamsOverrides(Path stateDirectory) {
        Map<String, Object> props = new HashMap<>();
        props.put(StreamsConfig.STATE_DIR_CONFIG, stateDirectory.toAbsolutePath().toString());
        props.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, DEFAULT_COMMIT_INTERVAL_MS);
        props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        props.put(StreamsConfig.ENSURE_EXPLICIT_INTERNAL_RESOURCE_NAMING_CONFIG, true);
        props.put(StreamsConfig.MAX_TASK_IDLE_MS_CONFIG, -1L);
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

    /** The application's counters. */
    public PlantMetrics metrics() {
        return metrics;
    }

    /** Commits, stops the threads and leaves the group; waits up to {@link #CLOSE_TIMEOUT}. */
    @Override
    public void close() {
        service.close();
    }
}
