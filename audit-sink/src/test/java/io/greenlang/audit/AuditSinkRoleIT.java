package io.greenlang.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

import io.greenlang.testkit.GreenLangIntegrationTest;
import io.greenlang.testkit.TestInfra;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;

@GreenLangIntegrationTest
class AuditSinkRoleIT {

    private static final String PASSWORD = "sink-secret-'quoted'";
    private static String role;

    @BeforeAll
    static void migrateAndCreateTheRole(TestInfra infra) {
        new AuditStore(infra.dataSource(), infra.schemaName()).migrate();
        role = "audit_sink_" + infra.schemaName(); // roles are cluster-wide: one per test class
        AuditRoles.createSinkRole(infra.dataSource(), infra.schemaName(), role, PASSWORD);
        AuditRoles.createSinkRole(infra.dataSource(), infra.schemaName(), role, PASSWORD); // idempotent
    }

    @Test
    void shouldLetTheSinkRoleAppendAndVerify(TestInfra infra) {
        PGSimpleDataSource sink = new PGSimpleDataSource();
        sink.setUrl(infra.jdbcUrl());
        sink.setUser(role);
        sink.setPassword(PASSWORD);
        AuditStore store = new AuditStore(sink, infra.schemaName());

        assertThat(store.append(TestRecords.chain("gl.run.events.sink", "run-s", 3)).appended()).hasSize(3);
        assertThat(store.append(TestRecords.chain("gl.run.events.sink", "run-s", 4)).appended()).hasSize(1);
        ChainVerification verification = store.verifyChain(AuditStore.chainIdFor("gl.run.events.sink", "run-s"));
        assertThat(verification.valid()).isTrue();
        assertThat(verification.events()).isEqualTo(4);
    }

    @Test
    void shouldDenyTheSinkRoleUpdateDeleteAndTruncate(TestInfra infra) throws SQLException {
        new AuditStore(infra.dataSource(), infra.schemaName()).append(TestRecords.chain("gl.run.events.deny", "run-d", 1));
        try (Connection connection = DriverManager.getConnection(infra.jdbcUrl(), role, PASSWORD);
             Statement statement = connection.createStatement()) {
            assertThat(statement.executeQuery("SELECT count(*) FROM audit_events").next()).isTrue();
            assertDenied(() -> statement.executeUpdate("UPDATE audit_events SET tenant_id = 'x'"));
            assertDenied(() -> statement.executeUpdate("DELETE FROM audit_events"));
            assertDenied(() -> statement.executeUpdate("TRUNCATE audit_events"));
            assertDenied(() -> statement.executeUpdate("DELETE FROM audit_chain_heads"));
        }
    }

    @Test
    void shouldLetTheSinkRoleMaintainTheRunProjectionsButStillNotChangeEvents(TestInfra infra) throws SQLException {
        PGSimpleDataSource sink = new PGSimpleDataSource();
        sink.setUrl(infra.jdbcUrl());
        sink.setUser(role);
        sink.setPassword(PASSWORD);
        AuditStore store = new AuditStore(sink, infra.schemaName());
        List<AuditRecord> records = TestRecords.chain("gl.run.events.projected", "run-p", 2);
        String runId = io.greenlang.schemas.EventSamples.sample(io.greenlang.events.run.RunEvent.class).getRunId();

        assertThat(store.append(records).appended()).hasSize(2);

        assertThat(store.run(runId)).hasValueSatisfying(run -> assertThat(run.events()).isGreaterThanOrEqualTo(2));
        assertThat(store.steps(runId)).isNotEmpty();
        try (Connection connection = DriverManager.getConnection(infra.jdbcUrl(), role, PASSWORD);
             Statement statement = connection.createStatement()) {
            assertDenied(() -> statement.executeUpdate("UPDATE audit_events SET tenant_id = 'x'"));
            assertDenied(() -> statement.executeUpdate("DELETE FROM audit_runs"));
            assertDenied(() -> statement.executeUpdate("DELETE FROM audit_steps"));
            assertDenied(() -> statement.executeUpdate("TRUNCATE audit_runs"));
        }
    }

    private static void assertDenied(org.assertj.core.api.ThrowableAssert.ThrowingCallable call) {
        assertThatThrownBy(call).isInstanceOfSatisfying(SQLException.class,
                e -> assertThat(e.getSQLState()).as(e.getMessage()).isEqualTo("42501"))
                .hasMessageContaining("permission denied");
    }
}
