package io.greenlang.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.greenlang.common.config.GlConfig;
import io.greenlang.testkit.GreenLangIntegrationTest;
import io.greenlang.testkit.TestInfra;

/**
 * {@link AuditSinkMain} in a JVM of its own is killed with SIGKILL while it appends a steady load of run and step
 * events; a new one in the same consumer group stores every event exactly once, every chain gap-free in the order
 * of its partition. Each sink JVM writes its output to {@code target/audit-sink-crash-it/}.
 */
@GreenLangIntegrationTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AuditSinkCrashIT {

    private static final Logger LOG = LoggerFactory.getLogger(AuditSinkCrashIT.class);
    private static final Duration WAIT = Duration.ofSeconds(90);
    private static final Path LOGS = Path.of("target", "audit-sink-crash-it");
    private static final int EVENTS = 20_000;
    private static final int KEYS = 300;
    /** The first sink is killed once this many events are stored: some, far from all. */
    private static final int KILL_AT = EVENTS / 5;
    /** AuditSinkMain's consumer group is the topic prefix and this; SinkFixture adds the prefix. */
    private static final String GROUP = AuditSink.DEFAULT_GROUP;

    private final List<Process> sinks = new ArrayList<>();
    private SinkFixture fixture;

    @BeforeAll
    void setUp(TestInfra infra) throws IOException {
        fixture = new SinkFixture(infra);
        Files.createDirectories(LOGS);
    }

    @AfterAll
    void killSinksLeftOver() throws InterruptedException {
        for (Process sink : sinks) {
            sink.destroyForcibly();
            sink.waitFor(30, TimeUnit.SECONDS);
        }
    }

    @Test
    void shouldStoreEveryEventOnceInChainOrderAfterTheSinkJvmIsKilledMidBatch() throws Exception {
        Process first = startSink("sink-1");

        List<SteadyLoad.Produced> produced;
        try (SteadyLoad load = new SteadyLoad(fixture, KEYS, 125, Duration.ofMillis(100), EVENTS).start()) {
            await().atMost(WAIT).pollInterval(Duration.ofMillis(20))
                    .failFast("the first sink JVM exited on its own", () -> !first.isAlive())
                    .until(() -> fixture.rows() >= KILL_AT && appendInFlight());
            first.destroyForcibly(); // SIGKILL: no shutdown hook, no close(), a batch's transaction open
            assertThat(first.waitFor(30, TimeUnit.SECONDS)).as("the killed sink JVM ended").isTrue();

            List<StoredEvents.Row> atKill = StoredEvents.read(fixture.infra.dataSource(), fixture.store.schema());
            Map<TopicPartition, Long> committedAtKill = fixture.committed(GROUP);
            LOG.info("Killed the first sink with {} events stored, {} offsets committed, {} produced",
                    atKill.size(), committedAtKill.values().stream().mapToLong(Long::longValue).sum(),
                    load.acknowledged());
            assertThat(atKill).as("events stored when the sink was killed").hasSizeBetween(KILL_AT, EVENTS - 1);
            assertThat(StoredEvents.committedButNotStored(committedAtKill, atKill))
                    .as("partitions whose committed offset is ahead of the store").isEmpty();

            Process second = startSink("sink-2");
            await().atMost(WAIT).until(load::finished);
            produced = load.stop();
            await().atMost(WAIT).pollInterval(Duration.ofMillis(500))
                    .failFast("the second sink JVM exited on its own", () -> !second.isAlive())
                    .until(() -> fixture.caughtUp(GROUP));
            second.destroy();
            assertThat(second.waitFor(60, TimeUnit.SECONDS)).as("SIGTERM stops the second sink").isTrue();
        }

        assertThat(produced).hasSize(EVENTS);
        assertThat(fixture.rows()).isEqualTo(EVENTS);
        StoredEvents.assertEveryEventStoredOnceInChainOrder(
                StoredEvents.read(fixture.infra.dataSource(), fixture.store.schema()), produced);
        assertThat(fixture.store.verifyAll()).as("chains verified")
                .hasSize(2 * KEYS)
                .allMatch(ChainVerification::valid);
    }

    /** Whether a transaction of the sink is open on the class's audit tables right now. */
    private boolean appendInFlight() throws SQLException {
        try (Connection connection = fixture.infra.connection();
             PreparedStatement select = connection.prepareStatement("SELECT count(*) FROM pg_stat_activity"
                     + " WHERE pid <> pg_backend_pid() AND xact_start IS NOT NULL AND state <> 'idle'"
                     + " AND query LIKE ?")) {
            select.setString(1, "%" + fixture.store.schema() + ".audit_%");
            try (ResultSet rows = select.executeQuery()) {
                rows.next();
                return rows.getLong(1) > 0;
            }
        }
    }

    /**
     * Starts {@link AuditSinkMain} in a new JVM on the test's class path, its output in {@code <name>.log}, and
     * waits until it reports ready (its consumer was assigned partitions).
     */
    private Process startSink(String name) throws IOException {
        TestInfra infra = fixture.infra;
        int healthPort = SinkFixture.freePort();
        Map<String, String> env = new HashMap<>();
        env.put(GlConfig.KAFKA_BOOTSTRAP_SERVERS, infra.bootstrapServers());
        // a killed member leaves the group after 6 s instead of 45 s
        env.put(GlConfig.kafkaPrefix("session.timeout.ms"), "6000");
        env.put(GlConfig.POSTGRES_HOST, "127.0.0.1");
        env.put(GlConfig.POSTGRES_PORT, Integer.toString(infra.localStack().postgresPort()));
        env.put(GlConfig.POSTGRES_DATABASE, infra.localStack().databaseName());
        env.put(GlConfig.POSTGRES_USER, infra.postgresUser());
        env.put(GlConfig.POSTGRES_PASSWORD, infra.postgresPassword());
        env.put(GlConfig.AUDIT_SCHEMA, infra.schemaName());
        env.put(GlConfig.AUDIT_TOPICS, String.join(",", SinkFixture.AUDITED));
        env.put(GlConfig.AUDIT_VERIFY_INTERVAL_SECONDS, "0");
        env.put(GlConfig.SERVICE_NAME, "audit-sink");
        env.put(GlConfig.HEALTH_PORT, Integer.toString(healthPort));
        env.put(GlConfig.METRICS_PORT, "0");
        ProcessBuilder builder = new ProcessBuilder(ProcessHandle.current().info().command().orElseThrow(),
                "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xmx256m",
                "-cp", System.getProperty("java.class.path"), AuditSinkMain.class.getName(),
                "--topic-prefix", infra.topicPrefix())
                .redirectErrorStream(true)
                .redirectOutput(LOGS.resolve(name + ".log").toFile());
        builder.environment().keySet().removeIf(variable -> variable.startsWith(GlConfig.PREFIX));
        builder.environment().putAll(env);
        Process sink = builder.start();
        sinks.add(sink);
        LOG.info("Started {} (pid {}), health on port {}", name, sink.pid(), healthPort);

        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        HttpRequest ready = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + healthPort + "/health/ready"))
                .timeout(Duration.ofSeconds(2)).build();
        await().atMost(WAIT).pollInterval(Duration.ofMillis(250)).ignoreExceptions()
                .failFast(name + " exited on its own", () -> !sink.isAlive())
                .until(() -> http.send(ready, HttpResponse.BodyHandlers.discarding()).statusCode() == 200);
        return sink;
    }
}
