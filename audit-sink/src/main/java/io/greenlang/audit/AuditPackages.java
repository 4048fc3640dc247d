package io.greenlang.audit;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import javax.sql.DataSource;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.greenlang.audit.internal.ChainChecker;
import io.greenlang.audit.internal.SchemaNames;
import io.greenlang.audit.internal.SqlErrors;
import io.greenlang.common.error.ErrorCode;
import io.greenlang.common.error.GreenLangException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds, writes and verifies {@link AuditPackage}s: everything the audit store holds about one run, in one JSON
 * file that an auditor can check without GreenLang's database ({@link #verify}, or by hand with the formula of
 * docs/audit-hash.md).
 *
 * <p>{@link #build} reads the run's chains in one consistent snapshot and recomputes them while reading, so the
 * package says whether the store was intact. {@link #verify} trusts nothing in the file but the stored texts and
 * hashes: it recomputes every chain from {@code canonical_json} and checks the declared head. This class never
 * writes to the store.
 */
public final class AuditPackages {

    private static final Logger LOG = LoggerFactory.getLogger(AuditPackages.class);
    private static final int FETCH_SIZE = 1000;
    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .addModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .enable(SerializationFeature.INDENT_OUTPUT)
            .disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET)
            .enable(DeserializationFeature.FAIL_ON_MISSING_CREATOR_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    private AuditPackages() {
    }

    /**
     * The audit package of a run: every chain {@code <topic>/<runId>} of the store (one per audited topic the run
     * has events on), each with all its events in seq order, recomputed while read.
     *
     * @param dataSource connections to the database (read access to the store suffices)
     * @param schema     the store's schema
     * @param runId      the run id (the record key of the run's events)
     * @return the package
     * @throws GreenLangException {@link ErrorCode#DATA_NOT_FOUND} if the store has no chain of this run; a
     *                            database code if the store cannot be read
     */
    public static AuditPackage build(DataSource dataSource, String schema, String runId) {
        Objects.requireNonNull(dataSource, "dataSource");
        SchemaNames.require(schema);
        Objects.requireNonNull(runId, "runId");
        if (runId.isBlank()) {
            throw new IllegalArgumentException("runId must not be blank");
        }
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false); // cursors (fetch size) need a transaction
            connection.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
            connection.setReadOnly(true);
            try {
                Instant generatedAt = Instant.now();
                List<AuditPackage.Chain> chains = new ArrayList<>();
                for (Head head : chainsOfRun(connection, schema, runId)) {
                    chains.add(readChain(connection, schema, head));
                }
                if (chains.isEmpty()) {
                    throw new GreenLangException(ErrorCode.DATA_NOT_FOUND, "The audit store " + schema
                            + " has no chain of run " + runId, null, Map.of("run_id", runId, "schema", schema));
                }
                boolean valid = chains.stream().allMatch(AuditPackage.Chain::chainValid);
                LOG.info("[audit {}] package of run {}: {} chains, valid {}", schema, runId, chains.size(), valid);
                return new AuditPackage(AuditPackage.FORMAT, runId, generatedAt, valid, chains);
            } finally {
                connection.rollback();
            }
        } catch (SQLException e) {
            throw SqlErrors.translate("read the audit package of run " + runId, e);
        }
    }

    /**
     * The chains whose key is the run id. Topic names never contain '/', so {@code <topic>/<runId>} for each
     * topic that has events is every candidate; the distinct topics are found by skipping through the
     * (topic, partition, offset) index instead of scanning the table.
     */
    private static List<Head> chainsOfRun(Connection connection, String schema, String runId) throws SQLException {
        String events = schema + ".audit_events";
        String heads = schema + ".audit_chain_heads";
        String sql = "WITH RECURSIVE topics(topic) AS ("
                + " (SELECT topic FROM " + events + " ORDER BY topic LIMIT 1)"
                + " UNION ALL"
                + " SELECT (SELECT e.topic FROM " + events + " e WHERE e.topic > t.topic ORDER BY e.topic LIMIT 1)"
                + " FROM topics t WHERE t.topic IS NOT NULL),"
                + " candidates AS (SELECT topic || '/' || ? AS chain_id FROM topics WHERE topic IS NOT NULL)"
                + " SELECT c.chain_id, h.seq, h.hash FROM candidates c"
                + " LEFT JOIN " + heads + " h ON h.chain_id = c.chain_id"
                + " WHERE h.chain_id IS NOT NULL"
                + " OR EXISTS (SELECT 1 FROM " + events + " e WHERE e.chain_id = c.chain_id)"
                + " ORDER BY c.chain_id";
        List<Head> result = new ArrayList<>();
        try (PreparedStatement select = connection.prepareStatement(sql)) {
            select.setString(1, runId);
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    long seq = rows.getLong(2);
                    result.add(new Head(rows.getString(1), rows.wasNull() ? null : seq, rows.getString(3)));
                }
            }
        }
        return result;
    }

    private static AuditPackage.Chain readChain(Connection connection, String schema, Head head)
            throws SQLException {
        ChainChecker checker = new ChainChecker(head.chainId());
        List<AuditPackage.Event> events = new ArrayList<>();
        try (PreparedStatement select = connection.prepareStatement("SELECT seq, event_id, event_type, topic,"
                + " partition, \"offset\", occurred_at, recorded_at, tenant_id, prev_hash, hash, canonical_json FROM "
                + schema + ".audit_events WHERE chain_id = ? ORDER BY seq")) {
            select.setFetchSize(FETCH_SIZE);
            select.setString(1, head.chainId());
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    AuditPackage.Event event = new AuditPackage.Event(rows.getLong(1), rows.getString(2),
                            rows.getString(3), rows.getString(4), rows.getInt(5), rows.getLong(6),
                            instant(rows.getTimestamp(7)), instant(rows.getTimestamp(8)), rows.getString(9),
                            rows.getString(10), rows.getString(11), rows.getString(12));
                    events.add(event);
                    // keeps every event in the package, even after the first problem stopped the check
                    checker.accept(event.seq(), event.prevHash(), event.hash(), event.canonicalJson());
                }
            }
        }
        ChainVerification verification = checker.finish(head.seq(), head.hash());
        if (!verification.valid()) {
            LOG.warn("[audit {}] chain {} broken at seq {}: {} {}", schema, head.chainId(),
                    verification.firstBadSeq(), verification.problem(), verification.detail());
        }
        return chain(head, verification, events);
    }

    private static AuditPackage.Chain chain(Head head, ChainVerification verification,
                                            List<AuditPackage.Event> events) {
        boolean valid = verification.valid();
        return new AuditPackage.Chain(head.chainId(), valid, head.seq(), head.hash(),
                valid ? null : verification.problem().name(), valid ? null : verification.firstBadSeq(),
                valid ? null : verification.detail(), events);
    }

    private static Instant instant(Timestamp timestamp) {
        return timestamp == null ? null : timestamp.toInstant();
    }

    /**
     * Writes the package as pretty-printed JSON (UTF-8). The stream is flushed, not closed.
     *
     * @param auditPackage the package
     * @param out          where to write
     * @throws UncheckedIOException if writing fails
     */
    public static void write(AuditPackage auditPackage, OutputStream out) {
        Objects.requireNonNull(auditPackage, "auditPackage");
        Objects.requireNonNull(out, "out");
        try {
            MAPPER.writeValue(out, auditPackage);
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write the audit package of run " + auditPackage.runId(), e);
        }
    }

    /**
     * Reads a package file without verifying it.
     *
     * @param json the file's bytes (UTF-8 JSON); not closed
     * @return the package
     * @throws GreenLangException {@link ErrorCode#DATA_SCHEMA} if the file is not a well-formed package of format
     *                            {@value AuditPackage#FORMAT}
     */
    public static AuditPackage read(InputStream json) {
        Objects.requireNonNull(json, "json");
        AuditPackage auditPackage;
        try {
            auditPackage = MAPPER.readValue(json, AuditPackage.class);
        } catch (JsonProcessingException e) {
            throw malformed("not a readable audit package: " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read the audit package", e);
        }
        validate(auditPackage);
        return auditPackage;
    }

    /**
     * Verifies a package offline, without a database: recomputes every chain from its events' {@code prev_hash},
     * {@code hash} and {@code canonical_json} in the order given (which must be seq order from 1), and checks the
     * declared {@code head_seq} / {@code head_hash} against the last event. The declared {@code chain_valid} flags
     * are not trusted.
     *
     * @param json the package file (UTF-8 JSON); not closed
     * @return one result per chain, in the file's order; {@link ChainVerification#valid()} for an intact chain
     * @throws GreenLangException {@link ErrorCode#DATA_SCHEMA} if the file is not a well-formed package of format
     *                            {@value AuditPackage#FORMAT}
     */
    public static List<ChainVerification> verify(InputStream json) {
        AuditPackage auditPackage = read(json);
        List<ChainVerification> results = new ArrayList<>(auditPackage.chains().size());
        for (AuditPackage.Chain chain : auditPackage.chains()) {
            ChainChecker checker = new ChainChecker(chain.chainId());
            for (AuditPackage.Event event : chain.events()) {
                if (!checker.accept(event.seq(), event.prevHash(), event.hash(), event.canonicalJson())) {
                    break;
                }
            }
            ChainVerification result = checker.finish(chain.headSeq(), chain.headHash());
            if (!result.valid()) {
                LOG.warn("[audit package {}] chain {} broken at seq {}: {} {}", auditPackage.runId(),
                        chain.chainId(), result.firstBadSeq(), result.problem(), result.detail());
            }
            results.add(result);
        }
        return results;
    }

    private static void validate(AuditPackage p) {
        if (p == null) {
            throw malformed("the file holds no audit package", null);
        }
        if (!AuditPackage.FORMAT.equals(p.format())) {
            throw malformed("format is '" + p.format() + "', expected '" + AuditPackage.FORMAT + "'", null);
        }
        if (p.runId() == null || p.runId().isBlank() || p.chains() == null) {
            throw malformed("run_id and chains are required", null);
        }
        for (AuditPackage.Chain chain : p.chains()) {
            if (chain == null || chain.chainId() == null || chain.events() == null) {
                throw malformed("every chain needs chain_id and events", null);
            }
            if (!chain.chainId().endsWith("/" + p.runId()) || chain.chainId().indexOf('/') + 1
                    != chain.chainId().length() - p.runId().length()) {
                throw malformed("chain " + chain.chainId() + " is not a chain of run " + p.runId(), null);
            }
            if ((chain.headSeq() == null) != (chain.headHash() == null)) {
                throw malformed("chain " + chain.chainId() + " declares only one of head_seq and head_hash", null);
            }
            for (AuditPackage.Event event : chain.events()) {
                if (event == null || event.prevHash() == null || event.hash() == null
                        || event.canonicalJson() == null || event.eventId() == null || event.topic() == null) {
                    throw malformed("an event of chain " + chain.chainId() + " lacks event_id, topic, prev_hash,"
                            + " hash or canonical_json", null);
                }
            }
        }
    }

    private static GreenLangException malformed(String why, Throwable cause) {
        return new GreenLangException(ErrorCode.DATA_SCHEMA, "Invalid audit package: " + why, cause);
    }

    private record Head(String chainId, Long seq, String hash) {
    }
}
