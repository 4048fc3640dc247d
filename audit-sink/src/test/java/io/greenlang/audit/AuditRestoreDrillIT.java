package io.greenlang.audit;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import io.greenlang.testkit.GreenLangIntegrationTest;
import io.greenlang.testkit.TestInfra;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyManager;

/**
 * The restore drill: the audit store is lost after a snapshot, restored from it, and brought level by replaying
 * the topics from the snapshot's time into the live schema itself.
 *
 * <p>The snapshot is taken with {@code COPY ... TO STDOUT} through {@link CopyManager} (and restored with
 * {@code COPY ... FROM STDIN}), not with {@code pg_dump}: the test PostgreSQL is 17 and the machine's
 * {@code pg_dump} (Debian client 15) refuses a newer server. A production drill would restore a real backup.
 */
@GreenLangIntegrationTest
class AuditRestoreDrillIT {

    private static final String EVENTS_COLUMNS = "chain_id, seq, event_id, event_type, topic, partition, \"offset\","
            + " occurred_at, recorded_at, tenant_id, canonical_json, prev_hash, hash";
    private static final String HEADS_COLUMNS = "chain_id, seq, hash, updated_at";

    @Test
    void shouldBringARestoredStoreLevelByReplayingFromTheSnapshotTimeIntoTheLiveSchema(TestInfra infra,
            @TempDir Path dir) throws Exception {
        SinkFixture fixture = new SinkFixture(infra);
        String schema = infra.schemaName();
        produce(fixture, "before", 10);
        fixture.sinkUntilCaughtUp("drill");

        // everything stored so far has an earlier record timestamp; records at this instant are skipped if stored
        Instant snapshotTime = Instant.now();
        Path events = dir.resolve("audit_events.copy");
        Path heads = dir.resolve("audit_chain_heads.copy");
        copyOut(infra, "COPY " + schema + ".audit_events (" + EVENTS_COLUMNS + ") TO STDOUT", events);
        copyOut(infra, "COPY " + schema + ".audit_chain_heads (" + HEADS_COLUMNS + ") TO STDOUT", heads);
        long snapshotRows = fixture.rows();

        produce(fixture, "before", 10); // existing chains go on
        produce(fixture, "after", 5);   // and new ones begin
        fixture.sinkUntilCaughtUp("drill");
        long rowsBeforeLoss = fixture.rows();
        List<String> headsBeforeLoss = heads(infra);
        assertThat(rowsBeforeLoss).isGreaterThan(snapshotRows);

        execute(infra, "DROP SCHEMA " + schema + " CASCADE");
        fixture.store.migrate();
        copyIn(infra, "COPY " + schema + ".audit_events (" + EVENTS_COLUMNS + ") FROM STDIN", events);
        copyIn(infra, "COPY " + schema + ".audit_chain_heads (" + HEADS_COLUMNS + ") FROM STDIN", heads);
        assertThat(fixture.rows()).isEqualTo(snapshotRows);

        ReplayReport report = new AuditReplay(fixture.catalog, infra.dataSource(), infra.consumerProperties("drill"))
                .run(ReplayOptions.of(SinkFixture.AUDITED, schema, schema)
                        .withStart(ReplayOptions.Start.at(snapshotTime)));

        assertThat(report.appended()).isEqualTo(rowsBeforeLoss - snapshotRows);
        assertThat(report.allEqual()).as("%s", report.differences()).isTrue();
        assertThat(fixture.rows()).isEqualTo(rowsBeforeLoss);
        assertThat(heads(infra)).isEqualTo(headsBeforeLoss);
        assertThat(fixture.store.verifyAll()).hasSize(headsBeforeLoss.size()).allMatch(ChainVerification::valid);
    }

    /** One run event and one step event for each of {@code keys} keys named {@code <prefix>-<n>}. */
    private static void produce(SinkFixture fixture, String prefix, int keys) {
        for (int k = 0; k < keys; k++) {
            fixture.send(fixture.catalog.runEvents(), prefix + "-" + k, SinkFixture.runEvent());
            fixture.send(fixture.catalog.stepEvents(), prefix + "-" + k, SinkFixture.stepEvent());
        }
    }

    private static List<String> heads(TestInfra infra) throws SQLException {
        List<String> result = new ArrayList<>();
        try (Connection connection = infra.connection();
             PreparedStatement select = connection.prepareStatement(
                     "SELECT chain_id, seq, hash FROM audit_chain_heads ORDER BY chain_id");
             ResultSet rows = select.executeQuery()) {
            while (rows.next()) {
                result.add(rows.getString(1) + " " + rows.getLong(2) + " " + rows.getString(3));
            }
        }
        return result;
    }

    private static void copyOut(TestInfra infra, String sql, Path file) throws SQLException, IOException {
        try (Connection connection = infra.connection(); OutputStream out = Files.newOutputStream(file)) {
            connection.unwrap(PGConnection.class).getCopyAPI().copyOut(sql, out);
        }
    }

    private static void copyIn(TestInfra infra, String sql, Path file) throws SQLException, IOException {
        try (Connection connection = infra.connection(); InputStream in = Files.newInputStream(file)) {
            connection.unwrap(PGConnection.class).getCopyAPI().copyIn(sql, in);
        }
    }

    private static void execute(TestInfra infra, String sql) throws SQLException {
        try (Connection connection = infra.connection(); Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }
}
