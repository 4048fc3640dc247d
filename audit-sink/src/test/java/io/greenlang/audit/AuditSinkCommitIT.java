package io.greenlang.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Logger;

import javax.sql.DataSource;

import io.greenlang.common.error.ErrorCode;
import io.greenlang.common.error.GreenLangException;
import io.greenlang.testkit.GreenLangIntegrationTest;
import io.greenlang.testkit.TestInfra;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;

@GreenLangIntegrationTest
class AuditSinkCommitIT {

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final String PASSWORD = "sink-password";
    private static SinkFixture fixture;
    private static String role;

    @BeforeAll
    static void setUp(TestInfra infra) {
        fixture = new SinkFixture(infra);
        role = "audit_sink_" + infra.schemaName(); // roles are cluster-wide: one per test class
        AuditRoles.createSinkRole(infra.dataSource(), infra.schemaName(), role, PASSWORD);
    }

    @Test
    void shouldStopOnRefusedCredentialsWithoutCommittingAndCatchUpOnceFixed(TestInfra infra) throws Exception {
        String chain = AuditStore.chainIdFor(fixture.catalog.runEvents().name(), "run-auth");
        for (int i = 0; i < 3; i++) {
            fixture.send(fixture.catalog.runEvents(), "run-auth", SinkFixture.runEvent());
        }

        // The test server trusts every local login, so a role that does not exist stands in for a wrong password:
        // both are SQLState class 28.
        AuditSink refused = fixture.sink("auth", new AuditStore(sinkRole(infra, role + "_missing", PASSWORD),
                infra.schemaName()));
        refused.start();
        GreenLangException failure = refused.awaitTermination(WAIT).orElseThrow();
        assertThat(failure.errorCode()).isEqualTo(ErrorCode.DB_CONNECTION);
        assertThat(failure.getMessage()).contains("GL_POSTGRES_USER / GL_POSTGRES_PASSWORD");
        assertThat(refused.healthCheck().check().isUp()).isFalse();
        assertThat(fixture.committed("auth")).isEmpty();
        assertThat(fixture.chain(chain)).isEmpty();

        try (AuditSink fixed = fixture.sink("auth", new AuditStore(sinkRole(infra, role, PASSWORD), infra.schemaName()))) {
            fixed.start();
            await().atMost(WAIT).until(() -> fixture.caughtUp("auth"));
        }
        assertThat(fixture.chain(chain)).hasSize(3);
        assertThat(fixture.store.verifyChain(chain).valid()).isTrue();
    }

    @Test
    void shouldRetryATransientConnectionFailureWithoutLosingOrDuplicatingRecords(TestInfra infra) throws Exception {
        String chain = AuditStore.chainIdFor(fixture.catalog.stepEvents().name(), "run-flaky");
        for (int i = 0; i < 4; i++) {
            fixture.send(fixture.catalog.stepEvents(), "run-flaky", SinkFixture.stepEvent());
        }
        FlakyDataSource flaky = new FlakyDataSource(sinkRole(infra, role, PASSWORD), 3);

        try (AuditSink sink = fixture.sink("flaky", new AuditStore(flaky, infra.schemaName()))) {
            sink.start();
            await().atMost(WAIT).until(() -> fixture.caughtUp("flaky"));
            assertThat(flaky.refused.get()).isEqualTo(3);
            sink.close();
            assertThat(sink.awaitTermination()).isEmpty();
        }
        assertThat(fixture.chain(chain)).hasSize(4);
        assertThat(fixture.store.verifyChain(chain).valid()).isTrue();
    }

    private static DataSource sinkRole(TestInfra infra, String user, String password) {
        PGSimpleDataSource dataSource = new PGSimpleDataSource();
        dataSource.setUrl(infra.jdbcUrl());
        dataSource.setUser(user);
        dataSource.setPassword(password);
        return dataSource;
    }

    /** Refuses its first connections with SQLState 08001, as PostgreSQL does while it restarts. */
    private static final class FlakyDataSource implements DataSource {
        private final DataSource delegate;
        private final int failures;
        private final AtomicInteger refused = new AtomicInteger();

        FlakyDataSource(DataSource delegate, int failures) {
            this.delegate = delegate;
            this.failures = failures;
        }

        @Override
        public Connection getConnection() throws SQLException {
            if (refused.get() < failures) {
                refused.incrementAndGet();
                throw new SQLException("connection refused (test)", "08001");
            }
            return delegate.getConnection();
        }

        @Override
        public Connection getConnection(String username, String password) throws SQLException {
            throw new SQLFeatureNotSupportedException();
        }

        @Override
        public PrintWriter getLogWriter() throws SQLException {
            return delegate.getLogWriter();
        }

        @Override
        public void setLogWriter(PrintWriter out) throws SQLException {
            delegate.setLogWriter(out);
        }

        @Override
        public void setLoginTimeout(int seconds) throws SQLException {
            delegate.setLoginTimeout(seconds);
        }

        @Override
        public int getLoginTimeout() throws SQLException {
            return delegate.getLoginTimeout();
        }

        @Override
        public Logger getParentLogger() throws SQLFeatureNotSupportedException {
            return delegate.getParentLogger();
        }

        @Override
        public <T> T unwrap(Class<T> type) throws SQLException {
            throw new SQLException("not a wrapper");
        }

        @Override
        public boolean isWrapperFor(Class<?> type) {
            return false;
        }
    }
}
