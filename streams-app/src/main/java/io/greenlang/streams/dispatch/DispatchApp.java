package io.greenlang.streams.dispatch;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.function.Function;

import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.greenlang.common.config.GlConfig;
import io.greenlang.common.kafka.KafkaClients;
import io.greenlang.streams.errors.DeadLetters;
import io.greenlang.topics.TopicCatalog;

/**
 * The heat dispatch planner as a Kafka Streams application ({@value #APPLICATION_ID}): {@link DispatchTopology}
 * with a {@link SolverPool} of one thread (a queue of 16 solves) that it owns and closes, at-least-once (a plan is
 * advisory and a replayed state just re-plans; a closed-loop plant's setpoint writer refuses plans that are too old
 * and rate-limits every change), undecodable states to gl.dlq.
 */
public final class DispatchApp implements AutoCloseable {

    /** Streams application id. */
    public static final String APPLICATION_ID = "greenlang-dispatch-planner";
    /** How long {@link #close()} waits. */
    public static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(30);

    private static final Logger LOG = LoggerFactory.getLogger(DispatchApp.class);

    private final SolverPool pool = new SolverPool(1, 16);
    private final KafkaStreams streams;

    /**
     * @param streamsProperties Kafka Streams configuration (bootstrap servers, application id, state directory)
     * @param catalog           topics
     * @param fleets            boiler fleet by plant id (e.g. {@code id -> Optional.of(BoilerFleet.simulated(id, 4,
     *                          seed))} for simulated plants, or a map read by {@link BoilerFleet#readYaml})
     * @param solver            the solver
     * @param settings          triggers and time bounds
     */
    public DispatchApp(Map<String, Object> streamsProperties, TopicCatalog catalog,
                       Function<String, Optional<BoilerFleet>> fleets, DispatchSolver solver,
                       DispatchSettings settings) {
        Properties props = new Properties();
        props.putAll(streamsProperties);
        props.putAll(DeadLetters.streamsProperties(catalog, null));
        streams = new KafkaStreams(DispatchTopology.build(catalog, fleets, solver, pool, settings), props);
        streams.setUncaughtExceptionHandler(error -> {
            LOG.error("Dispatch planner stream thread failed; shutting the planner down", error);
            return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
        });
    }

    /**
     * The application with properties from {@code config} (bootstrap servers, the {@code GL_KAFKA_*} pass-through),
     * the choco solver and {@link DispatchSettings#fromConfig}.
     *
     * @param config         platform configuration
     * @param catalog        topics
     * @param fleets         boiler fleet by plant id
     * @param stateDirectory Streams state directory (the topology has no store; Streams still needs one)
     * @return the application, not started
     */
    public static DispatchApp create(GlConfig config, TopicCatalog catalog,
                                     Function<String, Optional<BoilerFleet>> fleets, Path stateDirectory) {
        Map<String, Object> overrides = new HashMap<>();
        overrides.put(StreamsConfig.STATE_DIR_CONFIG, stateDirectory.toAbsolutePath().toString());
        overrides.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.AT_LEAST_ONCE);
        Map<String, Object> props = new KafkaClients(config).streamsProperties(APPLICATION_ID, overrides);
        return new DispatchApp(props, catalog, fleets, new ChocoDispatchSolver(),
                DispatchSettings.fromConfig(config, APPLICATION_ID));
    }

    /** Starts the stream thread; returns at once. */
    public void start() {
        streams.start();
    }

    /** The Streams client state. */
    public KafkaStreams.State state() {
        return streams.state();
    }

    /** Stops the stream thread (leaving the group), then the solver pool. */
    @Override
    public void close() throws InterruptedException {
        boolean clean = streams.close(CloseOptions.groupMembershipOperation(
                CloseOptions.GroupMembershipOperation.LEAVE_GROUP).withTimeout(CLOSE_TIMEOUT));
        if (!clean) {
            LOG.warn("Dispatch planner did not stop within {}", CLOSE_TIMEOUT);
        }
        pool.close();
    }
}
