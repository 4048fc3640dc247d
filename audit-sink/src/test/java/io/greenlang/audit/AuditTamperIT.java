package io.greenlang.audit;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

import io.greenlang.audit.ChainVerification.Problem;
import io.greenlang.common.error.ErrorCode;
import io.greenlang.testkit.GreenLangIntegrationTest;
import io.greenlang.testkit.TestInfra;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What verification finds after a superuser drops the append-only trigger and tampers with stored events. Each
 * test tampers with its own chain of five events.
 */
@GreenLangIntegrationTest
class AuditTamperIT {

    private static final String TOPIC = "gl.run.events.tampered";
    private static AuditStore store;

    @BeforeAll
    static void migrateAndDropTheTrigger(TestInfra infra) throws SQLException {
        store = new AuditStore(infra.dataSource(), infra.schemaName());
        store.migrate();
        execute(infra, "DROP TRIGGER audit_events_append_only ON audit_events");
    }

    @Test
    void shouldReportAChangedEventAtItsSeq(TestInfra infra) throws SQLException {
        String chainId = chainOfFive("changed");
        execute(infra, "UPDATE audit_events SET canonical_json = replace(canonical_json, 'acme-heat', 'evil-heat')"
                + " WHERE chain_id = '" + chainId + "' AND seq = 3");

        assertBroken(store.verifyChain(chainId), Problem.HASH_MISMATCH, 3);
    }

    @Test
    void shouldReportAChangedEventWhoseHashWasRecomputedAtTheNextSeq(TestInfra infra) throws SQLException {
        String chainId = chainOfFive("rehashed");
        execute(infra, "UPDATE audit_events SET canonical_json = '{}', hash = encode(sha256(convert_to("
                + "prev_hash || E'\\n' || '{}', 'UTF8')), 'hex') WHERE chain_id = '" + chainId + "' AND seq = 3");

        assertBroken(store.verifyChain(chainId), Problem.PREV_HASH_MISMATCH, 4);
    }

    @Test
    void shouldReportADeletedEventAsAGapAtItsSeq(TestInfra infra) throws SQLException {
        String chainId = chainOfFive("deleted");
        execute(infra, "DELETE FROM audit_events WHERE chain_id = '" + chainId + "' AND seq = 3");

        assertBroken(store.verifyChain(chainId), Problem.SEQ_GAP, 3);
    }

    @Test
    void shouldReportADeletedLastEventAgainstTheChainHead(TestInfra infra) throws SQLException {
        String chainId = chainOfFive("truncated");
        execute(infra, "DELETE FROM audit_events WHERE chain_id = '" + chainId + "' AND seq = 5");

        assertBroken(store.verifyChain(chainId), Problem.HEAD_MISMATCH, 5);
    }

    @Test
    void shouldReportASwappedPairOfEventsAtTheFirstOfThem(TestInfra infra) throws SQLException {
        String chainId = chainOfFive("swapped");
        String where = " WHERE chain_id = '" + chainId + "' AND seq = ";
        execute(infra, "UPDATE audit_events SET seq = 1000" + where + "2");
        execute(infra, "UPDATE audit_events SET seq = 2" + where + "3");
        execute(infra, "UPDATE audit_events SET seq = 3" + where + "1000");

        assertBroken(store.verifyChain(chainId), Problem.PREV_HASH_MISMATCH, 2);
    }

    @Test
    void shouldNameOnlyTheBrokenChainsWhenVerifyingAll(TestInfra infra) throws SQLException {
        String intact = chainOfFive("intact");
        String broken = chainOfFive("broken-in-all");
        execute(infra, "UPDATE audit_events SET canonical_json = '{}' WHERE chain_id = '" + broken + "' AND seq = 1");

        List<ChainVerification> all = store.verifyAll();

        assertThat(all).filteredOn(v -> v.chainId().equals(intact)).singleElement()
                .satisfies(v -> assertThat(v.valid()).isTrue());
        assertThat(all).filteredOn(v -> v.chainId().equals(broken)).singleElement()
                .satisfies(v -> assertBroken(v, Problem.HASH_MISMATCH, 1));
        assertThat(all).extracting(ChainVerification::chainId).isSorted().doesNotHaveDuplicates();
    }

    private static String chainOfFive(String key) {
        AppendResult result = store.append(TestRecords.chain(TOPIC + "." + key, key, 5));
        assertThat(result.appended()).hasSize(5);
        String chainId = result.appended().get(0).chainId();
        assertThat(store.verifyChain(chainId).valid()).isTrue();
        return chainId;
    }

    private static void assertBroken(ChainVerification verification, Problem problem, long seq) {
        assertThat(verification.valid()).isFalse();
        assertThat(verification.problem()).as(verification.detail()).isEqualTo(problem);
        assertThat(verification.firstBadSeq()).isEqualTo(seq);
        assertThat(verification.errorCode()).isEqualTo(ErrorCode.AUDIT_CHAIN_BROKEN);
    }

    private static void execute(TestInfra infra, String sql) throws SQLException {
        try (Connection connection = infra.connection(); Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }
}
