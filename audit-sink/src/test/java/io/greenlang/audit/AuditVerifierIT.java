package io.greenlang.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import javax.sql.DataSource;

import io.greenlang.audit.ChainVerification.Problem;
import io.greenlang.common.error.ErrorCode;
import io.greenlang.common.error.GreenLangException;
import io.greenlang.common.metrics.GlMeters;
import io.greenlang.common.metrics.GlMetrics;
import io.greenlang.testkit.GreenLangIntegrationTest;
import io.greenlang.testkit.TestInfra;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

/** The periodic verifier's gauges, logs and error counts; each test has its own store schema. */
@GreenLangIntegrationTest
class AuditVerifierIT {

    @Test
    void shouldSetTheValidGaugeToOneThenToZeroAfterTampering(TestInfra infra) throws SQLException {
        AuditStore store = store(infra, "tampered");
        store.append(TestRecords.chain("gl.run.events", "run-1", 3));
        store.append(TestRecords.chain("gl.step.events", "run-1", 2));
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        AuditVerifier verifier = new AuditVerifier(store, new GlMeters(registry), Duration.ofMinutes(5));

        assertThat(verifier.runOnce()).hasSize(2).allMatch(ChainVerification::valid);
        assertThat(gauge(registry, GlMetrics.AUDIT_CHAIN_VALID.micrometerName())).isEqualTo(1.0);
        assertThat(gauge(registry, GlMetrics.AUDIT_CHAINS.micrometerName())).isEqualTo(2.0);

        tamper(infra, "UPDATE " + store.schema() + ".audit_events SET canonical_json = '{}'"
                + " WHERE chain_id = 'gl.step.events/run-1' AND seq = 2");
        List<ChainVerification> results = verifier.runOnce();

        assertThat(results).filteredOn(r -> !r.valid()).singleElement().satisfies(r -> {
            assertThat(r.chainId()).isEqualTo("gl.step.events/run-1");
            assertThat(r.problem()).isEqualTo(Problem.HASH_MISMATCH);
            assertThat(r.firstBadSeq()).isEqualTo(2);
        });
        assertThat(gauge(registry, GlMetrics.AUDIT_CHAIN_VALID.micrometerName())).isZero();
        assertThat(gauge(registry, GlMetrics.AUDIT_CHAINS.micrometerName())).isEqualTo(2.0);
        assertThat(brokenChainErrors(registry)).isEqualTo(1.0);
    }

    @Test
    void shouldRetryAFailedVerificationAtTheNextTickWithoutReportingTheChainsIntact(TestInfra infra) {
        AuditStore healthy = store(infra, "flaky");
        healthy.append(TestRecords.chain("gl.run.events", "run-f", 2));
        AtomicBoolean down = new AtomicBoolean(true);
        AtomicInteger refused = new AtomicInteger();
        AuditStore flaky = new AuditStore(failingWhile(infra.dataSource(), down, refused), healthy.schema());
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        GlMeters meters = new GlMeters(registry);

        assertThatThrownBy(() -> new AuditVerifier(flaky, meters, Duration.ofMinutes(5)).runOnce())
                .isInstanceOfSatisfying(GreenLangException.class,
                        e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.DB_CONNECTION));
        try (AuditVerifier verifier = new AuditVerifier(flaky, meters, Duration.ofMillis(50)).start()) {
            // Two failed ticks: the schedule survived the first failure and retried.
            await().atMost(Duration.ofSeconds(30)).until(() -> dbConnectionErrors(registry) >= 2);
            assertThat(registry.find(GlMetrics.AUDIT_CHAIN_VALID.micrometerName()).gauge())
                    .as("no verification completed, so no gauge claims the chains are intact").isNull();

            down.set(false);

            await().atMost(Duration.ofSeconds(30))
                    .until(() -> registry.find(GlMetrics.AUDIT_CHAIN_VALID.micrometerName()).gauge() != null);
            assertThat(gauge(registry, GlMetrics.AUDIT_CHAIN_VALID.micrometerName())).isEqualTo(1.0);
            assertThat(gauge(registry, GlMetrics.AUDIT_CHAINS.micrometerName())).isEqualTo(1.0);
            assertThat(refused.get()).isGreaterThanOrEqualTo(3);
        }
    }

    @Test
    void shouldRejectANonPositiveInterval(TestInfra infra) {
        AuditStore store = new AuditStore(infra.dataSource(), infra.schemaName());
        GlMeters meters = new GlMeters(new SimpleMeterRegistry());
        assertThatThrownBy(() -> new AuditVerifier(store, meters, Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class);
    }

    private static AuditStore store(TestInfra infra, String suffix) {
        AuditStore store = new AuditStore(infra.dataSource(), infra.schemaName() + "_" + suffix);
        store.migrate();
        return store;
    }

    private static double gauge(SimpleMeterRegistry registry, String name) {
        Gauge gauge = registry.find(name).gauge();
        assertThat(gauge).as(name).isNotNull();
        return gauge.value();
    }

    private static double dbConnectionErrors(SimpleMeterRegistry registry) {
        Counter counter = registry.find(GlMetrics.ERRORS.micrometerName())
                .tag("error_code", ErrorCode.DB_CONNECTION.code()).counter();
        return counter == null ? 0 : counter.count();
    }

    private static double brokenChainErrors(SimpleMeterRegistry registry) {
        Counter counter = registry.find(GlMetrics.ERRORS.micrometerName())
                .tag("error_code", ErrorCode.AUDIT_CHAIN_BROKEN.code()).counter();
        return counter == null ? 0 : counter.count();
    }

    /** Runs tampering SQL as the superuser with triggers off for this session only. */
    static void tamper(TestInfra infra, String... sql) throws SQLException {
        try (Connection connection = infra.connection(); Statement statement = connection.createStatement()) {
            statement.execute("SET session_replication_role = replica");
            for (String s : sql) {
                statement.execute(s);
            }
        }
    }

    /** A data source refusing connections (SQLState 08001) while {@code down} is set. */
    private static DataSource failingWhile(DataSource delegate, AtomicBoolean down, AtomicInteger refused) {
        return (DataSource) Proxy.newProxyInstance(AuditVerifierIT.class.getClassLoader(),
                new Class<?>[] {DataSource.class}, (proxy, method, args) -> {
                    if (method.getName().equals("getConnection") && down.get()) {
                        refused.incrementAndGet();
                        throw new SQLException("connection refused (test)", "08001");
                    }
                    try {
                        return method.invoke(delegate, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }
}
