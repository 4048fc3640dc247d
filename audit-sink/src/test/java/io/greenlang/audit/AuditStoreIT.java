package io.greenlang.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import io.greenlang.audit.AppendResult.Appended;
import io.greenlang.audit.AppendResult.Reason;
import io.greenlang.audit.AppendResult.Skipped;
import io.greenlang.audit.ChainVerification.Problem;
import io.greenlang.common.json.Hashing;
import io.greenlang.testkit.GreenLangIntegrationTest;
import io.greenlang.testkit.TestInfra;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

@GreenLangIntegrationTest
class AuditStoreIT {

    private static AuditStore store;

    @BeforeAll
    static void migrate(TestInfra infra) {
        store = new AuditStore(infra.dataSource(), infra.schemaName());
        store.migrate();
        store.migrate(); // idempotent
    }

    @Test
    void shouldLinkEachOfManyInterleavedChainsInItsOwnOrder(TestInfra infra) throws SQLException {
        String topic = "gl.run.events.interleaved";
        int partitions = 3;
        int chains = 7;
        int perChain = 30;
        List<AuditRecord> records = new ArrayList<>();
        long[] nextOffset = new long[partitions];
        for (int round = 0; round < perChain; round++) {
            for (int chain = 0; chain < chains; chain++) {
                int partition = chain % partitions;
                records.add(TestRecords.runEvent(topic, partition, nextOffset[partition]++, "run-" + chain));
            }
        }
        List<Appended> appended = new ArrayList<>();
        for (int from = 0; from < records.size(); from += 37) {
            AppendResult result = store.append(records.subList(from, Math.min(records.size(), from + 37)));
            assertThat(result.skipped()).isEmpty();
            appended.addAll(result.appended());
        }
        assertThat(appended).hasSize(chains * perChain);

        Map<String, String> expectedPrev = new HashMap<>();
        Map<String, Long> expectedSeq = new HashMap<>();
        try (Connection connection = infra.connection();
             PreparedStatement select = connection.prepareStatement("SELECT chain_id, seq, event_id, canonical_json,"
                     + " prev_hash, hash, topic, partition, \"offset\" FROM audit_events WHERE topic = ?"
                     + " ORDER BY partition, \"offset\"")) {
            select.setString(1, topic);
            try (ResultSet rows = select.executeQuery()) {
                int count = 0;
                while (rows.next()) {
                    count++;
                    String chainId = rows.getString("chain_id");
                    long seq = expectedSeq.merge(chainId, 1L, Long::sum);
                    String prev = expectedPrev.getOrDefault(chainId, Hashing.ZERO_HASH);
                    assertThat(rows.getLong("seq")).as(chainId).isEqualTo(seq);
                    assertThat(rows.getString("prev_hash")).isEqualTo(prev);
                    String hash = AuditHash.link(prev, rows.getString("canonical_json"));
                    assertThat(rows.getString("hash")).isEqualTo(hash);
                    expectedPrev.put(chainId, hash);
                }
                assertThat(count).isEqualTo(chains * perChain);
            }
        }
        assertThat(expectedSeq).hasSize(chains).allSatisfy((chainId, last) -> {
            assertThat(last).isEqualTo(perChain);
            ChainVerification verification = store.verifyChain(chainId);
            assertThat(verification.valid()).as(verification.detail()).isTrue();
            assertThat(verification.events()).isEqualTo(perChain);
        });
        assertThat(appended).filteredOn(a -> a.chainId().equals(topic + "/run-3"))
                .extracting(Appended::seq).containsExactly(java.util.stream.LongStream.rangeClosed(1, perChain).boxed()
                        .toArray(Long[]::new));
    }

    @Test
    void shouldSkipRedeliveredRecordsWithoutAdvancingTheChain() {
        String topic = "gl.run.events.redelivered";
        List<AuditRecord> records = TestRecords.chain(topic, "run-r", 4);
        AppendResult first = store.append(records.subList(0, 3));
        assertThat(first.appended()).extracting(Appended::seq).containsExactly(1L, 2L, 3L);

        // A rebalance redelivers offsets 1 and 2, then the new offset 3, which also appears twice in the batch.
        AppendResult second = store.append(List.of(records.get(1), records.get(2), records.get(3), records.get(3)));

        assertThat(second.appended()).singleElement().satisfies(link -> {
            assertThat(link.seq()).isEqualTo(4);
            assertThat(link.eventId()).isEqualTo(records.get(3).eventId());
            assertThat(link.prevHash()).isEqualTo(first.appended().get(2).hash());
        });
        assertThat(second.skipped()).extracting(Skipped::reason)
                .containsExactly(Reason.ALREADY_STORED, Reason.ALREADY_STORED, Reason.ALREADY_STORED);
        assertThat(store.append(records).appended()).isEmpty();
        ChainVerification verification = store.verifyChain(AuditStore.chainIdFor(topic, "run-r"));
        assertThat(verification.valid()).isTrue();
        assertThat(verification.events()).isEqualTo(4);
    }

    @Test
    void shouldSkipAnEventIdAlreadyStoredAtOtherCoordinates() {
        String topic = "gl.run.events.republished";
        AuditRecord original = TestRecords.runEvent(topic, 0, 0, "run-p");
        AuditRecord republished = new AuditRecord(original.chainId(), original.eventId(), original.eventType(),
                topic, 0, 1, original.occurredAt(), original.tenantId(), original.canonicalJson());
        store.append(List.of(original));

        AppendResult result = store.append(List.of(republished));

        assertThat(result.appended()).isEmpty();
        assertThat(result.skipped()).extracting(Skipped::reason).containsExactly(Reason.DUPLICATE_EVENT_ID);
        assertThat(store.verifyChain(original.chainId()).events()).isEqualTo(1);
    }

    @Test
    void shouldRejectUpdateDeleteAndTruncateEvenForTheSuperuser(TestInfra infra) throws SQLException {
        String topic = "gl.run.events.immutable";
        store.append(TestRecords.chain(topic, "run-i", 2));
        try (Connection connection = infra.connection(); Statement statement = connection.createStatement()) {
            assertThat(infra.postgresUser()).isEqualTo("postgres");
            assertThatThrownBy(() -> statement.executeUpdate(
                    "UPDATE audit_events SET canonical_json = '{}' WHERE topic = '" + topic + "'"))
                    .isInstanceOf(SQLException.class)
                    .hasMessageContaining("GL-E-AUDIT-CHAIN-BROKEN").hasMessageContaining("UPDATE rejected");
            assertThatThrownBy(() -> statement.executeUpdate("DELETE FROM audit_events WHERE topic = '" + topic + "'"))
                    .isInstanceOf(SQLException.class)
                    .hasMessageContaining("GL-E-AUDIT-CHAIN-BROKEN").hasMessageContaining("DELETE rejected");
            assertThatThrownBy(() -> statement.executeUpdate("TRUNCATE audit_events"))
                    .isInstanceOf(SQLException.class)
                    .hasMessageContaining("GL-E-AUDIT-CHAIN-BROKEN").hasMessageContaining("TRUNCATE rejected");
        }
        assertThat(store.verifyChain(AuditStore.chainIdFor(topic, "run-i")).events()).isEqualTo(2);
    }

    @Test
    void shouldReportAnUnknownChainAsEmptyAndValid() {
        ChainVerification verification = store.verifyChain("gl.run.events/never-written");
        assertThat(verification.valid()).isTrue();
        assertThat(verification.events()).isZero();
    }

    @Test
    void shouldReportTamperedChainsInSinglePassVerificationExactlyAsPerChainVerification(TestInfra infra)
            throws SQLException {
        AuditStore scan = new AuditStore(infra.dataSource(), infra.schemaName() + "_scan");
        scan.migrate();
        // Keys whose order differs between collations ('-', '_', '.', case) and topics with a test prefix.
        List<String> keys = List.of("run-a", "run_a", "Run-b", "run.c", "run-B", "x", "run-z/with/slash");
        List<String> topics = List.of("gl.run.events", "t0ab12-gl.run.events", "gl.step.events");
        List<AuditRecord> records = new ArrayList<>();
        long[] nextOffset = new long[topics.size()];
        for (int round = 0; round < 6; round++) {
            for (String key : keys) {
                for (int t = 0; t < topics.size(); t++) {
                    records.add(TestRecords.runEvent(topics.get(t), 0, nextOffset[t]++, key));
                }
            }
        }
        for (int from = 0; from < records.size(); from += 25) {
            scan.append(records.subList(from, Math.min(records.size(), from + 25)));
        }
        String events = scan.schema() + ".audit_events";
        String heads = scan.schema() + ".audit_chain_heads";
        AuditVerifierIT.tamper(infra,
                "UPDATE " + events + " SET canonical_json = '{}' WHERE chain_id = 'gl.run.events/run_a' AND seq = 4",
                "DELETE FROM " + events + " WHERE chain_id = 'gl.step.events/Run-b' AND seq = 2",
                "DELETE FROM " + events + " WHERE chain_id = 'gl.run.events/x'", // a head but no events
                "DELETE FROM " + heads + " WHERE chain_id = 't0ab12-gl.run.events/run.c'"); // events but no head

        List<ChainVerification> all = scan.verifyAll();

        List<String> expectedOrder = new ArrayList<>();
        try (Connection connection = infra.connection();
             PreparedStatement select = connection.prepareStatement("SELECT chain_id FROM " + heads
                     + " UNION SELECT chain_id FROM " + events + " ORDER BY chain_id");
             ResultSet rows = select.executeQuery()) {
            while (rows.next()) {
                expectedOrder.add(rows.getString(1));
            }
        }
        assertThat(expectedOrder).hasSize(keys.size() * topics.size());
        assertThat(all).isEqualTo(expectedOrder.stream().map(scan::verifyChain).toList());
        assertThat(all).filteredOn(v -> !v.valid())
                .extracting(ChainVerification::chainId, ChainVerification::problem, ChainVerification::firstBadSeq)
                .containsExactlyInAnyOrder(
                        org.assertj.core.groups.Tuple.tuple("gl.run.events/run_a", Problem.HASH_MISMATCH, 4L),
                        org.assertj.core.groups.Tuple.tuple("gl.step.events/Run-b", Problem.SEQ_GAP, 2L),
                        org.assertj.core.groups.Tuple.tuple("gl.run.events/x", Problem.HEAD_MISMATCH, 1L),
                        org.assertj.core.groups.Tuple.tuple("t0ab12-gl.run.events/run.c", Problem.HEAD_MISMATCH, 6L));
    }

    @Test
    void shouldTellTheListenerOfEveryChainOnceWithTheTotalKnownUpFront() {
        for (int chain = 0; chain < 5; chain++) {
            store.append(TestRecords.chain("gl.run.events.listened", "run-l" + chain, 1 + chain));
        }
        long total = store.chainCount();
        List<String> seen = new ArrayList<>();
        AtomicLong lastDone = new AtomicLong();

        List<ChainVerification> all = store.verifyAll((result, done, chainsTotal) -> {
            assertThat(chainsTotal).isEqualTo(total);
            assertThat(done).isEqualTo(lastDone.incrementAndGet());
            seen.add(result.chainId());
        });

        assertThat(all).hasSize((int) total);
        assertThat(seen).isEqualTo(all.stream().map(ChainVerification::chainId).toList());
        assertThat(lastDone).hasValue(total);
    }

    @Test
    void shouldVerifyTheChainsOfOneKeyAcrossTopicsWhateverTheirPrefix() {
        String key = "run-of-key/7";
        List<String> ofKey = List.of(AuditStore.chainIdFor("t9-gl.run.events", key),
                AuditStore.chainIdFor("t9-gl.step.events", key), AuditStore.chainIdFor("t9-gl.policy.decisions", key));
        for (int i = 0; i < ofKey.size(); i++) {
            String topic = ofKey.get(i).substring(0, ofKey.get(i).indexOf('/'));
            store.append(TestRecords.chain(topic, key, 1 + i));
        }
        store.append(TestRecords.chain("t9-gl.run.events.other", "x/" + key, 1)); // key x/run-of-key/7
        store.append(TestRecords.chain("t9-gl.run.events.other", key + "0", 1));
        store.append(TestRecords.chain("t9-gl.run.events.other", "pre" + key, 1));

        List<String> chains = store.chainsOfKey(key);

        assertThat(chains).containsExactlyInAnyOrderElementsOf(ofKey);
        List<AtomicLong> totals = new ArrayList<>();
        List<ChainVerification> verified = store.verifyChains(chains, (result, done, total) ->
                totals.add(new AtomicLong(total)));
        assertThat(verified).extracting(ChainVerification::chainId).isEqualTo(chains);
        assertThat(verified).allMatch(ChainVerification::valid).extracting(ChainVerification::events)
                .containsExactlyInAnyOrder(1L, 2L, 3L);
        assertThat(totals).extracting(AtomicLong::get).containsOnly(3L).hasSize(3);
        assertThat(store.chainsOfKey("never-written")).isEmpty();
    }

    @Test
    void shouldFindTheChainsAppendedToSinceAnInstant(TestInfra infra) throws SQLException {
        store.append(TestRecords.chain("gl.run.events.before", "run-old", 2));
        Instant since;
        try (Connection connection = infra.connection();
             ResultSet rows = connection.createStatement().executeQuery("SELECT clock_timestamp()")) {
            rows.next();
            since = rows.getObject(1, OffsetDateTime.class).toInstant();
        }
        store.append(TestRecords.chain("gl.run.events.after", "run-new", 2));

        List<String> chains = store.chainsSince(since);

        assertThat(chains).contains("gl.run.events.after/run-new").doesNotContain("gl.run.events.before/run-old");
        assertThat(store.chainsSince(Instant.now().plusSeconds(3600))).isEmpty();
    }
}
