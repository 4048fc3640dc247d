package io.greenlang.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import io.greenlang.audit.ReplayReport.Status;
import io.greenlang.events.common.DeadLetter;
import io.greenlang.events.run.RunEvent;
import io.greenlang.events.run.StepEvent;
import io.greenlang.testkit.GreenLangIntegrationTest;
import io.greenlang.testkit.TestInfra;
import io.greenlang.topics.Topic;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Replays of the audited topics (two topics of 12 partitions, 40 keys, one poison record) into scratch schemas,
 * compared with the live store the sink wrote. The last two tests tamper with the live store, so they run last.
 */
@GreenLangIntegrationTest
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class AuditReplayIT {

    private static final int KEYS = 20;
    private static final int ROUNDS_PER_HALF = 3;
    private static final String POISONED_KEY = "run-7";

    private static SinkFixture fixture;
    private static AuditReplay replay;
    private static Instant midStream;
    private static long secondHalf;

    @BeforeAll
    static void produceTwoHalvesAndSinkThem(TestInfra infra) {
        fixture = new SinkFixture(infra);
        replay = new AuditReplay(fixture.catalog, infra.dataSource(), infra.consumerProperties("replay"));
        fixture.sendAll(half(true));
        fixture.sinkUntilCaughtUp("live");
        midStream = Instant.now();
        List<ProducerRecord<String, byte[]>> second = half(false);
        secondHalf = second.size();
        fixture.sendAll(second);
        fixture.sinkUntilCaughtUp("live");
    }

    /** Every key gets events on both topics in each round; the first half also has one poison record. */
    private static List<ProducerRecord<String, byte[]>> half(boolean withPoison) {
        List<ProducerRecord<String, byte[]>> records = new ArrayList<>();
        Topic<String, RunEvent> runs = fixture.catalog.runEvents();
        Topic<String, StepEvent> steps = fixture.catalog.stepEvents();
        for (int round = 0; round < ROUNDS_PER_HALF; round++) {
            for (int k = 0; k < KEYS; k++) {
                String key = "run-" + k;
                records.add(new ProducerRecord<>(runs.name(), key,
                        runs.valueSerde().serializer().serialize(runs.name(), SinkFixture.runEvent())));
                records.add(new ProducerRecord<>(steps.name(), key,
                        steps.valueSerde().serializer().serialize(steps.name(), SinkFixture.stepEvent())));
                if (withPoison && round == 1 && key.equals(POISONED_KEY)) {
                    records.add(new ProducerRecord<>(runs.name(), key,
                            "not avro".getBytes(StandardCharsets.UTF_8)));
                }
            }
        }
        return records;
    }

    @Test
    @Order(1)
    void shouldReproduceEveryLiveHashIncludingTheDeadLetterWhenReplayingEarliestToLatest(TestInfra infra)
            throws SQLException {
        String scratch = infra.schemaName() + "_full";
        AtomicLong lastReplayed = new AtomicLong();
        AtomicLong lastTotal = new AtomicLong();

        ReplayReport report = replay.run(ReplayOptions.of(SinkFixture.AUDITED, infra.schemaName(), scratch)
                .withReset(true).withBatchSize(100), (replayed, total) -> {
                    assertThat(replayed).isGreaterThan(lastReplayed.get());
                    lastReplayed.set(replayed);
                    lastTotal.set(total);
                });

        long liveRows = fixture.rows();
        assertThat(report.allEqual()).as("%s", report.differences()).isTrue();
        assertThat(report.count(Status.EQUAL)).isEqualTo(2L * KEYS);
        assertThat(report.count(Status.LIVE_ONLY)).isZero();
        assertThat(report.eventsReplayed()).isEqualTo(liveRows).isEqualTo(lastReplayed.get());
        assertThat(report.appended()).isEqualTo(liveRows);
        assertThat(lastTotal.get()).isGreaterThanOrEqualTo(liveRows);
        assertThat(report.eventsPerSecond()).isPositive();
        List<String> live = hashes(infra, infra.schemaName());
        assertThat(hashes(infra, scratch)).isEqualTo(live);
        assertThat(live).filteredOn(row -> row.endsWith(DeadLetter.class.getName())).hasSize(1);
        assertThat(new AuditStore(infra.dataSource(), scratch).verifyAll()).allMatch(ChainVerification::valid);
    }

    @Test
    @Order(2)
    void shouldCompareEqualFromAMidStreamInstantByAnchoringChainsOnTheLiveStore(TestInfra infra) {
        String scratch = infra.schemaName() + "_mid";

        ReplayReport report = replay.run(ReplayOptions.of(SinkFixture.AUDITED, infra.schemaName(), scratch)
                .withStart(ReplayOptions.Start.at(midStream)).withReset(true));

        assertThat(report.allEqual()).as("%s", report.differences()).isTrue();
        assertThat(report.eventsReplayed()).isEqualTo(secondHalf);
        assertThat(report.count(Status.EQUAL)).isEqualTo(2L * KEYS);
        // every chain began before the start: its replayed events got the live seqs after the anchor
        assertThat(report.chains()).allSatisfy(chain -> assertThat(chain.firstSeq()).isGreaterThan(1));
    }

    @Test
    @Order(3)
    void shouldNameExactlyTheChainWhoseLiveRowsWereDeletedAsMissing(TestInfra infra) throws SQLException {
        String deleted = AuditStore.chainIdFor(fixture.catalog.stepEvents().name(), "run-3");
        try (Connection connection = infra.connection(); Statement statement = connection.createStatement()) {
            statement.execute("ALTER TABLE audit_events DISABLE TRIGGER audit_events_append_only");
            statement.execute("DELETE FROM audit_events WHERE chain_id = '" + deleted + "'");
            statement.execute("DELETE FROM audit_chain_heads WHERE chain_id = '" + deleted + "'");
            statement.execute("ALTER TABLE audit_events ENABLE TRIGGER audit_events_append_only");
        }

        ReplayReport report = replay.run(ReplayOptions.of(SinkFixture.AUDITED, infra.schemaName(),
                infra.schemaName() + "_tampered").withReset(true));

        assertThat(report.allEqual()).isFalse();
        assertThat(report.differences()).singleElement().satisfies(chain -> {
            assertThat(chain.chainId()).isEqualTo(deleted);
            assertThat(chain.status()).isEqualTo(Status.MISSING);
            assertThat(chain.firstBadSeq()).isEqualTo(1);
            assertThat(chain.events()).isEqualTo(2L * ROUNDS_PER_HALF);
        });
        assertThat(report.count(Status.EQUAL)).isEqualTo(2L * KEYS - 1);
    }

    @Test
    @Order(4)
    void shouldNameAChainWhoseLiveEventWasRehashedAsDifferingAtThatSeq(TestInfra infra) throws SQLException {
        String rehashed = AuditStore.chainIdFor(fixture.catalog.runEvents().name(), "run-11");
        try (Connection connection = infra.connection(); Statement statement = connection.createStatement()) {
            statement.execute("ALTER TABLE audit_events DISABLE TRIGGER audit_events_append_only");
            statement.execute("UPDATE audit_events SET canonical_json = '{}', hash = encode(sha256(convert_to("
                    + "prev_hash || E'\\n' || '{}', 'UTF8')), 'hex') WHERE chain_id = '" + rehashed + "' AND seq = 4");
            statement.execute("ALTER TABLE audit_events ENABLE TRIGGER audit_events_append_only");
        }

        ReplayReport report = replay.run(ReplayOptions.of(SinkFixture.AUDITED, infra.schemaName(),
                infra.schemaName() + "_tampered").withReset(true));

        assertThat(report.differences()).extracting(ReplayReport.ChainComparison::chainId,
                        ReplayReport.ChainComparison::status, ReplayReport.ChainComparison::firstBadSeq)
                .containsExactly(tuple(rehashed, Status.DIFFERING, 4L),
                        tuple(AuditStore.chainIdFor(fixture.catalog.stepEvents().name(), "run-3"), Status.MISSING, 1L));
    }

    /** Every event of a store as "chain_id seq hash event_type", in chain and seq order. */
    private static List<String> hashes(TestInfra infra, String schema) throws SQLException {
        List<String> result = new ArrayList<>();
        try (Connection connection = infra.connection();
             PreparedStatement select = connection.prepareStatement("SELECT chain_id, seq, prev_hash, hash,"
                     + " event_type FROM " + schema + ".audit_events ORDER BY chain_id, seq");
             ResultSet rows = select.executeQuery()) {
            while (rows.next()) {
                result.add(rows.getString(1) + " " + rows.getLong(2) + " " + rows.getString(3) + " "
                        + rows.getString(4) + " " + rows.getString(5));
            }
        }
        return result;
    }
}
