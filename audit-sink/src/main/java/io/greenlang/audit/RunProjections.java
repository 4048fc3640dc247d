package io.greenlang.audit;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.greenlang.audit.AppendResult.Appended;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Maintains and reads the run projections ({@code audit_runs}, {@code audit_steps}) of one store. {@link #apply}
 * folds appended RunEvents into them inside the append transaction; it reads nothing but the records and their
 * seqs (never the clock), so the projections are a pure function of the chains. Must never be called with
 * skipped records: a redelivery would be counted twice.
 */
final class RunProjections {

    /** Full Avro name of the events projected. */
    static final String RUN_EVENT_TYPE = "io.greenlang.events.run.RunEvent";

    private static final Logger LOG = LoggerFactory.getLogger(RunProjections.class);
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final Set<String> TERMINAL_RUN = Set.of("SUCCEEDED", "FAILED", "CANCELLED");
    private static final Set<String> TERMINAL_STEP = Set.of("SUCCEEDED", "FAILED", "TIMED_OUT", "SKIPPED", "CANCELLED");
    private static final String RUNNING = "RUNNING";
    private static final String RUN_COLUMNS =
            "run_id, tenant_id, status, error_code, created_at, updated_at, finished_at, events, last_seq";
    private static final String STEP_COLUMNS =
            "run_id, step, attempt, status, error_code, started_at, finished_at, updated_at";

    private final String schema;
    private final String runs;
    private final String steps;

    RunProjections(String schema) {
        this.schema = schema;
        this.runs = schema + ".audit_runs";
        this.steps = schema + ".audit_steps";
    }

    /**
     * Folds the appended records that are RunEvents into the projections, on the caller's transaction. Upserts
     * are batched per table and ordered by key (run id; run id and step), each key's events in chain order, so
     * the last event wins and concurrent appends lock projection rows in one global order.
     *
     * @param connection the append transaction
     * @param records    the appended records, in append order
     * @param links      their links, one per record, same order
     */
    void apply(Connection connection, List<AuditRecord> records, List<Appended> links) throws SQLException {
        List<Transition> transitions = new ArrayList<>();
        for (int i = 0; i < records.size(); i++) {
            Transition transition = parse(records.get(i), links.get(i).seq());
            if (transition != null) {
                transitions.add(transition);
            }
        }
        if (transitions.isEmpty()) {
            return;
        }
        // List.sort is stable: the events of one run (and of one step) keep their chain order.
        transitions.sort(Comparator.comparing(Transition::runId));
        upsertRuns(connection, transitions);
        List<Transition> stepTransitions = new ArrayList<>(transitions.stream().filter(t -> t.step() != null).toList());
        stepTransitions.sort(Comparator.comparing(Transition::runId).thenComparing(Transition::step));
        upsertSteps(connection, stepTransitions);
    }

    private void upsertRuns(Connection connection, List<Transition> transitions) throws SQLException {
        try (PreparedStatement upsert = connection.prepareStatement("INSERT INTO " + runs + " AS r (" + RUN_COLUMNS
                + ") VALUES (?, ?, ?, ?, ?, ?, ?, 1, ?) ON CONFLICT (run_id) DO UPDATE SET"
                + " status = CASE WHEN ? THEN EXCLUDED.status ELSE r.status END,"
                + " error_code = CASE WHEN ? THEN EXCLUDED.error_code ELSE r.error_code END,"
                + " finished_at = CASE WHEN ? THEN EXCLUDED.finished_at ELSE r.finished_at END,"
                + " updated_at = EXCLUDED.updated_at, events = r.events + 1, last_seq = EXCLUDED.last_seq")) {
            for (Transition t : transitions) {
                boolean run = t.step() == null;
                upsert.setString(1, t.runId());
                upsert.setString(2, t.tenantId());
                setNullable(upsert, 3, run ? t.toStatus() : null);
                setNullable(upsert, 4, run ? t.errorCode() : null);
                upsert.setObject(5, timestamp(t.occurredAt()));
                upsert.setObject(6, timestamp(t.occurredAt()));
                upsert.setObject(7, run && TERMINAL_RUN.contains(t.toStatus()) ? timestamp(t.occurredAt()) : null,
                        Types.TIMESTAMP_WITH_TIMEZONE);
                upsert.setLong(8, t.seq());
                upsert.setBoolean(9, run);
                upsert.setBoolean(10, run);
                upsert.setBoolean(11, run);
                upsert.addBatch();
            }
            upsert.executeBatch();
        }
    }

    private void upsertSteps(Connection connection, List<Transition> transitions) throws SQLException {
        if (transitions.isEmpty()) {
            return;
        }
        try (PreparedStatement upsert = connection.prepareStatement("INSERT INTO " + steps + " AS s (" + STEP_COLUMNS
                + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (run_id, step) DO UPDATE SET"
                + " attempt = EXCLUDED.attempt, status = EXCLUDED.status, error_code = EXCLUDED.error_code,"
                + " started_at = CASE WHEN EXCLUDED.started_at IS NOT NULL THEN EXCLUDED.started_at"
                + " WHEN EXCLUDED.attempt IS DISTINCT FROM s.attempt THEN NULL ELSE s.started_at END,"
                + " finished_at = EXCLUDED.finished_at, updated_at = EXCLUDED.updated_at")) {
            for (Transition t : transitions) {
                upsert.setString(1, t.runId());
                upsert.setString(2, t.step());
                if (t.attempt() == null) {
                    upsert.setNull(3, Types.INTEGER);
                } else {
                    upsert.setInt(3, t.attempt());
                }
                upsert.setString(4, t.toStatus());
                setNullable(upsert, 5, t.errorCode());
                upsert.setObject(6, RUNNING.equals(t.toStatus()) ? timestamp(t.occurredAt()) : null,
                        Types.TIMESTAMP_WITH_TIMEZONE);
                upsert.setObject(7, TERMINAL_STEP.contains(t.toStatus()) ? timestamp(t.occurredAt()) : null,
                        Types.TIMESTAMP_WITH_TIMEZONE);
                upsert.setObject(8, timestamp(t.occurredAt()));
                upsert.addBatch();
            }
            upsert.executeBatch();
        }
    }

    /** The transition a record carries, or null if it is not a RunEvent or not a well-formed one (logged). */
    private Transition parse(AuditRecord record, long seq) {
        if (!RUN_EVENT_TYPE.equals(record.eventType())) {
            return null;
        }
        JsonNode event;
        try {
            event = MAPPER.readTree(record.canonicalJson());
        } catch (JsonProcessingException e) {
            LOG.warn("[audit {}] chain {} seq {}: RunEvent is not JSON, not projected: {}", schema, record.chainId(),
                    seq, e.getOriginalMessage());
            return null;
        }
        String runId = text(event, "run_id");
        String kind = text(event, "kind");
        String step = text(event, "step");
        String toStatus = text(event, "to_status");
        boolean runTransition = "RUN_TRANSITION".equals(kind);
        if (runId == null || toStatus == null || !(runTransition || "STEP_TRANSITION".equals(kind))
                || (!runTransition && step == null)) {
            LOG.warn("[audit {}] chain {} seq {}: RunEvent without run_id, kind, to_status or step, not projected",
                    schema, record.chainId(), seq);
            return null;
        }
        JsonNode attempt = event.get("attempt");
        return new Transition(runId, record.tenantId(), runTransition ? null : step,
                attempt != null && attempt.canConvertToInt() ? Integer.valueOf(attempt.intValue()) : null,
                toStatus, text(event, "error_code"), record.occurredAt(), seq);
    }

    Optional<RunProjection> run(Connection connection, String runId) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement(
                "SELECT " + RUN_COLUMNS + " FROM " + runs + " WHERE run_id = ?")) {
            select.setString(1, runId);
            try (ResultSet rows = select.executeQuery()) {
                return rows.next() ? Optional.of(runOf(rows)) : Optional.empty();
            }
        }
    }

    List<RunProjection> runs(Connection connection, String status, String tenantId, int limit, String afterRunId)
            throws SQLException {
        // Only constant fragments are concatenated; every value is a bind parameter.
        StringBuilder sql = new StringBuilder("SELECT ").append(RUN_COLUMNS).append(" FROM ").append(runs)
                .append(" WHERE true");
        List<String> values = new ArrayList<>();
        if (status != null) {
            sql.append(" AND status = ?");
            values.add(status);
        }
        if (tenantId != null) {
            sql.append(" AND tenant_id = ?");
            values.add(tenantId);
        }
        if (afterRunId != null) {
            sql.append(" AND run_id > ?");
            values.add(afterRunId);
        }
        sql.append(" ORDER BY run_id LIMIT ?");
        try (PreparedStatement select = connection.prepareStatement(sql.toString())) {
            int p = 1;
            for (String value : values) {
                select.setString(p++, value);
            }
            select.setInt(p, limit);
            List<RunProjection> result = new ArrayList<>();
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    result.add(runOf(rows));
                }
            }
            return result;
        }
    }

    List<StepProjection> steps(Connection connection, String runId) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement(
                "SELECT " + STEP_COLUMNS + " FROM " + steps + " WHERE run_id = ? ORDER BY step")) {
            select.setString(1, runId);
            List<StepProjection> result = new ArrayList<>();
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    int attempt = rows.getInt("attempt");
                    result.add(new StepProjection(rows.getString("run_id"), rows.getString("step"),
                            rows.wasNull() ? null : attempt, rows.getString("status"), rows.getString("error_code"),
                            instant(rows, "started_at"), instant(rows, "finished_at"), instant(rows, "updated_at")));
                }
            }
            return result;
        }
    }

    private static RunProjection runOf(ResultSet rows) throws SQLException {
        return new RunProjection(rows.getString("run_id"), rows.getString("tenant_id"), rows.getString("status"),
                rows.getString("error_code"), instant(rows, "created_at"), instant(rows, "updated_at"),
                instant(rows, "finished_at"), rows.getLong("events"), rows.getLong("last_seq"));
    }

    private static Instant instant(ResultSet rows, String column) throws SQLException {
        OffsetDateTime value = rows.getObject(column, OffsetDateTime.class);
        return value == null ? null : value.toInstant();
    }

    static OffsetDateTime timestamp(Instant instant) {
        return OffsetDateTime.ofInstant(instant, ZoneOffset.UTC);
    }

    private static void setNullable(PreparedStatement statement, int index, String value) throws SQLException {
        if (value == null) {
            statement.setNull(index, Types.VARCHAR);
        } else {
            statement.setString(index, value);
        }
    }

    private static String text(JsonNode event, String field) {
        JsonNode value = event.get(field);
        return value == null || !value.isTextual() ? null : value.textValue();
    }

    /** One RunEvent: {@code step} is null for a run transition. */
    private record Transition(String runId, String tenantId, String step, Integer attempt, String toStatus,
            String errorCode, Instant occurredAt, long seq) {
    }
}
