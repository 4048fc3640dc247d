package io.greenlang.gateway;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import io.greenlang.audit.AuditRecord;
import io.greenlang.audit.AuditStore;
import io.greenlang.events.run.RunEvent;
import io.greenlang.events.run.RunEventKind;
import io.greenlang.schemas.EventSamples;
import io.greenlang.testkit.TestInfra;

/** Appends RunEvents of made-up runs to a test class's audit store, and tampers with them as a superuser would. */
final class AuditFixture {

    static final String TOPIC = "gl.run.events";
    static final Instant T0 = Instant.parse("2026-03-02T08:00:00.000Z");

    private final TestInfra infra;
    private final AuditStore store;
    private long nextOffset;

    AuditFixture(TestInfra infra, AuditStore store) {
        this.infra = infra;
        this.store = store;
    }

    /** A run that went PENDING, RUNNING, step extract RUNNING and SUCCEEDED, run SUCCEEDED: five events. */
    void succeededRun(String runId, String tenant) {
        RunEventKind run = RunEventKind.RUN_TRANSITION;
        RunEventKind step = RunEventKind.STEP_TRANSITION;
        List<AuditRecord> records = new ArrayList<>();
        records.add(record(runId, tenant, run, null, null, null, "PENDING", 0));
        records.add(record(runId, tenant, run, null, null, "PENDING", "RUNNING", 1));
        records.add(record(runId, tenant, step, "extract", 1, "DISPATCHED", "RUNNING", 2));
        records.add(record(runId, tenant, step, "extract", 1, "RUNNING", "SUCCEEDED", 3));
        records.add(record(runId, tenant, run, null, null, "RUNNING", "SUCCEEDED", 4));
        store.append(records);
    }

    /** A run with one transition into {@code status}. */
    void runIn(String runId, String tenant, String status) {
        store.append(List.of(record(runId, tenant, RunEventKind.RUN_TRANSITION, null, null, null, status, 0)));
    }

    /** Rewrites the stored text of one event of the run's chain, with the append-only trigger off. */
    void tamper(String runId, long seq) throws SQLException {
        try (Connection connection = infra.connection(); Statement session = connection.createStatement()) {
            session.execute("SET session_replication_role = replica");
            try (PreparedStatement update = connection.prepareStatement("UPDATE audit_events"
                    + " SET canonical_json = replace(canonical_json, 'SUCCEEDED', 'FAILED')"
                    + " WHERE chain_id = ? AND seq = ?")) {
                update.setString(1, AuditStore.chainIdFor(TOPIC, runId));
                update.setLong(2, seq);
                if (update.executeUpdate() != 1) {
                    throw new IllegalStateException("no event " + seq + " of run " + runId + " to tamper with");
                }
            }
        }
    }

    private AuditRecord record(String runId, String tenant, RunEventKind kind, String step, Integer attempt,
                               String from, String to, int second) {
        RunEvent event = EventSamples.sample(RunEvent.class);
        event.getMeta().setEventId(UUID.randomUUID().toString());
        event.getMeta().setTenantId(tenant);
        event.getMeta().setOccurredAt(T0.plusSeconds(second));
        event.setRunId(runId);
        event.setKind(kind);
        event.setStep(step);
        event.setAttempt(attempt);
        event.setFromStatus(from);
        event.setToStatus(to);
        event.setErrorCode(null);
        event.setMessage(null);
        return AuditRecord.of(TOPIC, 0, nextOffset++, runId, event);
    }
}
