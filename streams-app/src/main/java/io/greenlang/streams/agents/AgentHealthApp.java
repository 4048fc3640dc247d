package io.greenlang.streams.agents;

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
import io.greenlang.streams.errors.DeadLetterListener;
import io.greenlang.streams.errors.DeadLetters;
import io.greenlang.streams.runtime.StreamsService;
import io.greenlang.topics.TopicCatalog;

/**
 * The agent health topology as a running Kafka Streams application ({@code application.id}
 * {@value #APPLICATION_ID}): {@link AgentHealthTopology} with exactly-once, the dead-letter handlers, a state
 * directory and a lifecycle ({@link #start()}, {@link #close()}). Used by {@code gl local up} and {@code gl demo}.
 *
 * <pre>{@code
 * try (AgentHealthApp app = AgentHealthApp.create(config, TopicCatalog.standard(),
 *         AgentHealthSettings.defaults(), Path.of("/var/lib/greenlang/streams"))) {
 *     app.start();
 *     ...
 * }
 * }</pre>
 *
 * <p>Closing leaves the consumer group at once; an uncaught error in a stream thread shuts the client down
 * (under exactly-once, replacing the thread would only replay the same failure).
 */
public final class AgentHealthApp implements AutoCloseable {

    /** The Streams application id, also the prefix of the changelog and repartition topics: never change it. */
    public static final String APPLICATION_ID = "greenlang-agent-health";
    /** {@code commit.interval.ms}: alerts are visible to {@code read_committed} readers after the commit. */
    public static final int DEFAULT_COMMIT_INTERVAL_MS = 100;
    /** How long {@link #close()} waits for the threads to commit and stop. */
    public static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(30);

    private final StreamsService service;

    /**
     * An application with explicit Streams properties (bootstrap servers, application id, state directory,
     * guarantee; see {@link #defaultStreamsOverrides(Path)}); the dead-letter handlers are always added.
     *
     * @param streamsProperties Kafka Streams configuration
     * @param catalog           the topics
     * @param settings          heartbeat and cascade thresholds
     * @param deadLetters       told about every dead letter, or {@code null}
     */
    public AgentHealthApp(Map<String, Object> streamsProperties, TopicCatalog catalog, AgentHealthSettings settings,
                          DeadLetterListener deadLetters) {
        Objects.requireNonNull(streamsProperties, "streamsProperties");
        Properties props = new Properties();
        props.putAll(streamsProperties);
        props.putAll(DeadLetters.streamsProperties(catalog, deadLetters));
        this.service = new StreamsService("Agent health", AgentHealthTopology.build(catalog, settings,
                instanceName()), props, CLOSE_TIMEOUT);
    }

    /**
     * The production application: properties from {@code config} (bootstrap servers, exactly-once, the
     * {@code GL_KAFKA_*} pass-through) with {@link #defaultStreamsOverrides(Path)}.
     */
    public static AgentHealthApp create(GlConfig config, TopicCatalog catalog, AgentHealthSettings settings,
                                        Path stateDirectory) {
        Map<String, Object> props = new KafkaClients(config).streamsProperties(APPLICATION_ID,
                defaultStreamsOverrides(stateDirectory));
        return new AgentHealthApp(props, catalog, settings, null);
    }

    /**
     * This application's own Streams settings: state directory, {@value #DEFAULT_COMMIT_INTERVAL_MS} ms commit
     * interval, exactly-once, explicit naming of internal resources enforced.
     */
    public static Map<String, Object> defaultStreamsOverrides(Path stateDirectory) {
        Map<String, Object> props = new HashMap<>();
        props.put(StreamsConfig.STATE_DIR_CONFIG, stateDirectory.toAbsolutePath().toString());
        props.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, DEFAULT_COMMIT_INTERVAL_MS);
        props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        props.put(StreamsConfig.ENSURE_EXPLICIT_INTERNAL_RESOURCE_NAMING_CONFIG, true);
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

    /** Commits, stops the threads and leaves the group; waits up to {@link #CLOSE_TIMEOUT}. */
    @Override
    public void close() {
        service.close();
    }

    private static String instanceName() {
        String host = System.getenv("HOSTNAME");
        return (host == null || host.isBlank() ? "local" : host) + ":" + ProcessHandle.current().pid();
    }
}
