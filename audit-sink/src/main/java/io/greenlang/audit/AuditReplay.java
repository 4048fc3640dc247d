package io.greenlang.audit;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;

import javax.sql.DataSource;

import io.greenlang.audit.ReplayReport.ChainComparison;
import io.greenlang.audit.ReplayReport.Status;
import io.greenlang.audit.internal.SqlErrors;
import io.greenlang.common.error.ErrorCode;
import io.greenlang.common.error.GreenLangException;
import io.greenlang.topics.Topic;
import io.greenlang.topics.TopicCatalog;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Audit reconstruction: re-reads the audited topics between two positions, appends every record (decoded by
 * {@link AuditDecoder}, exactly as the sink does) into a target audit store, and compares the target's hashes with
 * the live store's, chain by chain ({@link ReplayReport}). Since a chain is fed by one topic and key, its order is
 * the partition's order and a replay reproduces it: any difference means the live store lost or changed events.
 *
 * <p>Chains that began before the replay's start are anchored: the first time the replay meets a chain that has
 * no head in the target, the target's head is seeded with the live store's last event of that chain before the
 * chain's first replayed record (same partition, lower offset), so the replayed events get the live seqs and
 * hashes. Replaying into the live schema itself (a restore drill) appends only what the store lacks.
 *
 * <p>The replay reads with its own consumer (assign and seek, no group, no commits, {@code read_committed}),
 * never writes to Kafka (no dead letters are sent) and never writes to the live store unless it is the target.
 */
public final class AuditReplay {

    /** Told after each appended batch; {@code total} counts offsets, an upper bound of the records to replay. */
    @FunctionalInterface
    public interface Progress {
        /**
         * @param replayed records replayed so far
         * @param total    offsets to replay in all (transaction markers and aborted records take offsets too)
         */
        void update(long replayed, long total);
    }

    private static final Logger LOG = LoggerFactory.getLogger(AuditReplay.class);
    private static final Duration POLL_TIMEOUT = Duration.ofMillis(500);
    private static final Duration METADATA_TIMEOUT = Duration.ofSeconds(60);
    /** A replay that reads nothing for this long while partitions remain fails instead of hanging. */
    private static final Duration IDLE_TIMEOUT = Duration.ofMinutes(2);
    private static final int MAX_POLL_RECORDS = 5_000;

    private final TopicCatalog catalog;
    private final DataSource dataSource;
    private final Map<String, Object> consumerProperties;

    /**
     * @param catalog            the topic catalog (its prefix names the deployment's or a test's topics)
     * @param dataSource         connections to the database holding the live and the target store; the target
     *                           needs DDL rights (migrate, and drop on reset)
     * @param consumerProperties consumer settings (bootstrap servers, security); a group id is ignored, and the
     *                           replay forces byte array deserializers, {@code read_committed} and no commits
     */
    public AuditReplay(TopicCatalog catalog, DataSource dataSource, Map<String, Object> consumerProperties) {
        this.catalog = Objects.requireNonNull(catalog, "catalog");
        this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
        this.consumerProperties = Map.copyOf(consumerProperties);
    }

    /**
     * Replays without progress reports.
     *
     * @see #run(ReplayOptions, Progress)
     */
    public ReplayReport run(ReplayOptions options) {
        return run(options, (replayed, total) -> {
        });
    }

    /**
     * Replays the options' topics into the target store and compares it with the live store.
     *
     * @param options  what to replay and where
     * @param progress told after every appended batch
     * @return the comparison
     * @throws IllegalArgumentException if a topic is not in the catalog
     * @throws GreenLangException       if the database or the broker fails (the target may then hold part of the
     *                                  replay; replaying again continues it, or reset starts over)
     */
    public ReplayReport run(ReplayOptions options, Progress progress) {
        Objects.requireNonNull(options, "options");
        Objects.requireNonNull(progress, "progress");
        long started = System.nanoTime();
        Map<String, Topic<?, ?>> topics = resolve(options.topics());
        AuditStore target = prepareTarget(options);
        try (KafkaConsumer<byte[], byte[]> consumer = newConsumer()) {
            List<TopicPartition> partitions = partitionsOf(consumer, topics.keySet());
            consumer.assign(partitions); // the last stable offsets (read_committed end offsets) of assigned ones
            Map<TopicPartition, Long> ends = endOffsets(consumer, partitions, options.end());
            Map<TopicPartition, Long> starts = startOffsets(consumer, partitions, options.start(), ends);
            long total = 0;
            for (TopicPartition partition : partitions) {
                total += ends.get(partition) - starts.get(partition);
            }
            LOG.info("[audit-replay {}] replaying {} offsets of {} into {} ({} -> {})", options.liveSchema(), total,
                    topics.keySet(), options.targetSchema(), options.start(), options.end());
            Replayer replayer = new Replayer(consumer, topics, target, options, progress, total);
            replayer.replay(starts, ends);
            List<ChainComparison> comparisons = compare(options, topics.keySet(), starts, ends);
            Map<Status, Long> counts = new EnumMap<>(Status.class);
            comparisons.forEach(c -> counts.merge(c.status(), 1L, Long::sum));
            ReplayReport report = new ReplayReport(comparisons, counts, replayer.replayed, replayer.appended,
                    starts, ends, Duration.ofNanos(System.nanoTime() - started));
            LOG.info("[audit-replay {}] {} events replayed into {} in {} ms ({} events/s), {} appended; chains {}",
                    options.liveSchema(), report.eventsReplayed(), options.targetSchema(),
                    report.elapsed().toMillis(), Math.round(report.eventsPerSecond()), report.appended(),
                    report.counts());
            return report;
        }
    }

    private Map<String, Topic<?, ?>> resolve(Collection<String> baseNames) {
        Map<String, Topic<?, ?>> result = new LinkedHashMap<>();
        for (String base : baseNames) {
            Topic<?, ?> topic = catalog.byName(catalog.prefix() + base).orElseThrow(
                    () -> new IllegalArgumentException("audited topic " + base + " is not in the topic catalog"));
            if (topic.name().equals(catalog.deadLetters().name())) {
                throw new IllegalArgumentException("the dead-letter topic is not audited");
            }
            result.put(topic.name(), topic);
        }
        return result;
    }

    private AuditStore prepareTarget(ReplayOptions options) {
        if (options.reset()) {
            // options guarantee target != live; the name is validated, so it can be spliced in
            try (Connection connection = dataSource.getConnection();
                 Statement statement = connection.createStatement()) {
                statement.execute("DROP SCHEMA IF EXISTS " + options.targetSchema() + " CASCADE");
            } catch (SQLException e) {
                throw SqlErrors.translate("drop the replay target schema " + options.targetSchema(), e);
            }
            LOG.info("[audit-replay {}] dropped target schema {}", options.liveSchema(), options.targetSchema());
        }
        AuditStore target = new AuditStore(dataSource, options.targetSchema());
        target.migrate();
        return target;
    }

    private KafkaConsumer<byte[], byte[]> newConsumer() {
        Map<String, Object> properties = new HashMap<>(consumerProperties);
        properties.remove(ConsumerConfig.GROUP_ID_CONFIG);
        properties.remove(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG);
        properties.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        properties.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        // every position is sought explicitly; a position that vanished (retention) must fail, not jump
        properties.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "none");
        properties.putIfAbsent(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, MAX_POLL_RECORDS);
        properties.putIfAbsent(ConsumerConfig.CLIENT_ID_CONFIG,
                "audit-replay-" + UUID.randomUUID().toString().substring(0, 8));
        return new KafkaConsumer<>(properties, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    private static List<TopicPartition> partitionsOf(KafkaConsumer<byte[], byte[]> consumer, Set<String> topics) {
        List<TopicPartition> result = new ArrayList<>();
        for (String topic : topics) {
            List<PartitionInfo> infos = consumer.partitionsFor(topic, METADATA_TIMEOUT);
            if (infos == null || infos.isEmpty()) {
                throw new IllegalArgumentException("topic " + topic + " does not exist");
            }
            infos.forEach(info -> result.add(new TopicPartition(info.topic(), info.partition())));
        }
        return result;
    }

    private static Map<TopicPartition, Long> endOffsets(KafkaConsumer<byte[], byte[]> consumer,
                                                        List<TopicPartition> partitions, ReplayOptions.End end) {
        Map<TopicPartition, Long> latest = new HashMap<>(consumer.endOffsets(partitions, METADATA_TIMEOUT));
        if (end instanceof ReplayOptions.End.AtTime at) {
            offsetsForTimes(consumer, partitions, at.time().toEpochMilli()).forEach(
                    (partition, offset) -> latest.merge(partition, offset, Math::min));
        }
        return latest;
    }

    private static Map<TopicPartition, Long> startOffsets(KafkaConsumer<byte[], byte[]> consumer,
                                                          List<TopicPartition> partitions, ReplayOptions.Start start,
                                                          Map<TopicPartition, Long> ends) {
        Map<TopicPartition, Long> beginnings = consumer.beginningOffsets(partitions, METADATA_TIMEOUT);
        Map<TopicPartition, Long> requested = new HashMap<>();
        if (start instanceof ReplayOptions.Start.Earliest) {
            requested.putAll(beginnings);
        } else if (start instanceof ReplayOptions.Start.AtTime at) {
            requested.putAll(offsetsForTimes(consumer, partitions, at.time().toEpochMilli()));
        } else if (start instanceof ReplayOptions.Start.AtOffsets at) {
            for (TopicPartition partition : at.offsets().keySet()) {
                if (!ends.containsKey(partition)) {
                    throw new IllegalArgumentException("start offset given for " + partition
                            + ", which is not a partition of the replayed topics");
                }
            }
            requested.putAll(at.offsets());
        }
        Map<TopicPartition, Long> result = new HashMap<>();
        for (TopicPartition partition : partitions) {
            long end = ends.get(partition);
            // not requested: nothing to replay; before the log start: the log start; never past the end
            long offset = requested.getOrDefault(partition, end);
            result.put(partition, Math.min(end, Math.max(beginnings.get(partition), offset)));
        }
        return result;
    }

    /** The first offset at or after the time per partition; partitions without such a record are left out. */
    private static Map<TopicPartition, Long> offsetsForTimes(KafkaConsumer<byte[], byte[]> consumer,
                                                             List<TopicPartition> partitions, long epochMillis) {
        Map<TopicPartition, Long> query = new HashMap<>();
        partitions.forEach(partition -> query.put(partition, epochMillis));
        Map<TopicPartition, Long> result = new HashMap<>();
        for (Map.Entry<TopicPartition, OffsetAndTimestamp> entry
                : consumer.offsetsForTimes(query, METADATA_TIMEOUT).entrySet()) {
            if (entry.getValue() != null) {
                result.put(entry.getKey(), entry.getValue().offset());
            }
        }
        return result;
    }

    /** The read-decode-append loop of one run. */
    private final class Replayer {
        private final KafkaConsumer<byte[], byte[]> consumer;
        private final Map<String, Topic<?, ?>> topics;
        private final AuditStore target;
        private final ReplayOptions options;
        private final Progress progress;
        private final long total;
        private final Set<String> seenChains = new HashSet<>();
        private final List<AuditRecord> batch = new ArrayList<>();
        /** Chains first met in the current batch: where their first replayed record is. */
        private final List<AuditRecord> firstOfChain = new ArrayList<>();
        long replayed;
        long appended;

        Replayer(KafkaConsumer<byte[], byte[]> consumer, Map<String, Topic<?, ?>> topics, AuditStore target,
                 ReplayOptions options, Progress progress, long total) {
            this.consumer = consumer;
            this.topics = topics;
            this.target = target;
            this.options = options;
            this.progress = progress;
            this.total = total;
        }

        void replay(Map<TopicPartition, Long> starts, Map<TopicPartition, Long> ends) {
            Set<TopicPartition> pending = new HashSet<>();
            starts.forEach((partition, start) -> {
                if (start < ends.get(partition)) {
                    pending.add(partition);
                }
            });
            consumer.assign(pending);
            pending.forEach(partition -> consumer.seek(partition, starts.get(partition)));
            long lastProgress = System.nanoTime();
            while (!pending.isEmpty()) {
                ConsumerRecords<byte[], byte[]> records = consumer.poll(POLL_TIMEOUT);
                for (ConsumerRecord<byte[], byte[]> record : records) {
                    TopicPartition partition = new TopicPartition(record.topic(), record.partition());
                    if (record.offset() < ends.get(partition)) {
                        add(AuditDecoder.decode(topics.get(record.topic()), record).record());
                    }
                }
                List<TopicPartition> finished = new ArrayList<>();
                for (TopicPartition partition : pending) {
                    if (consumer.position(partition) >= ends.get(partition)) {
                        finished.add(partition);
                    }
                }
                if (!finished.isEmpty()) {
                    consumer.pause(finished);
                    finished.forEach(pending::remove);
                }
                if (!records.isEmpty() || !finished.isEmpty()) {
                    lastProgress = System.nanoTime();
                } else if (System.nanoTime() - lastProgress > IDLE_TIMEOUT.toNanos()) {
                    throw new GreenLangException(ErrorCode.NETWORK_TIMEOUT, "Audit replay read nothing for "
                            + IDLE_TIMEOUT.toSeconds() + " s; partitions still to read: " + pending);
                }
                if (batch.size() >= options.batchSize()) {
                    flush();
                }
            }
            flush();
        }

        private void add(AuditRecord record) {
            batch.add(record);
            if (seenChains.add(record.chainId())) {
                firstOfChain.add(record);
            }
        }

        private void flush() {
            if (batch.isEmpty()) {
                return;
            }
            if (!options.intoLive()) {
                anchor(firstOfChain);
            }
            AppendResult result = target.append(batch);
            replayed += batch.size();
            appended += result.appended().size();
            LOG.debug("[audit-replay {}] batch of {}: appended {}, skipped {}", options.liveSchema(), batch.size(),
                    result.appended().size(), result.skipped().size());
            batch.clear();
            firstOfChain.clear();
            progress.update(replayed, total);
        }

        /**
         * Seeds the target head of each chain met for the first time that has no head there with the live store's
         * last event of the chain before its first replayed record (same partition, lower offset), if any.
         */
        private void anchor(List<AuditRecord> firsts) {
            if (firsts.isEmpty()) {
                return;
            }
            Object[] chainIds = new Object[firsts.size()];
            Object[] partitions = new Object[firsts.size()];
            Object[] offsets = new Object[firsts.size()];
            for (int i = 0; i < firsts.size(); i++) {
                chainIds[i] = firsts.get(i).chainId();
                partitions[i] = firsts.get(i).partition();
                offsets[i] = firsts.get(i).offset();
            }
            String sql = "INSERT INTO " + options.targetSchema() + ".audit_chain_heads (chain_id, seq, hash)"
                    + " SELECT c.chain_id, l.seq, l.hash"
                    + " FROM unnest(?::text[], ?::int[], ?::bigint[]) AS c(chain_id, partition, off)"
                    + " CROSS JOIN LATERAL (SELECT e.seq, e.hash FROM " + options.liveSchema() + ".audit_events e"
                    + " WHERE e.chain_id = c.chain_id AND e.partition = c.partition AND e.\"offset\" < c.off"
                    + " ORDER BY e.seq DESC LIMIT 1) AS l"
                    + " ORDER BY c.chain_id"
                    + " ON CONFLICT (chain_id) DO NOTHING";
            try (Connection connection = dataSource.getConnection();
                 PreparedStatement insert = connection.prepareStatement(sql)) {
                insert.setArray(1, connection.createArrayOf("text", chainIds));
                insert.setArray(2, connection.createArrayOf("int4", partitions));
                insert.setArray(3, connection.createArrayOf("int8", offsets));
                int anchored = insert.executeUpdate();
                LOG.debug("[audit-replay {}] {} of {} new chains anchored on the live store", options.liveSchema(),
                        anchored, firsts.size());
            } catch (SQLException e) {
                throw SqlErrors.translate("anchor " + firsts.size() + " replayed chains", e);
            }
        }
    }

    /** Per chain: replayed hashes against live hashes at the same seq, in one pass; then live-only chains. */
    private List<ChainComparison> compare(ReplayOptions options, Set<String> topics,
                                          Map<TopicPartition, Long> starts, Map<TopicPartition, Long> ends) {
        List<Object> rangeTopics = new ArrayList<>();
        List<Object> rangePartitions = new ArrayList<>();
        List<Object> rangeStarts = new ArrayList<>();
        List<Object> rangeEnds = new ArrayList<>();
        starts.forEach((partition, start) -> {
            if (start < ends.get(partition)) {
                rangeTopics.add(partition.topic());
                rangePartitions.add(partition.partition());
                rangeStarts.add(start);
                rangeEnds.add(ends.get(partition));
            }
        });
        String live = options.liveSchema();
        String target = options.targetSchema();
        String sql = "WITH ranges AS (SELECT * FROM unnest(?::text[], ?::int[], ?::bigint[], ?::bigint[])"
                + " AS r(topic, partition, from_off, to_off)),"
                + " replayed AS (SELECT t.chain_id, t.seq, t.hash FROM ranges r JOIN " + target + ".audit_events t"
                + " ON t.topic = r.topic AND t.partition = r.partition"
                + " AND t.\"offset\" >= r.from_off AND t.\"offset\" < r.to_off)"
                + " SELECT p.chain_id, count(*), min(p.seq), max(p.seq),"
                + " min(p.seq) FILTER (WHERE l.seq IS NOT NULL AND l.hash <> p.hash),"
                + " min(p.seq) FILTER (WHERE l.seq IS NULL)"
                + " FROM replayed p LEFT JOIN " + live + ".audit_events l ON l.chain_id = p.chain_id AND l.seq = p.seq"
                + " GROUP BY p.chain_id";
        TreeMap<String, ChainComparison> result = new TreeMap<>();
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            connection.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
            connection.setReadOnly(true);
            try {
                try (PreparedStatement select = connection.prepareStatement(sql)) {
                    select.setArray(1, connection.createArrayOf("text", rangeTopics.toArray()));
                    select.setArray(2, connection.createArrayOf("int4", rangePartitions.toArray()));
                    select.setArray(3, connection.createArrayOf("int8", rangeStarts.toArray()));
                    select.setArray(4, connection.createArrayOf("int8", rangeEnds.toArray()));
                    try (ResultSet rows = select.executeQuery()) {
                        while (rows.next()) {
                            ChainComparison comparison = comparison(rows);
                            result.put(comparison.chainId(), comparison);
                        }
                    }
                }
                if (options.wholeTopics()) {
                    for (String chainId : liveChains(connection, live, topics)) {
                        result.putIfAbsent(chainId, new ChainComparison(chainId, Status.LIVE_ONLY, 0, 0, 0, 0));
                    }
                }
            } finally {
                connection.rollback();
            }
        } catch (SQLException e) {
            throw SqlErrors.translate("compare the replay in " + target + " with " + live, e);
        }
        result.values().stream().filter(c -> c.status() != Status.EQUAL).forEach(c -> LOG.warn(
                "[audit-replay {}] chain {} is {} (first bad seq {})", live, c.chainId(), c.status(), c.firstBadSeq()));
        return List.copyOf(result.values());
    }

    private static ChainComparison comparison(ResultSet row) throws SQLException {
        String chainId = row.getString(1);
        long events = row.getLong(2);
        long firstSeq = row.getLong(3);
        long lastSeq = row.getLong(4);
        long differing = row.getLong(5);
        boolean anyDiffering = !row.wasNull();
        long missing = row.getLong(6);
        boolean anyMissing = !row.wasNull();
        Status status;
        long bad;
        if (anyDiffering && (!anyMissing || differing < missing)) {
            status = Status.DIFFERING;
            bad = differing;
        } else if (anyMissing) {
            status = Status.MISSING;
            bad = missing;
        } else {
            status = Status.EQUAL;
            bad = 0;
        }
        return new ChainComparison(chainId, status, events, firstSeq, lastSeq, bad);
    }

    /** Chains of the topics with at least one event in the live store (by their heads). */
    private static List<String> liveChains(Connection connection, String live, Set<String> topics)
            throws SQLException {
        List<String> result = new ArrayList<>();
        try (PreparedStatement select = connection.prepareStatement("SELECT chain_id FROM " + live
                + ".audit_chain_heads WHERE seq > 0 AND split_part(chain_id, '/', 1) = ANY (?)")) {
            select.setFetchSize(1000);
            select.setArray(1, connection.createArrayOf("text", topics.toArray()));
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    result.add(rows.getString(1));
                }
            }
        }
        return result;
    }
}
