package io.greenlang.gateway.submit;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

import javax.sql.DataSource;

import io.greenlang.common.error.ErrorCode;
import io.greenlang.common.error.GreenLangException;

/**
 * The runs and outbox tables of the gateway's schema. Every value reaches SQL as a bound parameter; the schema
 * is a validated identifier.
 */
final class RunStore {

    /** A submitted run as the runs table holds it. */
    record StoredRun(String runId, String tenantId, String idempotencyKey, String requestHash, String status,
            Instant createdAt) {
    }

    /** What {@link #insert} did. */
    record Insertion(StoredRun run, boolean created) {
    }

    private final DataSource dataSource;
    private final String runs;
    private final String outbox;

    RunStore(DataSource dataSource, String schema) {
        this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
        this.runs = schema + ".runs";
        this.outbox = schema + ".outbox";
    }

    /**
     * Inserts the run and its outbox row (deleted again before the commit: see {@link OutboxPublisher}) in one
     * transaction, unless the tenant already has a run with this idempotency key: then nothing is written and that
     * run is returned.
     */
    Insertion insert(StoredRun run, String pipelineName, String pipelineNamespace, String requestedBy,
            String eventType, byte[] payload) {
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            try {
                int inserted;
                try (PreparedStatement insert = connection.prepareStatement("INSERT INTO " + runs
                        + " (run_id, tenant_id, idempotency_key, request_hash, pipeline_name, pipeline_namespace,"
                        + " status, requested_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
                        + " ON CONFLICT (tenant_id, idempotency_key) DO NOTHING")) {
                    insert.setString(1, run.runId());
                    insert.setString(2, run.tenantId());
                    insert.setString(3, run.idempotencyKey());
                    insert.setString(4, run.requestHash());
                    insert.setString(5, pipelineName);
                    insert.setString(6, pipelineNamespace);
                    insert.setString(7, run.status());
                    insert.setString(8, requestedBy);
                    insert.setTimestamp(9, Timestamp.from(run.createdAt()));
                    inserted = insert.executeUpdate();
                }
                if (inserted == 0) {
                    connection.rollback();
                    StoredRun existing = byKey(connection, run.tenantId(), run.idempotencyKey())
                            .orElseThrow(() -> new IllegalStateException("idempotency key conflict without a row"));
                    return new Insertion(existing, false);
                }
                long outboxId;
                try (PreparedStatement insert = connection.prepareStatement("INSERT INTO " + outbox
                        + " (record_key, event_type, payload) VALUES (?, ?, ?) RETURNING id")) {
                    insert.setString(1, run.runId());
                    insert.setString(2, eventType);
                    insert.setBytes(3, payload);
                    try (ResultSet row = insert.executeQuery()) {
                        row.next();
                        outboxId = row.getLong(1);
                    }
                }
                // The publisher reads the insert from the WAL, which the replication slot keeps until it is
                // published; deleting the row in the same transaction keeps the table empty instead of growing
                // by one row per run forever. The publication carries inserts only, so the delete is not sent.
                try (PreparedStatement delete = connection.prepareStatement("DELETE FROM " + outbox
                        + " WHERE id = ?")) {
                    delete.setLong(1, outboxId);
                    delete.executeUpdate();
                }
                connection.commit();
                return new Insertion(run, true);
            } catch (SQLException | RuntimeException e) {
                connection.rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw new GreenLangException(ErrorCode.DB_CONNECTION, "Cannot store the run: " + e.getMessage(), e);
        }
    }

    /** The run of this id. */
    Optional<StoredRun> byId(String runId) {
        try (Connection connection = dataSource.getConnection();
                PreparedStatement query = connection.prepareStatement("SELECT run_id, tenant_id, idempotency_key,"
                        + " request_hash, status, created_at FROM " + runs + " WHERE run_id = ?")) {
            query.setString(1, runId);
            return one(query);
        } catch (SQLException e) {
            throw new GreenLangException(ErrorCode.DB_CONNECTION, "Cannot read the run: " + e.getMessage(), e);
        }
    }

    private Optional<StoredRun> byKey(Connection connection, String tenant, String key) throws SQLException {
        try (PreparedStatement query = connection.prepareStatement("SELECT run_id, tenant_id, idempotency_key,"
                + " request_hash, status, created_at FROM " + runs + " WHERE tenant_id = ? AND idempotency_key = ?")) {
            query.setString(1, tenant);
            query.setString(2, key);
            return one(query);
        }
    }

    private static Optional<StoredRun> one(PreparedStatement query) throws SQLException {
        try (ResultSet row = query.executeQuery()) {
            if (!row.next()) {
                return Optional.empty();
            }
            return Optional.of(new StoredRun(row.getString(1), row.getString(2), row.getString(3), row.getString(4),
                    row.getString(5), row.getTimestamp(6).toInstant()));
        }
    }
}
