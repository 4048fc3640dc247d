package io.greenlang.bench.replay;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

import javax.sql.DataSource;

import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyManager;

import io.greenlang.audit.AuditDecoder;
import io.greenlang.audit.AuditHash;
import io.greenlang.audit.AuditRecord;
import io.greenlang.audit.AuditReplay;
import io.greenlang.audit.AuditStore;
import io.greenlang.audit.ReplayOptions;
import io.greenlang.audit.ReplayReport;
import io.greenlang.audit.ReplayReport.Status;
import io.greenlang.events.run.RunEvent;
import io.greenlang.events.run.StepEvent;
import io.greenlang.events.run.StepEventKind;
import io.greenlang.events.run.StepStatus;
import io.greenlang.common.json.Hashing;
import io.greenlang.schemas.EventSamples;
import io.greenlang.topics.Topic;
import io.greenlang.topics.TopicAdmin;
import io.greenlang.topics.TopicCatalog;

/**
 * Throughput of the audit replay ({@link AuditReplay#run}): N real {@link RunEvent}s and {@link StepEvent}s of C
 * chains on the audited topics {@code gl.run.events} and {@code gl.step.events} of the standard catalog, replayed
 * from the earliest to the latest offsets into a scratch schema (reset first) and compared with a live store.
 *
 * <p>Set-up, not timed: the catalog's topics are created ({@link TopicAdmin#apply}), the events produced with the
 * catalog's serdes ({@code acks=all}, idempotent) and all acknowledged; then, unless told otherwise, the live store is
 * filled by one replay into the live schema itself (a restore drill), so that the measured replay compares against a
 * complete live store and must find every chain {@link Status#EQUAL}. That first replay also warms the JIT up.
 *
 * <p>Baseline, measured in the same run on the same broker, once before and once after the measured replay: a raw
 * {@link KafkaConsumer} on byte arrays ({@code read_committed}, assign and seek to the beginning, no group, the
 * replay's {@code max.poll.records}) reading the same partitions from their beginnings to their end offsets and
 * counting the records. No platform code sits between it and the broker. The ratio is taken against the faster of
 * the two baseline reads.
 *
 * <p>Two floors, measured in the same run after the replay, bound what any replay can reach on the machine:
 * <ul>
 *   <li><b>decode and hash</b>: the baseline's read, plus {@link AuditDecoder#decode} and {@link AuditHash#link}
 *       of every record into its chain's head, kept in memory: the work of a replay without its database;</li>
 *   <li><b>bare write</b>: a {@code COPY ... FROM STDIN} of the rows the replay stored (copied out of the scratch
 *       schema beforehand) into an {@code UNLOGGED} table without any index, constraint or trigger, in one
 *       transaction: the cheapest way to store the rows a replay must store.</li>
 * </ul>
 * A replay that reads, hashes and stores every event can be no faster than the slower floor, so the slower floor
 * divided by the raw read is the highest ratio to the raw read any implementation can reach here.
 *
 * <p>Never touches a schema it did not create: both schemas are new ({@code gl_bench_*} with a random suffix) and
 * are dropped at the end. It produces into the catalog's topics of the broker it is given, so it is meant for a
 * scratch stack.
 */
public final class ReplayBenchmark {

    /** The audited topics, as base names of the standard catalog. */
    static final List<String> TOPICS = List.of("gl.run.events", "gl.step.events");
    private static final Duration READ_TIMEOUT = Duration.ofMinutes(5);
    /** The replay's own {@code max.poll.records}; the baseline reads with the same. */
    private static final int MAX_POLL_RECORDS = 5_000;
    private static final int REPORT_EVERY = 100_000;

    /**
     * What to run.
     *
     * @param events   events produced and replayed
     * @param chains   chains the events are spread over, round robin: chain c is run id c on {@code gl.run.events}
     *                 when c is even, on {@code gl.step.events} when c is odd
     * @param batch    records per {@link AuditStore#append} of the replay
     * @param fillLive fill the live store by a replay into it first (untimed); otherwise it is only migrated, empty,
     *                 and every chain compares {@link Status#MISSING}
     */
    public record Settings(int events, int chains, int batch, boolean fillLive) {
        /** Validates. */
        public Settings {
            if (events < 1 || chains < 1 || batch < 1) {
                throw new IllegalArgumentException("events, chains and batch must be positive");
            }
        }

        /** Chains that get at least one event. */
        int usedChains() {
            return Math.min(events, chains);
        }
    }

    /** One raw read of the partitions. */
    public record Read(long records, long nanos) {
        /** Records per second. */
        public double recordsPerSecond() {
            return records * 1e9 / nanos;
        }

        Map<String, Object> toMap() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("records", records);
            m.put("records_per_sec", Math.round(recordsPerSecond()));
            m.put("seconds", seconds(nanos));
            return m;
        }
    }

    /**
     * The floors: what a replay cannot do without.
     *
     * @param decodeAndHash the raw read plus decoding and hashing every record into its chain
     * @param bareWrite     a COPY of the replayed rows into an unlogged table without indexes (records = rows)
     */
    public record Floors(Read decodeAndHash, Read bareWrite) {
        /** The slower of the two: no replay that reads, hashes and stores every event is faster. */
        public Read slower() {
            return decodeAndHash.recordsPerSecond() <= bareWrite.recordsPerSecond() ? decodeAndHash : bareWrite;
        }

        Map<String, Object> toMap() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("decode_and_hash", decodeAndHash.toMap());
            m.put("bare_write", bareWrite.toMap());
            return m;
        }
    }

    /**
     * One replay's figures.
     *
     * @param eventsReplayed  from the report
     * @param appended        from the report: events newly stored in the target
     * @param elapsedNanos    from the report: the whole replay, target reset and comparison included
     * @param readAppendNanos from the call to the last appended batch (target reset and migration, reading,
     *                        decoding and appending; no comparison)
     * @param counts          chains per status
     */
    public record Replay(long eventsReplayed, long appended, long elapsedNanos, long readAppendNanos,
                         Map<Status, Long> counts) {
        /** Events replayed per second of the whole replay (the report's figure). */
        public double eventsPerSecond() {
            return eventsReplayed * 1e9 / elapsedNanos;
        }

        /** Events replayed per second up to the last appended batch, i.e. without the comparison. */
        public double eventsPerSecondWithoutComparison() {
            return eventsReplayed * 1e9 / readAppendNanos;
        }

        /** Time of the comparison (and of what follows the last batch in the replay). */
        public long comparisonNanos() {
            return Math.max(0, elapsedNanos - readAppendNanos);
        }

        Map<String, Object> toMap() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("events_replayed", eventsReplayed);
            m.put("appended", appended);
            m.put("events_per_sec", Math.round(eventsPerSecond()));
            m.put("events_per_sec_without_comparison", Math.round(eventsPerSecondWithoutComparison()));
            m.put("seconds", seconds(elapsedNanos));
            m.put("read_append_seconds", seconds(readAppendNanos));
            m.put("comparison_seconds", seconds(comparisonNanos()));
            Map<String, Object> chains = new LinkedHashMap<>();
            counts.forEach((status, count) -> chains.put(status.name(), count));
            m.put("chains", chains);
            return m;
        }
    }

    /**
     * The benchmark's result.
     *
     * @param settings     what ran
     * @param produceNanos producing all events until the last acknowledgement
     * @param fill         the untimed replay that filled the live store, or null if it was left empty
     * @param baselines    the raw reads, before and after the measured replay
     * @param replay       the measured replay into the scratch schema
     * @param floors       the floors measured after the replay
     */
    public record Result(Settings settings, long produceNanos, Replay fill, List<Read> baselines, Replay replay,
                         Floors floors) {
        /** The faster of the baseline reads. */
        public Read bestBaseline() {
            return baselines.stream().max((a, b) -> Double.compare(a.recordsPerSecond(), b.recordsPerSecond()))
                    .orElseThrow();
        }

        /** Replayed events/s (comparison included) divided by the best baseline's records/s. */
        public double ratio() {
            return replay.eventsPerSecond() / bestBaseline().recordsPerSecond();
        }

        /** The same without the comparison. */
        public double ratioWithoutComparison() {
            return replay.eventsPerSecondWithoutComparison() / bestBaseline().recordsPerSecond();
        }

        /**
         * The slower floor divided by the best baseline's records/s: the highest {@link #ratio()} a replay that
         * reads, hashes and stores every event can reach on this machine.
         */
        public double ceilingRatio() {
            return floors.slower().recordsPerSecond() / bestBaseline().recordsPerSecond();
        }

        /** True if every replayed chain compared equal with the live store. */
        public boolean allEqual() {
            return replay.counts().entrySet().stream().allMatch(e -> e.getKey() == Status.EQUAL || e.getValue() == 0);
        }

        /** As a JSON-ready map. */
        public Map<String, Object> toMap() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("benchmark", "replay");
            m.put("events", settings.events());
            m.put("chains", settings.usedChains());
            m.put("topics", TOPICS);
            m.put("batch", settings.batch());
            m.put("live_store", settings.fillLive() ? "filled by a replay into it first" : "empty");
            m.put("produce_seconds", seconds(produceNanos));
            if (fill != null) {
                m.put("fill_live_replay", fill.toMap());
            }
            m.put("replay", replay.toMap());
            m.put("raw_read_baseline", baselines.stream().map(Read::toMap).toList());
            m.put("replay_to_raw_read", round3(ratio()));
            m.put("replay_without_comparison_to_raw_read", round3(ratioWithoutComparison()));
            m.put("floors", floors.toMap());
            m.put("decode_and_hash_to_raw_read",
                    round3(floors.decodeAndHash().recordsPerSecond() / bestBaseline().recordsPerSecond()));
            m.put("bare_write_to_raw_read",
                    round3(floors.bareWrite().recordsPerSecond() / bestBaseline().recordsPerSecond()));
            m.put("ceiling_ratio_to_raw_read", round3(ceilingRatio()));
            m.put("replay_to_slower_floor", round3(replay.eventsPerSecond() / floors.slower().recordsPerSecond()));
            m.put("all_equal", allEqual());
            return m;
        }

        /** One line for a person. */
        public String summary() {
            return String.format("replay: %,.0f events/s (%,.0f without the %.1f s comparison; %,d replayed, %,d "
                            + "appended in %.1f s); raw read %,.0f records/s (best of %s); ratio %.3f (%.3f without "
                            + "comparison); floors: decode+hash %,.0f events/s, bare write %,.0f rows/s, ceiling "
                            + "ratio %.3f; %,d events, %,d chains, batches of %,d, live store %s, chains %s",
                    replay.eventsPerSecond(), replay.eventsPerSecondWithoutComparison(),
                    replay.comparisonNanos() / 1e9, replay.eventsReplayed(), replay.appended(),
                    replay.elapsedNanos() / 1e9, bestBaseline().recordsPerSecond(),
                    baselines.stream().map(b -> String.format("%,.0f", b.recordsPerSecond())).toList(), ratio(),
                    ratioWithoutComparison(), floors.decodeAndHash().recordsPerSecond(),
                    floors.bareWrite().recordsPerSecond(), ceilingRatio(), settings.events(), settings.usedChains(),
                    settings.batch(),
                    settings.fillLive() ? "filled" : "empty", replay.counts());
        }
    }

    /** Receives progress messages. */
    @FunctionalInterface
    public interface Progress {
        /** One line of progress. */
        void report(String message);
    }

    private final String bootstrapServers;
    private final DataSource dataSource;

    /**
     * @param bootstrapServers a scratch broker: the catalog's topics are created and produced to
     * @param dataSource       connections to a database where the benchmark may create and drop schemas
     */
    public ReplayBenchmark(String bootstrapServers, DataSource dataSource) {
        this.bootstrapServers = bootstrapServers;
        this.dataSource = dataSource;
    }

    /** Creates the topics, produces, fills the live store, then measures the baseline and the replay. */
    public Result run(Settings settings, Progress progress) throws Exception {
        TopicCatalog catalog = TopicCatalog.standard();
        try (Admin admin = Admin.create(Map.of(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers))) {
            progress.report("creating the catalog's topics ...");
            new TopicAdmin(admin, Duration.ofSeconds(60)).apply(catalog.all());
        }
        progress.report(String.format("producing %,d events over %,d chains to %s ...", settings.events(),
                settings.usedChains(), TOPICS));
        long produceNanos = produce(catalog, settings, progress);
        progress.report(String.format("  all acknowledged in %.1f s (%,.0f events/s)", produceNanos / 1e9,
                settings.events() * 1e9 / produceNanos));

        String suffix = Long.toHexString(new SplittableRandom().nextLong() & 0xffffffffL);
        String live = "gl_bench_live_" + suffix;
        String scratch = "gl_bench_replay_" + suffix;
        AuditReplay replay = new AuditReplay(catalog, dataSource,
                Map.of(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers));
        try {
            Replay fill = null;
            if (settings.fillLive()) {
                progress.report("filling the live store " + live + " by a replay into it (not timed) ...");
                fill = replay(replay, ReplayOptions.of(TOPICS, live, live).withBatchSize(settings.batch()),
                        settings, progress);
                if (fill.appended() != settings.events()) {
                    throw new IllegalStateException("the fill replay appended " + fill.appended() + " of "
                            + settings.events() + " events");
                }
                progress.report(String.format("  %,.0f events/s", fill.eventsPerSecond()));
            } else {
                new AuditStore(dataSource, live).migrate();
            }

            List<Read> baselines = new ArrayList<>();
            progress.report("baseline: raw read of the same partitions ...");
            baselines.add(read(catalog, settings, progress));
            progress.report(String.format("  %,.0f records/s", baselines.get(0).recordsPerSecond()));

            progress.report("measuring: replay into " + scratch + " (reset), compared with " + live + " ...");
            Replay measured = replay(replay, ReplayOptions.of(TOPICS, live, scratch).withReset(true)
                    .withBatchSize(settings.batch()), settings, progress);
            progress.report(String.format("  %,.0f events/s (%,.0f without the comparison)",
                    measured.eventsPerSecond(), measured.eventsPerSecondWithoutComparison()));

            progress.report("baseline again ...");
            baselines.add(read(catalog, settings, progress));
            progress.report(String.format("  %,.0f records/s", baselines.get(1).recordsPerSecond()));

            progress.report("floor: raw read, decode and hash every record into its chain, in memory ...");
            Read decodeAndHash = decodeAndHash(catalog, settings, progress);
            progress.report(String.format("  %,.0f events/s", decodeAndHash.recordsPerSecond()));
            progress.report("floor: COPY of the replayed rows into an unlogged table without indexes ...");
            Read bareWrite = bareWrite(scratch);
            progress.report(String.format("  %,.0f rows/s", bareWrite.recordsPerSecond()));

            Result result = new Result(settings, produceNanos, fill, baselines, measured,
                    new Floors(decodeAndHash, bareWrite));
            check(result);
            return result;
        } finally {
            drop(scratch);
            drop(live);
        }
    }

    private static void check(Result result) {
        Settings settings = result.settings();
        if (result.replay().eventsReplayed() != settings.events()) {
            throw new IllegalStateException("replayed " + result.replay().eventsReplayed() + " of "
                    + settings.events() + " events");
        }
        if (result.replay().appended() != settings.events()) {
            throw new IllegalStateException("appended " + result.replay().appended() + " of " + settings.events()
                    + " events into the scratch schema");
        }
        List<Read> reads = new ArrayList<>(result.baselines());
        reads.add(result.floors().decodeAndHash());
        reads.add(result.floors().bareWrite());
        for (Read read : reads) {
            if (read.records() != settings.events()) {
                throw new IllegalStateException("the baseline read " + read.records() + " of " + settings.events()
                        + " records");
            }
        }
        if (settings.fillLive()) {
            long equal = result.replay().counts().get(Status.EQUAL);
            if (!result.allEqual() || equal != settings.usedChains()) {
                throw new IllegalStateException("expected all " + settings.usedChains()
                        + " chains EQUAL to the live store, found " + result.replay().counts());
            }
        }
    }

    private Replay replay(AuditReplay replay, ReplayOptions options, Settings settings, Progress progress) {
        AtomicLong lastBatchAt = new AtomicLong();
        long[] nextReport = {REPORT_EVERY};
        long start = System.nanoTime();
        ReplayReport report = replay.run(options, (replayed, total) -> {
            lastBatchAt.set(System.nanoTime());
            if (replayed >= nextReport[0]) {
                progress.report(String.format("  %,d / %,d events", replayed, settings.events()));
                nextReport[0] += REPORT_EVERY;
            }
        });
        long readAppend = (lastBatchAt.get() == 0 ? System.nanoTime() : lastBatchAt.get()) - start;
        return new Replay(report.eventsReplayed(), report.appended(), report.elapsed().toNanos(), readAppend,
                report.counts());
    }

    /**
     * Produces the events: event i belongs to chain c = i mod C (run id c, on {@code gl.run.events} if c is even and
     * {@code gl.step.events} if odd) and is the i / C + 1-th event of its chain; every event has a fresh id.
     */
    private long produce(TopicCatalog catalog, Settings settings, Progress progress) {
        SplittableRandom random = new SplittableRandom(42);
        String[] runIds = new String[settings.chains()];
        for (int c = 0; c < runIds.length; c++) {
            runIds[c] = uuid(random);
        }
        Topic<String, RunEvent> runTopic = catalog.runEvents();
        Topic<String, StepEvent> stepTopic = catalog.stepEvents();
        RunEvent runEvent = EventSamples.sample(RunEvent.class);
        StepEvent stepEvent = EventSamples.sample(StepEvent.class);
        Instant base = runEvent.getMeta().getOccurredAt();
        StepStatus[] statuses = StepStatus.values();
        StepEventKind[] kinds = StepEventKind.values();
        AtomicLong acked = new AtomicLong();
        AtomicReference<Exception> failure = new AtomicReference<>();
        Callback callback = (metadata, e) -> {
            if (e != null) {
                failure.compareAndSet(null, e);
            } else {
                acked.incrementAndGet();
            }
        };
        long start = System.nanoTime();
        // send() serializes in the calling thread, so the two event objects can be reused record after record
        try (KafkaProducer<String, RunEvent> runs = new KafkaProducer<>(producerProps(),
                runTopic.keySerde().serializer(), runTopic.valueSerde().serializer());
             KafkaProducer<String, StepEvent> steps = new KafkaProducer<>(producerProps(),
                     stepTopic.keySerde().serializer(), stepTopic.valueSerde().serializer())) {
            for (int i = 0; i < settings.events() && failure.get() == null; i++) {
                int chain = i % settings.chains();
                long seq = i / settings.chains() + 1L;
                String runId = runIds[chain];
                if (chain % 2 == 0) {
                    runEvent.getMeta().setEventId(uuid(random));
                    runEvent.getMeta().setOccurredAt(base.plusMillis(i));
                    runEvent.setRunId(runId);
                    runEvent.setStep("step-" + (seq % 10));
                    runEvent.setAttempt(1 + (int) (seq % 3));
                    runEvent.setFromStatus(statuses[(int) (seq % statuses.length)].name());
                    runEvent.setToStatus(statuses[(int) ((seq + 1) % statuses.length)].name());
                    runEvent.setMessage("exit code 0 after " + random.nextInt(1, 600) + " s");
                    runs.send(new ProducerRecord<>(runTopic.name(), runId, runEvent), callback);
                } else {
                    stepEvent.getMeta().setEventId(uuid(random));
                    stepEvent.getMeta().setOccurredAt(base.plusMillis(i));
                    stepEvent.setRunId(runId);
                    stepEvent.setStep("step-" + (seq % 10));
                    stepEvent.setAttempt(1 + (int) (seq % 3));
                    stepEvent.setKind(kinds[(int) (seq % kinds.length)]);
                    stepEvent.setDurationMs((long) random.nextInt(1, 600_000));
                    steps.send(new ProducerRecord<>(stepTopic.name(), runId, stepEvent), callback);
                }
                if ((i + 1) % REPORT_EVERY == 0) {
                    progress.report(String.format("  %,d / %,d sent", i + 1, settings.events()));
                }
            }
            runs.flush();
            steps.flush();
        }
        long nanos = System.nanoTime() - start;
        if (failure.get() != null) {
            throw new IllegalStateException("producing the events failed: " + failure.get().getMessage(),
                    failure.get());
        }
        if (acked.get() != settings.events()) {
            throw new IllegalStateException(acked.get() + " of " + settings.events() + " events acknowledged");
        }
        return nanos;
    }

    private Map<String, Object> producerProps() {
        Map<String, Object> props = new HashMap<>();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        props.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        props.put(ProducerConfig.BATCH_SIZE_CONFIG, 64 * 1024);
        return props;
    }

    /** The baseline: every partition of the audited topics from its beginning to its end offset, counted. */
    private Read read(TopicCatalog catalog, Settings settings, Progress progress) {
        return read(catalog, settings, progress, record -> {
        });
    }

    /**
     * The decode-and-hash floor: the baseline's read, and every record decoded as the replay decodes it and linked
     * into its chain's head (a map in memory).
     */
    private Read decodeAndHash(TopicCatalog catalog, Settings settings, Progress progress) {
        Map<String, Topic<?, ?>> topics = new HashMap<>();
        for (String base : TOPICS) {
            Topic<?, ?> topic = catalog.byName(catalog.prefix() + base).orElseThrow();
            topics.put(topic.name(), topic);
        }
        Map<String, String> heads = new HashMap<>();
        Read read = read(catalog, settings, progress, record -> {
            AuditRecord audit = AuditDecoder.decode(topics.get(record.topic()), record).record();
            String head = heads.getOrDefault(audit.chainId(), Hashing.ZERO_HASH);
            heads.put(audit.chainId(), AuditHash.link(head, audit.canonicalJson()));
        });
        if (heads.size() != settings.usedChains()) {
            throw new IllegalStateException("the decode-and-hash floor built " + heads.size() + " chains, expected "
                    + settings.usedChains());
        }
        return read;
    }

    /**
     * The bare-write floor: the rows of the replay's target copied out (not timed), then copied into a new
     * {@code UNLOGGED} table of the same columns without any index, constraint or trigger, in one transaction.
     */
    private Read bareWrite(String scratch) throws Exception {
        String columns = "chain_id, seq, event_id, event_type, topic, partition, \"offset\", occurred_at, recorded_at, "
                + "tenant_id, canonical_json, prev_hash, hash";
        try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement()) {
            CopyManager copy = connection.unwrap(PGConnection.class).getCopyAPI();
            ByteArrayOutputStream rows = new ByteArrayOutputStream();
            long exported = copy.copyOut("COPY (SELECT " + columns + " FROM " + scratch + ".audit_events) TO STDOUT",
                    rows);
            // LIKE without INCLUDING copies the columns and NOT NULL only: no index, check, default or trigger
            statement.execute("CREATE UNLOGGED TABLE " + scratch + ".bare_write_floor (LIKE " + scratch
                    + ".audit_events)");
            byte[] text = rows.toByteArray();
            connection.setAutoCommit(false);
            long start = System.nanoTime();
            long copied = copy.copyIn("COPY " + scratch + ".bare_write_floor (" + columns + ") FROM STDIN",
                    new ByteArrayInputStream(text));
            connection.commit();
            long nanos = System.nanoTime() - start;
            if (copied != exported) {
                throw new IllegalStateException("the bare-write floor copied " + copied + " of " + exported + " rows");
            }
            return new Read(copied, nanos);
        }
    }

    /** Reads every partition of the audited topics from its beginning to its end offset, handing each record on. */
    private Read read(TopicCatalog catalog, Settings settings, Progress progress,
                      Consumer<ConsumerRecord<byte[], byte[]>> work) {
        Map<String, Object> props = new HashMap<>();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, MAX_POLL_RECORDS);
        long count = 0;
        long start = System.nanoTime();
        long deadline = start + READ_TIMEOUT.toNanos();
        try (KafkaConsumer<byte[], byte[]> consumer =
                     new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = new ArrayList<>();
            for (String base : TOPICS) {
                String topic = catalog.prefix() + base;
                consumer.partitionsFor(topic).forEach(p -> partitions.add(new TopicPartition(topic, p.partition())));
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
            Set<TopicPartition> pending = new HashSet<>();
            for (TopicPartition partition : partitions) {
                if (consumer.position(partition) < ends.get(partition)) {
                    pending.add(partition);
                }
            }
            long nextReport = REPORT_EVERY;
            while (!pending.isEmpty()) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("the baseline read " + count + " records in "
                            + READ_TIMEOUT.toMinutes() + " minutes; partitions left: " + pending);
                }
                ConsumerRecords<byte[], byte[]> records = consumer.poll(Duration.ofMillis(500));
                for (ConsumerRecord<byte[], byte[]> record : records) {
                    if (record.offset() < ends.get(new TopicPartition(record.topic(), record.partition()))) {
                        work.accept(record);
                        count++;
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
                if (count >= nextReport) {
                    progress.report(String.format("  %,d / %,d records", count, settings.events()));
                    nextReport += REPORT_EVERY;
                }
            }
        }
        return new Read(count, System.nanoTime() - start);
    }

    private void drop(String schema) throws SQLException {
        try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement()) {
            statement.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
        }
    }

    private static double seconds(long nanos) {
        return Math.round(nanos / 1e6) / 1e3;
    }

    private static double round3(double value) {
        return Math.round(value * 1000) / 1000.0;
    }

    private static String uuid(SplittableRandom random) {
        long most = (random.nextLong() & ~0xF000L) | 0x4000L;
        long least = (random.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
        return new UUID(most, least).toString();
    }
}
