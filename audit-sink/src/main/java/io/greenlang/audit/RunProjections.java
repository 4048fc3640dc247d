package io.greenlang.audit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
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

    /**
     * A column of epoch microseconds ({@link #epochMicros}) as timestamptz: integer arithmetic, exact, and cheaper
     * for the server than parsing timestamp text.
     */
    private static final String TIME = "timestamptz 'epoch' + %1$s * interval '1 microsecond' AS %1$s";

    private final String schema;
    private final String runs;
    private final String steps;

    RunProjections(String schema) {
        this.schema = schema;
        this.runs = schema + ".audit_runs";
        this.steps = schema + ".audit_steps";
    }

    /**
     * Folds the appended records that are RunEvents into the projections, on the caller's transaction. The
     * batch's events are folded in Java, per key in chain order, into one row per run and one per (run, step),
     * written with one {@code INSERT ... SELECT FROM unnest(...) ON CONFLICT DO UPDATE} per table; the result is
     * the one that upserting the events one at a time gives. Rows are written in key order (run id; run id and
     * step), so concurrent appends lock projection rows in one global order.
     *
     * @param connection the append transaction
     * @param records    the appended records, in append order
     * @param links      their links, one per record, same order
     */
    void apply(Connection connection, List<AuditRecord> records, List<Appended> links) throws SQLException {
        Map<String, RunRow> runRows = new TreeMap<>();
        Map<String, Map<String, List<Transition>>> stepTransitions = new TreeMap<>();
        for (int i = 0; i < records.size(); i++) {
            Transition t = parse(records.get(i), links.get(i).seq());
            if (t == null) {
                continue;
            }
            runRows.computeIfAbsent(t.runId(), id -> new RunRow(id, t.tenantId(), t.occurredAt())).add(t);
            if (t.step() != null) {
                stepTransitions.computeIfAbsent(t.runId(), id -> new TreeMap<>())
                        .computeIfAbsent(t.step(), step -> new ArrayList<>()).add(t);
            }
        }
        if (runRows.isEmpty()) {
            return;
        }
        upsertRuns(connection, runRows.values());
        List<StepRow> first = new ArrayList<>();
        List<StepRow> second = new ArrayList<>();
        stepTransitions.values().forEach(ofRun -> ofRun.values().forEach(ofStep -> foldStep(ofStep, first, second)));
        upsertSteps(connection, first);
        // Only keys already written (and locked) by the first statement: no new lock, no lock-order question.
        upsertSteps(connection, second);
    }

    /**
     * Folds the transitions of one (run, step), in chain order, into the rows that one upsert each reproduces
     * exactly. {@code started_at} is the only column that depends on the stored row: an event that does not
     * enter RUNNING keeps it only if its attempt equals the stored one. One row is exact unless the attempt
     * changes within the batch and no later event enters RUNNING: then {@code started_at} must end null even if
     * the last attempt equals the stored one (1, 2, 1), which one row cannot tell; the events are then split at
     * that change into a row for the first statement and one for the second, whose attempt differs from the
     * first row's, so the second upsert clears {@code started_at} as the event at the change did.
     */
    private static void foldStep(List<Transition> transitions, List<StepRow> first, List<StepRow> second) {
        int lastAttemptChange = -1;
        int lastStart = -1;
        for (int i = 0; i < transitions.size(); i++) {
            if (i > 0 && !Objects.equals(transitions.get(i).attempt(), transitions.get(i - 1).attempt())) {
                lastAttemptChange = i;
            }
            if (startOf(transitions.get(i)) != null) {
                lastStart = i;
            }
        }
        if (lastAttemptChange > lastStart) {
            first.add(StepRow.fold(transitions.subList(0, lastAttemptChange)));
            second.add(StepRow.fold(transitions.subList(lastAttemptChange, transitions.size())));
        } else {
            first.add(StepRow.fold(transitions));
        }
    }

    private void upsertRuns(Connection connection, Collection<RunRow> rows) throws SQLException {
        int n = rows.size();
        String[] runIds = new String[n];
        String[] tenants = new String[n];
        String[] statuses = new String[n];
        String[] errorCodes = new String[n];
        Long[] createdAt = new Long[n];
        Long[] updatedAt = new Long[n];
        Long[] finishedAt = new Long[n];
        Long[] events = new Long[n];
        Long[] lastSeqs = new Long[n];
        int i = 0;
        for (RunRow row : rows) {
            runIds[i] = row.runId;
            tenants[i] = row.tenantId;
            statuses[i] = row.status;
            errorCodes[i] = row.errorCode;
            createdAt[i] = epochMicros(row.createdAt);
            updatedAt[i] = epochMicros(row.updatedAt);
            finishedAt[i] = epochMicros(row.finishedAt);
            events[i] = row.events;
            lastSeqs[i] = row.lastSeq;
            i++;
        }
        // A row's status is null exactly when the batch has no RUN_TRANSITION of the run (to_status is required).
        try (PreparedStatement upsert = connection.prepareStatement("INSERT INTO " + runs + " AS r (" + RUN_COLUMNS
                + ") SELECT run_id, tenant_id, status, error_code, " + TIME.formatted("created_at") + ", "
                + TIME.formatted("updated_at") + ", " + TIME.formatted("finished_at") + ", events, last_seq"
                + " FROM unnest(?::text[], ?::text[], ?::text[], ?::text[], ?::bigint[], ?::bigint[],"
                + " ?::bigint[], ?::bigint[], ?::bigint[]) WITH ORDINALITY AS u(run_id, tenant_id, status,"
                + " error_code, created_at, updated_at, finished_at, events, last_seq, n) ORDER BY n"
                + " ON CONFLICT (run_id) DO UPDATE SET"
                + " status = CASE WHEN EXCLUDED.status IS NOT NULL THEN EXCLUDED.status ELSE r.status END,"
                + " error_code = CASE WHEN EXCLUDED.status IS NOT NULL THEN EXCLUDED.error_code ELSE r.error_code END,"
                + " finished_at = CASE WHEN EXCLUDED.status IS NOT NULL THEN EXCLUDED.finished_at ELSE r.finished_at"
                + " END, updated_at = EXCLUDED.updated_at, events = r.events + EXCLUDED.events,"
                + " last_seq = EXCLUDED.last_seq")) {
            upsert.setArray(1, connection.createArrayOf("text", runIds));
            upsert.setArray(2, connection.createArrayOf("text", tenants));
            upsert.setArray(3, connection.createArrayOf("text", statuses));
            upsert.setArray(4, connection.createArrayOf("text", errorCodes));
            upsert.setArray(5, connection.createArrayOf("int8", createdAt));
            upsert.setArray(6, connection.createArrayOf("int8", updatedAt));
            upsert.setArray(7, connection.createArrayOf("int8", finishedAt));
            upsert.setArray(8, connection.createArrayOf("int8", events));
            upsert.setArray(9, connection.createArrayOf("int8", lastSeqs));
            upsert.executeUpdate();
        }
    }

    private void upsertSteps(Connection connection, List<StepRow> rows) throws SQLException {
        if (rows.isEmpty()) {
            return;
        }
        int n = rows.size();
        String[] runIds = new String[n];
        String[] stepNames = new String[n];
        Integer[] attempts = new Integer[n];
        String[] statuses = new String[n];
        String[] errorCodes = new String[n];
        Long[] startedAt = new Long[n];
        Long[] finishedAt = new Long[n];
        Long[] updatedAt = new Long[n];
        for (int i = 0; i < n; i++) {
            StepRow row = rows.get(i);
            runIds[i] = row.runId();
            stepNames[i] = row.step();
            attempts[i] = row.attempt();
            statuses[i] = row.status();
            errorCodes[i] = row.errorCode();
            startedAt[i] = epochMicros(row.startedAt());
            finishedAt[i] = epochMicros(row.finishedAt());
            updatedAt[i] = epochMicros(row.updatedAt());
        }
        try (PreparedStatement upsert = connection.prepareStatement("INSERT INTO " + steps + " AS s (" + STEP_COLUMNS
                + ") SELECT run_id, step, attempt, status, error_code, " + TIME.formatted("started_at") + ", "
                + TIME.formatted("finished_at") + ", " + TIME.formatted("updated_at")
                + " FROM unnest(?::text[], ?::text[], ?::int[], ?::text[], ?::text[], ?::bigint[],"
                + " ?::bigint[], ?::bigint[]) WITH ORDINALITY AS u(run_id, step, attempt, status,"
                + " error_code, started_at, finished_at, updated_at, n) ORDER BY n"
                + " ON CONFLICT (run_id, step) DO UPDATE SET"
                + " attempt = EXCLUDED.attempt, status = EXCLUDED.status, error_code = EXCLUDED.error_code,"
                + " started_at = CASE WHEN EXCLUDED.started_at IS NOT NULL THEN EXCLUDED.started_at"
                + " WHEN EXCLUDED.attempt IS DISTINCT FROM s.attempt THEN NULL ELSE s.started_at END,"
                + " finished_at = EXCLUDED.finished_at, updated_at = EXCLUDED.updated_at")) {
            upsert.setArray(1, connection.createArrayOf("text", runIds));
            upsert.setArray(2, connection.createArrayOf("text", stepNames));
            upsert.setArray(3, connection.createArrayOf("int4", attempts));
            upsert.setArray(4, connection.createArrayOf("text", statuses));
            upsert.setArray(5, connection.createArrayOf("text", errorCodes));
            upsert.setArray(6, connection.createArrayOf("int8", startedAt));
            upsert.setArray(7, connection.createArrayOf("int8", finishedAt));
            upsert.setArray(8, connection.createArrayOf("int8", updatedAt));
            upsert.executeUpdate();
        }
    }

    /** {@code started_at} that a step transition sets by itself: its time if it enters RUNNING. */
    private static Instant startOf(Transition t) {
        return RUNNING.equals(t.toStatus()) ? t.occurredAt() : null;
    }

    /**
     * An instant as microseconds since the epoch (rounded half up to PostgreSQL's precision), which {@link #TIME}
     * turns into a timestamptz exactly; null for null.
     */
    static Long epochMicros(Instant instant) {
        if (instant == null) {
            return null;
        }
        return Math.addExact(Math.multiplyExact(instant.getEpochSecond(), 1_000_000L),
                (instant.getNano() + 500) / 1000);
    }


    /** The fold of the RunEvents of one run in a batch, in chain order: the values one upsert writes. */
    private static final class RunRow {
        final String runId;
        final String tenantId;
        final Instant createdAt;
        String status;
        String errorCode;
        Instant finishedAt;
        Instant updatedAt;
        long events;
        long lastSeq;

        RunRow(String runId, String tenantId, Instant createdAt) {
            this.runId = runId;
            this.tenantId = tenantId;
            this.createdAt = createdAt;
        }

        void add(Transition t) {
            if (t.step() == null) {
                status = t.toStatus();
                errorCode = t.errorCode();
                finishedAt = TERMINAL_RUN.contains(t.toStatus()) ? t.occurredAt() : null;
            }
            updatedAt = t.occurredAt();
            events++;
            lastSeq = t.seq();
        }
    }

    /** The values one upsert of a (run, step) writes. */
    private record StepRow(String runId, String step, Integer attempt, String status, String errorCode,
            Instant startedAt, Instant finishedAt, Instant updatedAt) {

        /** The row that upserting the transitions one at a time into a new row leaves. */
        static StepRow fold(List<Transition> transitions) {
            Instant started = startOf(transitions.get(0));
            for (int i = 1; i < transitions.size(); i++) {
                Transition t = transitions.get(i);
                if (startOf(t) != null) {
                    started = startOf(t);
                } else if (!Objects.equals(t.attempt(), transitions.get(i - 1).attempt())) {
                    started = null;
                }
            }
            Transition last = transitions.get(transitions.size() - 1);
            return new StepRow(last.runId(), last.step(), last.attempt(), last.toStatus(), last.errorCode(), started,
                    TERMINAL_STEP.contains(last.toStatus()) ? last.occurredAt() : null, last.occurredAt());
        }
    }

    /** The transition a record carries, or null if it is not a RunEvent or not a well-formed one (logged). */
    private Transition parse(AuditRecord record, long seq) {
        if (!RUN_EVENT_TYPE.equals(record.eventType())) {
            return null;
        }
        // One streaming pass over the top-level fields, as many RunEvents per batch as records: no tree is built.
        // Same outcome as reading the tree: the last of duplicate fields wins, a malformed document is rejected.
        String runId = null;
        String kind = null;
        String step = null;
        String toStatus = null;
        String errorCode = null;
        Integer attempt = null;
        try (JsonParser parser = MAPPER.createParser(record.canonicalJson())) {
            if (parser.nextToken() == JsonToken.START_OBJECT) {
                while (parser.nextToken() == JsonToken.FIELD_NAME) {
                    String field = parser.currentName();
                    JsonToken value = parser.nextToken();
                    switch (field) {
                        case "run_id" -> runId = text(parser, value);
                        case "kind" -> kind = text(parser, value);
                        case "step" -> step = text(parser, value);
                        case "to_status" -> toStatus = text(parser, value);
                        case "error_code" -> errorCode = text(parser, value);
                        case "attempt" -> attempt = attempt(parser, value);
                        default -> parser.skipChildren();
                    }
                }
            } else {
                parser.skipChildren();
            }
        } catch (JsonProcessingException e) {
            LOG.warn("[audit {}] chain {} seq {}: RunEvent is not JSON, not projected: {}", schema, record.chainId(),
                    seq, e.getOriginalMessage());
            return null;
        } catch (IOException e) {
            throw new UncheckedIOException(e); // reading a String: not expected
        }
        boolean runTransition = "RUN_TRANSITION".equals(kind);
        if (runId == null || toStatus == null || !(runTransition || "STEP_TRANSITION".equals(kind))
                || (!runTransition && step == null)) {
            LOG.warn("[audit {}] chain {} seq {}: RunEvent without run_id, kind, to_status or step, not projected",
                    schema, record.chainId(), seq);
            return null;
        }
        return new Transition(runId, record.tenantId(), runTransition ? null : step, attempt, toStatus, errorCode,
                record.occurredAt(), seq);
    }

    /** A string field's value; null (the value skipped) for any other JSON type. */
    private static String text(JsonParser parser, JsonToken value) throws IOException {
        if (value == JsonToken.VALUE_STRING) {
            return parser.getText();
        }
        parser.skipChildren();
        return null;
    }

    /** A number that fits an int, as {@link JsonNode#canConvertToInt} and {@link JsonNode#intValue} read it. */
    private static Integer attempt(JsonParser parser, JsonToken value) throws IOException {
        if (!value.isNumeric()) {
            parser.skipChildren();
            return null;
        }
        JsonNode number = MAPPER.readTree(parser);
        return number.canConvertToInt() ? Integer.valueOf(number.intValue()) : null;
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



    /** One RunEvent: {@code step} is null for a run transition. */
    private record Transition(String runId, String tenantId, String step, Integer attempt, String toStatus,
            String errorCode, Instant occurredAt, long seq) {
    }
}
