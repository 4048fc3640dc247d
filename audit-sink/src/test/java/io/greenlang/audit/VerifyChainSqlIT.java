package io.greenlang.audit;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

import io.greenlang.audit.AppendResult.Appended;
import io.greenlang.testkit.GreenLangIntegrationTest;
import io.greenlang.testkit.TestInfra;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The SQL of docs/audit-hash.md (verify-chain.sql) recomputes the same hashes as Java. */
@GreenLangIntegrationTest
class VerifyChainSqlIT {

    private static AuditStore store;

    @BeforeAll
    static void migrate(TestInfra infra) throws SQLException {
        store = new AuditStore(infra.dataSource(), infra.schemaName());
        store.migrate();
        try (Connection connection = infra.connection(); Statement statement = connection.createStatement()) {
            statement.execute("DROP TRIGGER audit_events_append_only ON audit_events");
        }
    }

    @Test
    void shouldListNoRowsForChainsWrittenByJavaAndRecomputeJavasHashForATamperedRow(TestInfra infra)
            throws SQLException, IOException {
        List<Appended> links = new ArrayList<>();
        for (String key : List.of("a", "b", "c")) {
            links.addAll(store.append(TestRecords.chain("gl.run.events.sql." + key, key, 6)).appended());
        }
        assertThat(rowsOf(infra, "gl.run.events.sql.")).as("every stored (Java) hash equals the SQL recomputation")
                .isEmpty();

        Appended victim = links.get(8); // chain b, seq 3
        try (Connection connection = infra.connection(); Statement statement = connection.createStatement()) {
            statement.execute("UPDATE audit_events SET canonical_json = '{\"tampered\":true}' WHERE chain_id = '"
                    + victim.chainId() + "' AND seq = " + victim.seq());
        }

        assertThat(rowsOf(infra, "gl.run.events.sql.")).containsExactly(new Row(victim.chainId(), victim.seq(), victim.seq(),
                victim.hash(), AuditHash.link(victim.prevHash(), "{\"tampered\":true}")));
        assertThat(store.verifyChain(victim.chainId()).firstBadSeq()).isEqualTo(victim.seq());
    }

    @Test
    void shouldListAGapAtTheSeqWhoseRowWasDeleted(TestInfra infra) throws SQLException, IOException {
        List<Appended> links = store.append(TestRecords.chain("gl.run.events.sqlgap", "g", 4)).appended();
        try (Connection connection = infra.connection(); Statement statement = connection.createStatement()) {
            statement.execute("DELETE FROM audit_events WHERE chain_id = '" + links.get(0).chainId() + "' AND seq = 2");
        }

        List<Row> rows = runVerifySql(infra).stream().filter(r -> r.chainId().equals(links.get(0).chainId())).toList();

        // seq 3 follows seq 1 now: its position is 2 and its recomputed link from seq 1 differs.
        assertThat(rows).extracting(Row::seq).containsExactly(3L, 4L);
        assertThat(rows.get(0).expectedSeq()).isEqualTo(2);
        assertThat(rows.get(0).recomputedHash())
                .isEqualTo(AuditHash.link(links.get(0).hash(), TestRecords.chain("gl.run.events.sqlgap", "g", 4)
                        .get(2).canonicalJson()));
    }

    @Test
    void shouldComputeTheSameHashesWithPgcryptoDigestAsWithBuiltInSha256(TestInfra infra) throws SQLException {
        List<Appended> links = store.append(TestRecords.chain("gl.run.events.pgcrypto", "p", 3)).appended();
        try (Connection connection = infra.connection(); Statement statement = connection.createStatement()) {
            try (ResultSet available = statement.executeQuery(
                    "SELECT 1 FROM pg_available_extensions WHERE name = 'pgcrypto'")) {
                Assumptions.assumeTrue(available.next(), "pgcrypto is not shipped with this PostgreSQL");
            }
            statement.execute("CREATE EXTENSION IF NOT EXISTS pgcrypto");
            List<String> digests = new ArrayList<>();
            try (ResultSet rows = statement.executeQuery("SELECT encode(digest(prev_hash || E'\\n' || canonical_json,"
                    + " 'sha256'), 'hex') FROM audit_events WHERE chain_id = '" + links.get(0).chainId()
                    + "' ORDER BY seq")) {
                while (rows.next()) {
                    digests.add(rows.getString(1));
                }
            }
            assertThat(digests).containsExactlyElementsOf(links.stream().map(Appended::hash).toList());
        }
    }

    private static List<Row> rowsOf(TestInfra infra, String chainPrefix) throws SQLException, IOException {
        return runVerifySql(infra).stream().filter(row -> row.chainId().startsWith(chainPrefix)).toList();
    }

    private static List<Row> runVerifySql(TestInfra infra) throws SQLException, IOException {
        List<Row> rows = new ArrayList<>();
        try (Connection connection = infra.connection(); Statement statement = connection.createStatement();
             ResultSet result = statement.executeQuery(AuditHashTest.verifySql())) {
            while (result.next()) {
                rows.add(new Row(result.getString("chain_id"), result.getLong("seq"), result.getLong("expected_seq"),
                        result.getString("stored_hash"), result.getString("recomputed_hash")));
            }
        }
        return rows;
    }

    record Row(String chainId, long seq, long expectedSeq, String storedHash, String recomputedHash) {
    }
}
