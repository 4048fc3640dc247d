package io.greenlang.audit;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;

import io.greenlang.audit.AppendResult.Appended;
import io.greenlang.audit.AppendResult.Reason;
import io.greenlang.audit.AppendResult.Skipped;
import io.greenlang.testkit.GreenLangIntegrationTest;
import io.greenlang.testkit.TestInfra;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The append's write path (COPY) and its existence check by offset ranges, against a real PostgreSQL. */
@GreenLangIntegrationTest
class AuditStoreCopyIT {

    private static AuditStore store;

    @BeforeAll
    static void migrate(TestInfra infra) {
        store = new AuditStore(infra.dataSource(), infra.schemaName());
        store.migrate();
    }

    @Test
    void shouldStoreEveryCharacterOfTextColumnsExactlyAsGiven(TestInfra infra) throws SQLException {
        String topic = "gl.copy.text";
        List<String> jsons = List.of(
                "{\"path\":\"C:\\\\runs\\\\r1\",\"quote\":\"\\\"\",\"u\":\"\\u0000\\u001f\"}",
                "{\"raw\":\"tab\there\",\"nl\":\"line\nbreak\",\"cr\":\"a\rb\",\"crlf\":\"x\r\ny\"}",
                "{\"null\":\"\\N\",\"end\":\"\\.\",\"both\":\"\\\\N\\\\.\"}",
                "{\"unicode\":\"é€😀 e\u0301 \u2028 \u00a0 日本語\",\"ctl\":\"\u0001\b\f\u000b\u007f\"}",
                "\\.\n");
        List<AuditRecord> records = new ArrayList<>();
        for (int i = 0; i < jsons.size(); i++) {
            records.add(new AuditRecord(AuditStore.chainIdFor(topic, "key\t" + (i % 2)), "id\\N\t" + i,
                    "io.greenlang.Event\r\n", topic, 3, i, Instant.parse("2026-11-22T10:15:30.123456Z").plusSeconds(i),
                    "tenant é\\", jsons.get(i)));
        }

        AppendResult result = store.append(records);

        assertThat(result.skipped()).isEmpty();
        try (Connection connection = infra.dataSource().getConnection();
             PreparedStatement select = connection.prepareStatement("SELECT chain_id, event_id, event_type, tenant_id,"
                     + " canonical_json, occurred_at, prev_hash, hash FROM " + store.schema()
                     + ".audit_events WHERE topic = ? ORDER BY \"offset\"")) {
            select.setString(1, topic);
            try (ResultSet rows = select.executeQuery()) {
                for (int i = 0; i < records.size(); i++) {
                    assertThat(rows.next()).isTrue();
                    AuditRecord record = records.get(i);
                    Appended link = result.appended().get(i);
                    assertThat(rows.getString(1)).isEqualTo(record.chainId());
                    assertThat(rows.getString(2)).isEqualTo(record.eventId());
                    assertThat(rows.getString(3)).isEqualTo(record.eventType());
                    assertThat(rows.getString(4)).isEqualTo(record.tenantId());
                    assertThat(rows.getString(5)).isEqualTo(record.canonicalJson());
                    assertThat(rows.getObject(6, OffsetDateTime.class).toInstant()).isEqualTo(record.occurredAt());
                    assertThat(rows.getString(7)).isEqualTo(link.prevHash());
                    assertThat(rows.getString(8)).isEqualTo(link.hash());
                }
                assertThat(rows.next()).isFalse();
            }
        }
        assertThat(store.verifyChain(records.get(0).chainId()).valid()).isTrue();
        assertThat(store.verifyChain(records.get(1).chainId()).valid()).isTrue();
    }

    @Test
    void shouldSkipExactlyTheStoredOffsetsAmongGapsAndFarApartOffsets() {
        String topic = "gl.copy.ranges";
        List<AuditRecord> first = new ArrayList<>();
        for (long offset = 0; offset <= 40; offset += 2) {
            first.add(TestRecords.runEvent(topic, 0, offset, "run-a"));
        }
        first.add(TestRecords.runEvent(topic, 0, 10_000, "run-a"));
        first.add(TestRecords.runEvent(topic, 1, 5, "run-b"));
        assertThat(store.append(first).skipped()).isEmpty();

        List<AuditRecord> second = new ArrayList<>();
        for (long offset = 0; offset <= 41; offset++) {
            second.add(TestRecords.runEvent(topic, 0, offset, "run-a"));
        }
        second.add(TestRecords.runEvent(topic, 0, 5_000, "run-a"));
        second.add(TestRecords.runEvent(topic, 0, 10_000, "run-a"));
        second.add(TestRecords.runEvent(topic, 1, 4, "run-b"));
        second.add(TestRecords.runEvent(topic, 1, 5, "run-b"));
        second.add(TestRecords.runEvent(topic, 2, 5, "run-c"));
        AppendResult result = store.append(second);

        assertThat(result.skipped()).allMatch(s -> s.reason() == Reason.ALREADY_STORED);
        assertThat(result.skipped()).extracting(Skipped::record)
                .extracting(r -> r.partition() + "/" + r.offset())
                .containsExactlyElementsOf(expectedSkipped());
        assertThat(result.appended()).hasSize(second.size() - expectedSkipped().size());
        assertThat(store.verifyChain(AuditStore.chainIdFor(topic, "run-a")).valid()).isTrue();
        assertThat(store.verifyChain(AuditStore.chainIdFor(topic, "run-a")).events())
                .isEqualTo(first.size() - 1 + 21 + 1);
    }

    private static List<String> expectedSkipped() {
        List<String> skipped = new ArrayList<>();
        for (long offset = 0; offset <= 40; offset += 2) {
            skipped.add("0/" + offset);
        }
        skipped.add("0/10000");
        skipped.add("1/5");
        return skipped;
    }
}
