package io.greenlang.audit;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

import javax.sql.DataSource;

import io.greenlang.audit.AppendResult.Appended;
import io.greenlang.audit.AppendResult.Reason;
import io.greenlang.audit.AppendResult.Skipped;
import io.greenlang.audit.internal.ChainChecker;
import io.greenlang.audit.internal.CopyText;
import io.greenlang.audit.internal.SqlErrors;
import io.greenlang.common.json.Hashing;
import org.flywaydb.core.Flyway;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The hash-chained audit store in one PostgreSQL schema: creates its tables ({@link #migrate()}), appends events
 * to their chains exactly once per Kafka coordinate ({@link #append}), recomputes chains ({@link #verifyChain},
 * {@link #verifyAll()}, {@link #verifyChains}) and serves the run projections built from the chains
 * ({@link #run}, {@link #runs}, {@link #steps}). The hash rule is {@link AuditHash}; the layout is
 * {@code db/migration/audit}.
 *
 * <p>Appends to one chain are serialised by a row lock on its head, so several sinks may append concurrently.
 * This class never updates or deletes an event (the schema forbids it) and never commits a partial batch; the
 * projections are updated in the same transaction as the events they come from.
 */
public final class AuditStore {

    /** Classpath location of the store's Flyway migrations. */
    public static final String MIGRATIONS = "classpath:db/migration/audit";
    /** Flyway's history table in the store's schema. */
    public static final String HISTORY_TABLE = "audit_schema_history";

    private static final Logger LOG = LoggerFactory.getLogger(AuditStore.class);
    private static final Pattern SCHEMA_NAME = Pattern.compile("[a-z_][a-z0-9_]{0,62}");
    /** Characters of COPY text sent at a time (about 1 MB of UTF-8 for ASCII JSON). */
    private static final int COPY_CHUNK = 1 << 20;
    /**
     * Largest gap between two offsets of one partition that the existence check still covers with one range: a
     * range may return stored rows in its gaps, so the gap bounds that extra work (at most this many per record).
     */
    private static final long MAX_RANGE_GAP = 16;
    private static final Comparator<Coordinates> COORDINATE_ORDER = Comparator.comparing(Coordinates::topic)
            .thenComparingInt(Coordinates::partition).thenComparingLong(Coordinates::offset);
    private static final int FETCH_SIZE = 1000;
    /** Largest page {@link #runs} returns. */
    public static final int MAX_RUNS_PAGE = 10_000;

    private final DataSource dataSource;
    private final String schema;
    private final String events;
    private final String heads;
    private final RunProjections projections;

    /**
     * @param dataSource connections to the database (the sink role suffices for append and verify)
     * @param schema     the store's schema: lower-case letters, digits and underscores
     */
    public AuditStore(DataSource dataSource, String schema) {
        this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
        this.schema = requireSchemaName(schema);
        this.events = schema + ".audit_events";
        this.heads = schema + ".audit_chain_heads";
        this.projections = new RunProjections(schema);
    }

    /**
     * The chain of the events with this key on this topic: {@code topic + "/" + key}.
     *
     * @param topic the topic
     * @param key   the record key, e.g. a run id
     * @return the chain id
     */
    public static String chainIdFor(String topic, String key) {
        return Objects.requireNonNull(topic, "topic") + "/" + Objects.requireNonNull(key, "key");
    }

    /** The schema this store lives in. */
    public String schema() {
        return schema;
    }

    /** Creates or upgrades the store's tables in its schema (creating the schema if needed); needs DDL rights. */
    public void migrate() {
        Flyway.configure()
                .dataSource(dataSource)
                .schemas(schema)
                .defaultSchema(schema)
                .table(HISTORY_TABLE)
                .locations(MIGRATIONS)
                .load()
                .migrate();
    }

    /**
     * Appends records to their chains in one transaction. A record whose (topic, partition, offset) or event id
     * is already stored, or occurs earlier in the batch, is skipped before hashing, so a redelivery never
     * advances a chain. Records of one chain are linked in the order given. The appended RunEvents (never the
     * skipped records) update {@code audit_runs} and {@code audit_steps} in the same transaction.
     *
     * @param records records in consumption order
     * @return what was appended and what was skipped
     * @throws io.greenlang.common.error.GreenLangException if the transaction fails (nothing is stored then)
     */
    public AppendResult append(List<AuditRecord> records) {
        if (records.isEmpty()) {
            return new AppendResult(List.of(), List.of());
        }
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            try {
                AppendResult result = append(connection, records);
                connection.commit();
                LOG.debug("[audit {}] appended {}, skipped {}", schema, result.appended().size(), result.skipped().size());
                return result;
            } catch (SQLException | RuntimeException e) {
                rollbackKeeping(connection, e);
                throw e;
            }
        } catch (SQLException e) {
            throw SqlErrors.translate("append " + records.size() + " audit records", e);
        }
    }

    private AppendResult append(Connection connection, List<AuditRecord> records) throws SQLException {
        // Lock the heads first (in chain order, so concurrent batches cannot deadlock): a competing sink that
        // stored the same coordinates has then committed, and the existence check below sees its rows.
        Map<String, Head> chainHeads = lockHeads(connection, records);
        Set<Coordinates> stored = storedCoordinates(connection, records);
        Set<String> storedIds = storedEventIds(connection, records);

        List<Appended> appended = new ArrayList<>();
        List<Skipped> skipped = new ArrayList<>();
        List<AuditRecord> toInsert = new ArrayList<>();
        for (AuditRecord record : records) {
            if (!stored.add(Coordinates.of(record))) {
                skipped.add(new Skipped(record, Reason.ALREADY_STORED));
            } else if (!storedIds.add(record.eventId())) {
                skipped.add(new Skipped(record, Reason.DUPLICATE_EVENT_ID));
            } else {
                Head head = chainHeads.get(record.chainId());
                long seq = head.seq() + 1;
                String hash = AuditHash.link(head.hash(), record.canonicalJson());
                appended.add(new Appended(record.chainId(), seq, record.eventId(), head.hash(), hash));
                toInsert.add(record);
                chainHeads.put(record.chainId(), new Head(seq, hash, true));
            }
        }
        insertEvents(connection, toInsert, appended);
        updateHeads(connection, chainHeads);
        projections.apply(connection, toInsert, appended);
        return new AppendResult(appended, skipped);
    }

    private Map<String, Head> lockHeads(Connection connection, List<AuditRecord> records) throws SQLException {
        TreeSet<String> chainIds = new TreeSet<>();
        records.forEach(record -> chainIds.add(record.chainId()));
        Array ids = connection.createArrayOf("text", chainIds.toArray());
        try (PreparedStatement insert = connection.prepareStatement("INSERT INTO " + heads
                + " (chain_id, seq, hash) SELECT id, 0, ? FROM unnest(?::text[]) AS id ORDER BY id"
                + " ON CONFLICT (chain_id) DO NOTHING")) {
            insert.setString(1, Hashing.ZERO_HASH);
            insert.setArray(2, ids);
            insert.executeUpdate();
        }
        Map<String, Head> result = new HashMap<>();
        try (PreparedStatement select = connection.prepareStatement("SELECT chain_id, seq, hash FROM " + heads
                + " WHERE chain_id = ANY (?) ORDER BY chain_id FOR UPDATE")) {
            select.setArray(1, ids);
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    result.put(rows.getString(1), new Head(rows.getLong(2), rows.getString(3), false));
                }
            }
        }
        return result;
    }

    /**
     * The stored coordinates among those of the records, and possibly other stored ones near them. The offsets of
     * one partition in a batch are (nearly) consecutive, so they are looked up as ranges, one index range scan
     * each, rather than one index probe per record.
     */
    private Set<Coordinates> storedCoordinates(Connection connection, List<AuditRecord> records) throws SQLException {
        List<Coordinates> sorted = new ArrayList<>(records.size());
        records.forEach(record -> sorted.add(Coordinates.of(record)));
        sorted.sort(COORDINATE_ORDER);
        List<Object> topics = new ArrayList<>();
        List<Object> partitions = new ArrayList<>();
        List<Object> lows = new ArrayList<>();
        List<Object> highs = new ArrayList<>();
        Coordinates previous = null;
        for (Coordinates c : sorted) {
            boolean extendsRange = previous != null && previous.topic().equals(c.topic())
                    && previous.partition() == c.partition() && c.offset() - previous.offset() <= MAX_RANGE_GAP;
            if (extendsRange) {
                highs.set(highs.size() - 1, c.offset());
            } else {
                topics.add(c.topic());
                partitions.add(c.partition());
                lows.add(c.offset());
                highs.add(c.offset());
            }
            previous = c;
        }
        Set<Coordinates> result = new HashSet<>();
        try (PreparedStatement select = connection.prepareStatement("SELECT e.topic, e.partition, e.\"offset\" FROM "
                + events + " e JOIN unnest(?::text[], ?::int[], ?::bigint[], ?::bigint[]) AS r(topic, partition, lo, hi)"
                + " ON e.topic = r.topic AND e.partition = r.partition AND e.\"offset\" BETWEEN r.lo AND r.hi")) {
            select.setArray(1, connection.createArrayOf("text", topics.toArray()));
            select.setArray(2, connection.createArrayOf("int4", partitions.toArray()));
            select.setArray(3, connection.createArrayOf("int8", lows.toArray()));
            select.setArray(4, connection.createArrayOf("int8", highs.toArray()));
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    result.add(new Coordinates(rows.getString(1), rows.getInt(2), rows.getLong(3)));
                }
            }
        }
        return result;
    }

    private Set<String> storedEventIds(Connection connection, List<AuditRecord> records) throws SQLException {
        Set<String> result = new HashSet<>();
        try (PreparedStatement select = connection.prepareStatement(
                "SELECT event_id FROM " + events + " WHERE event_id = ANY (?)")) {
            select.setArray(1, connection.createArrayOf("text", records.stream().map(AuditRecord::eventId).toArray()));
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    result.add(rows.getString(1));
                }
            }
        }
        return result;
    }

    /** Writes the events with one COPY in the append's transaction: no statement to plan, no bind parameters. */
    private void insertEvents(Connection connection, List<AuditRecord> records, List<Appended> links)
            throws SQLException {
        if (records.isEmpty()) {
            return;
        }
        CopyIn copy = connection.unwrap(PGConnection.class).getCopyAPI().copyIn("COPY " + events + " (chain_id, seq,"
                + " event_id, event_type, topic, partition, \"offset\", occurred_at, tenant_id, canonical_json,"
                + " prev_hash, hash) FROM STDIN");
        try {
            CopyText rows = new CopyText(Math.min(COPY_CHUNK, records.size() * 640));
            for (int i = 0; i < records.size(); i++) {
                AuditRecord record = records.get(i);
                Appended link = links.get(i);
                rows.text(record.chainId()).number(link.seq()).text(record.eventId()).text(record.eventType())
                        .text(record.topic()).number(record.partition()).number(record.offset())
                        .timestamp(record.occurredAt()).text(record.tenantId()).text(record.canonicalJson())
                        .text(link.prevHash()).text(link.hash()).endRow();
                if (rows.length() >= COPY_CHUNK) {
                    byte[] bytes = rows.take();
                    copy.writeToCopy(bytes, 0, bytes.length);
                }
            }
            byte[] bytes = rows.take();
            copy.writeToCopy(bytes, 0, bytes.length);
            copy.endCopy();
        } finally {
            if (copy.isActive()) {
                copy.cancelCopy(); // a failure while writing: end the COPY so that the transaction can roll back
            }
        }
    }

    /** Moves the changed heads with one statement. */
    private void updateHeads(Connection connection, Map<String, Head> chainHeads) throws SQLException {
        List<Object> chainIds = new ArrayList<>();
        List<Object> seqs = new ArrayList<>();
        List<Object> hashes = new ArrayList<>();
        for (Map.Entry<String, Head> entry : chainHeads.entrySet()) {
            if (entry.getValue().changed()) {
                chainIds.add(entry.getKey());
                seqs.add(entry.getValue().seq());
                hashes.add(entry.getValue().hash());
            }
        }
        if (chainIds.isEmpty()) {
            return;
        }
        try (PreparedStatement update = connection.prepareStatement("UPDATE " + heads + " AS h"
                + " SET seq = u.seq, hash = u.hash, updated_at = now()"
                + " FROM unnest(?::text[], ?::bigint[], ?::text[]) AS u(chain_id, seq, hash)"
                + " WHERE h.chain_id = u.chain_id")) {
            update.setArray(1, connection.createArrayOf("text", chainIds.toArray()));
            update.setArray(2, connection.createArrayOf("int8", seqs.toArray()));
            update.setArray(3, connection.createArrayOf("text", hashes.toArray()));
            update.executeUpdate();
        }
    }

    /**
     * Recomputes one chain in seq order, streaming, in one consistent snapshot.
     *
     * @param chainId the chain
     * @return the result; {@link ChainVerification#valid()} is true for a chain that has no events at all
     */
    public ChainVerification verifyChain(String chainId) {
        Objects.requireNonNull(chainId, "chainId");
        return inSnapshot("verify audit chain " + chainId, connection -> verify(connection, chainId));
    }

    /**
     * Recomputes every chain of the store (those with a head and those with events), in chain id order, in one
     * consistent snapshot. Same as {@link #verifyAll(VerifyListener)} without a listener.
     *
     * @return one result per chain
     */
    public List<ChainVerification> verifyAll() {
        return verifyAll(VerifyListener.NONE);
    }

    /**
     * Recomputes every chain of the store (those with a head and those with events), in chain id order, in one
     * consistent snapshot and one streaming pass: all events ordered by (chain_id, seq) merged with all heads
     * ordered by chain_id, so the memory held is one link plus the results.
     *
     * @param listener told of each result as soon as it is known, with the number of chains counted up front
     * @return one result per chain, in the database's order of chain ids
     */
    public List<ChainVerification> verifyAll(VerifyListener listener) {
        Objects.requireNonNull(listener, "listener");
        return inSnapshot("verify all audit chains", connection -> verifyAll(connection, listener));
    }

    private List<ChainVerification> verifyAll(Connection connection, VerifyListener listener) throws SQLException {
        long total = chainCount(connection);
        List<ChainVerification> results = new ArrayList<>();
        try (PreparedStatement eventQuery = connection.prepareStatement("SELECT chain_id, seq, prev_hash, hash,"
                     + " canonical_json FROM " + events + " ORDER BY chain_id, seq");
             PreparedStatement headQuery = connection.prepareStatement(
                     "SELECT chain_id, seq, hash FROM " + heads + " ORDER BY chain_id");
             PreparedStatement before = connection.prepareStatement("SELECT ?::text < ?::text")) {
            eventQuery.setFetchSize(FETCH_SIZE);
            headQuery.setFetchSize(FETCH_SIZE);
            try (ResultSet eventRows = eventQuery.executeQuery(); ResultSet headRows = headQuery.executeQuery()) {
                boolean moreEvents = eventRows.next();
                boolean moreHeads = headRows.next();
                while (moreEvents || moreHeads) {
                    String eventChain = moreEvents ? eventRows.getString(1) : null;
                    String headChain = moreHeads ? headRows.getString(1) : null;
                    String chainId;
                    if (eventChain != null && eventChain.equals(headChain)) {
                        chainId = eventChain;
                    } else if (headChain == null || eventChain != null && sortsBefore(before, eventChain, headChain)) {
                        chainId = eventChain; // events but no head
                        headChain = null;
                    } else {
                        chainId = headChain; // a head but no events
                        eventChain = null;
                    }
                    ChainChecker checker = new ChainChecker(chainId);
                    if (eventChain != null) {
                        boolean accepting = true;
                        do {
                            // accept() records the first problem; the chain's remaining rows are skipped
                            accepting = accepting && checker.accept(eventRows.getLong(2), eventRows.getString(3),
                                    eventRows.getString(4), eventRows.getString(5));
                            moreEvents = eventRows.next();
                        } while (moreEvents && chainId.equals(eventRows.getString(1)));
                    }
                    ChainVerification result;
                    if (headChain != null) {
                        result = checker.finish(headRows.getLong(2), headRows.getString(3));
                        moreHeads = headRows.next();
                    } else {
                        result = checker.finish(null, null);
                    }
                    results.add(reported(result));
                    listener.chainVerified(result, results.size(), total);
                }
            }
        }
        return results;
    }

    /**
     * Whether {@code a} sorts before {@code b} in the database's order of chain ids (its collation, which Java
     * cannot reproduce). Asked only where the event and head streams disagree, i.e. for broken chains.
     */
    private static boolean sortsBefore(PreparedStatement before, String a, String b) throws SQLException {
        before.setString(1, a);
        before.setString(2, b);
        try (ResultSet rows = before.executeQuery()) {
            rows.next();
            return rows.getBoolean(1);
        }
    }

    /**
     * Recomputes the given chains in one consistent snapshot, one after the other. A chain that has neither
     * events nor a head is reported as empty and valid, as by {@link #verifyChain}.
     *
     * @param chainIds the chains; duplicates are verified once
     * @param listener told of each result as soon as it is known
     * @return one result per distinct chain, in the order given
     */
    public List<ChainVerification> verifyChains(Collection<String> chainIds, VerifyListener listener) {
        Objects.requireNonNull(listener, "listener");
        Set<String> distinct = new LinkedHashSet<>(chainIds);
        distinct.forEach(id -> Objects.requireNonNull(id, "chainIds must not contain null"));
        return inSnapshot("verify " + distinct.size() + " audit chains", connection -> {
            List<ChainVerification> results = new ArrayList<>(distinct.size());
            for (String chainId : distinct) {
                ChainVerification result = verify(connection, chainId);
                results.add(result);
                listener.chainVerified(result, results.size(), distinct.size());
            }
            return results;
        });
    }

    /**
     * The chains whose key (everything after the first {@code /} of the chain id, since a topic never contains
     * one) equals {@code key}: for a run id, its chains on every topic, e.g. {@code gl.run.events/<id>},
     * {@code gl.step.events/<id>} and {@code gl.policy.decisions/<id>}, whatever the topic prefix.
     *
     * @param key the record key
     * @return chain ids with a head or events, in the database's order
     */
    public List<String> chainsOfKey(String key) {
        Objects.requireNonNull(key, "key");
        // The expression is the one indexed by V2 (audit_chain_heads_key, audit_events_key).
        String keyOf = "substr(chain_id, strpos(chain_id, '/') + 1) = ?";
        return chainIds("find the audit chains of key " + key, "SELECT chain_id FROM " + heads + " WHERE " + keyOf
                + " UNION SELECT chain_id FROM " + events + " WHERE " + keyOf + " ORDER BY chain_id",
                statement -> {
                    statement.setString(1, key);
                    statement.setString(2, key);
                });
    }

    /**
     * The chains that received an event recorded at or after {@code since} (the database's clock at append).
     *
     * @param since the earliest {@code recorded_at}
     * @return chain ids in the database's order
     */
    public List<String> chainsSince(Instant since) {
        Objects.requireNonNull(since, "since");
        return chainIds("find the audit chains appended to since " + since, "SELECT DISTINCT chain_id FROM " + events
                + " WHERE recorded_at >= ? ORDER BY chain_id",
                statement -> statement.setObject(1, RunProjections.timestamp(since)));
    }

    /**
     * How many chains the store has (with a head, with events or both): the total {@link #verifyAll()} reports.
     *
     * @return the number of chains
     */
    public long chainCount() {
        return inSnapshot("count audit chains", this::chainCount);
    }

    private long chainCount(Connection connection) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement("SELECT count(*) FROM (SELECT chain_id FROM "
                + heads + " UNION SELECT chain_id FROM " + events + ") AS chains");
             ResultSet rows = select.executeQuery()) {
            rows.next();
            return rows.getLong(1);
        }
    }

    private List<String> chainIds(String what, String sql, SqlBinder binder) {
        return inSnapshot(what, connection -> {
            try (PreparedStatement select = connection.prepareStatement(sql)) {
                binder.bind(select);
                List<String> result = new ArrayList<>();
                try (ResultSet rows = select.executeQuery()) {
                    while (rows.next()) {
                        result.add(rows.getString(1));
                    }
                }
                return result;
            }
        });
    }

    /**
     * The projection of one run, built from its RunEvents in the chains.
     *
     * @param runId the run
     * @return the run, or empty if no RunEvent of it was appended
     */
    public Optional<RunProjection> run(String runId) {
        Objects.requireNonNull(runId, "runId");
        return inSnapshot("read audit run " + runId, connection -> projections.run(connection, runId));
    }

    /**
     * A page of run projections in run id order.
     *
     * @param status     only runs in this status (a RunStatus symbol); null for any
     * @param tenantId   only runs of this tenant; null for any
     * @param limit      at most this many, 1 to {@link #MAX_RUNS_PAGE}
     * @param afterRunId only runs whose id sorts after this one (the last id of the previous page); null to start
     * @return the page, empty after the last one
     */
    public List<RunProjection> runs(String status, String tenantId, int limit, String afterRunId) {
        if (limit < 1 || limit > MAX_RUNS_PAGE) {
            throw new IllegalArgumentException("limit must be 1 to " + MAX_RUNS_PAGE + ", was " + limit);
        }
        return inSnapshot("list audit runs",
                connection -> projections.runs(connection, status, tenantId, limit, afterRunId));
    }

    /**
     * The step projections of one run, in step name order.
     *
     * @param runId the run
     * @return its steps; empty if none had a transition
     */
    public List<StepProjection> steps(String runId) {
        Objects.requireNonNull(runId, "runId");
        return inSnapshot("read the audit steps of run " + runId, connection -> projections.steps(connection, runId));
    }

    private ChainVerification verify(Connection connection, String chainId) throws SQLException {
        ChainChecker checker = new ChainChecker(chainId);
        try (PreparedStatement select = connection.prepareStatement("SELECT seq, prev_hash, hash, canonical_json FROM "
                + events + " WHERE chain_id = ? ORDER BY seq")) {
            select.setFetchSize(FETCH_SIZE);
            select.setString(1, chainId);
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next() && checker.accept(rows.getLong(1), rows.getString(2), rows.getString(3),
                        rows.getString(4))) {
                    // accept() records the first problem and stops the scan
                }
            }
        }
        try (PreparedStatement select = connection.prepareStatement(
                "SELECT seq, hash FROM " + heads + " WHERE chain_id = ?")) {
            select.setString(1, chainId);
            try (ResultSet rows = select.executeQuery()) {
                return reported(rows.next() ? checker.finish(rows.getLong(1), rows.getString(2))
                        : checker.finish(null, null));
            }
        }
    }

    private ChainVerification reported(ChainVerification result) {
        if (!result.valid()) {
            LOG.warn("[audit {}] chain {} broken at seq {}: {} {}", schema, result.chainId(), result.firstBadSeq(),
                    result.problem(), result.detail());
        }
        return result;
    }

    private <T> T inSnapshot(String what, SqlWork<T> work) {
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false); // cursors (fetch size) need a transaction
            connection.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
            connection.setReadOnly(true);
            try {
                return work.run(connection);
            } finally {
                connection.rollback();
            }
        } catch (SQLException e) {
            throw SqlErrors.translate(what, e);
        }
    }

    /** Rolls back; a rollback that fails too (a dead connection) is attached to the original failure. */
    private static void rollbackKeeping(Connection connection, Exception failure) {
        try {
            connection.rollback();
        } catch (SQLException rollbackFailure) {
            failure.addSuppressed(rollbackFailure);
        }
    }

    private static String requireSchemaName(String schema) {
        Objects.requireNonNull(schema, "schema");
        if (!SCHEMA_NAME.matcher(schema).matches()) {
            throw new IllegalArgumentException("schema must match " + SCHEMA_NAME + ", was: '" + schema + "'");
        }
        return schema;
    }

    /**
     * Told of each chain as soon as it is verified ({@link #verifyAll(VerifyListener)},
     * {@link #verifyChains}), e.g. to draw a progress bar. Called on the verifying thread, in the order the
     * results are returned; must not call back into the store's verification.
     */
    @FunctionalInterface
    public interface VerifyListener {

        /** A listener that does nothing. */
        VerifyListener NONE = (result, chainsDone, chainsTotal) -> { };

        /**
         * One chain was verified.
         *
         * @param result      its result
         * @param chainsDone  chains verified so far, this one included (1 for the first call)
         * @param chainsTotal chains this verification covers, known before the first call
         */
        void chainVerified(ChainVerification result, long chainsDone, long chainsTotal);
    }

    @FunctionalInterface
    private interface SqlWork<T> {
        T run(Connection connection) throws SQLException;
    }

    @FunctionalInterface
    private interface SqlBinder {
        void bind(PreparedStatement statement) throws SQLException;
    }

    private record Head(long seq, String hash, boolean changed) {
    }

    private record Coordinates(String topic, int partition, long offset) {
        static Coordinates of(AuditRecord record) {
            return new Coordinates(record.topic(), record.partition(), record.offset());
        }
    }
}
