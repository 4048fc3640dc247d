package io.greenlang.streams.runtime;

import java.time.Duration;
import java.util.Objects;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The lifecycle every streams-app application shares: one {@link KafkaStreams} client whose state changes are
 * logged, whose RUNNING state can be awaited, which shuts the whole client down when a stream thread dies (a
 * half-running exactly-once application is worse than a stopped one: the platform restarts it), and which leaves
 * its group on close.
 */
public final class StreamsService implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(StreamsService.class);

    private final String name;
    private final Duration closeTimeout;
    private final KafkaStreams streams;
    private final CountDownLatch running = new CountDownLatch(1);

    /**
     * @param name         how logs name the application, e.g. {@code Run orchestrator}
     * @param topology     the topology
     * @param properties   the Streams settings
     * @param closeTimeout how long {@link #close()} waits for a clean stop
     */
    public StreamsService(String name, Topology topology, Properties properties, Duration closeTimeout) {
        this.name = Objects.requireNonNull(name, "name");
        this.closeTimeout = Objects.requireNonNull(closeTimeout, "closeTimeout");
        this.streams = new KafkaStreams(topology, properties);
        streams.setStateListener((newState, oldState) -> {
            LOG.info("{} {} -> {}", name, oldState, newState);
            if (newState == KafkaStreams.State.RUNNING) {
                running.countDown();
            }
        });
        streams.setUncaughtExceptionHandler(error -> {
            LOG.error("{}: a stream thread failed; shutting the application down", name, error);
            return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
        });
    }

    /** The Streams client, e.g. for its metrics. */
    public KafkaStreams streams() {
        return streams;
    }

    /** Starts the stream threads; returns at once. */
    public void start() {
        streams.start();
    }

    /** Waits until the application is RUNNING (its tasks assigned and restored) or the timeout passes. */
    public boolean awaitRunning(Duration timeout) throws InterruptedException {
        return running.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** The Streams client state. */
    public KafkaStreams.State state() {
        return streams.state();
    }

    /** Commits, stops the threads and leaves the group; waits up to the close timeout. */
    @Override
    public void close() {
        boolean clean = streams.close(CloseOptions.groupMembershipOperation(
                CloseOptions.GroupMembershipOperation.LEAVE_GROUP).withTimeout(closeTimeout));
        if (!clean) {
            LOG.warn("{} did not stop within {}", name, closeTimeout);
        }
    }
}
