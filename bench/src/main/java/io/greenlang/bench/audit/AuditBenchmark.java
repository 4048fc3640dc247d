package io.greenlang.bench.audit;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.UUID;

import javax.sql.DataSource;

import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;

import io.greenlang.audit.AppendResult;
import io.greenlang.audit.AuditRecord;
import io.greenlang.audit.AuditStore;
import io.greenlang.audit.ChainVerification;
import io.greenlang.common.json.Hashing;
import io.greenlang.events.run.RunEvent;
import io.greenlang.events.run.StepStatus;
import io.greenlang.schemas.EventSamples;

/**
 * Append throughput of the hash-chained audit store ({@link AuditStore#append}): N events of C chains, as audit
 * records of real {@link RunEvent}s (their canonical JSON is what the sink stores), appended in batches into a
 * fresh schema, one transaction per batch as the sink does.
 *
 * <p>Baseline, measured in the same run on the same server: a raw {@code COPY ... FROM STDIN} (pgjdbc's
 * {@code CopyManager}) of the same rows, with the same seq and a constant dummy hash (no hashing, no head rows,
 * no existence checks), in batches of the same size, one transaction each, into the same table (the store's own
 * migration, so the same indexes, constraints and triggers) in another fresh schema. The two are interleaved
 * batch by batch (alternating which goes first) so that whatever else the machine runs weighs on both alike.
 * No platform code sits between the baseline and the server.
 *
 * <p>Never touches a schema it did not create: every schema is new ({@code gl_bench_*} with a random suffix) and is
 * dropped at the end.
 */
public final class AuditBenchmark {

    /** Topic the records claim to be read from; the chain of a record is this topic and its run id. */
    static final String TOPIC = "gl.run.events";
    private static final int PARTITIONS = 12;
    /** The baseline's hash column: 64 hex characters, the same for every row. */
    private static final String DUMMY_HASH = "d".repeat(64);
    private static final String COLUMNS = "chain_id, seq, event_id, event_type, topic, partition, \"offset\", "
            + "occurred_at, tenant_id, canonical_json, prev_hash, hash";

    /**
     * What to run.
     *
     * @param events       events appended in the measured phase
     * @param chains       chains (runs) the events are spread over, round robin
     * @param batch        records per {@link AuditStore#append} call (and per baseline COPY)
     * @param warmupEvents events appended (and copied) into scratch schemas first, so that the JIT has compiled
     *                     the hot code before measuring; 0 for none
     */
    public record Settings(int events, int chains, int batch, int warmupEvents) {
        /** Validates. */
        public Settings {
            if (events < 1 || chains < 1 || batch < 1 || warmupEvents < 0) {
                throw new IllegalArgumentException("events, chains and batch must be positive, warm-up events >= 0");
            }
        }
    }

    /** Nearest-rank percentiles of batch latencies in milliseconds. */
    public record Distribution(int samples, double p50, double p99, double max) {
        static Distribution of(long[] nanos) {
            long[] sorted = nanos.clone();
            Arrays.sort(sorted);
            return new Distribution(sorted.length, percentile(sorted, 50), percentile(sorted, 99),
                    sorted[sorted.length - 1] / 1e6);
        }

        private static double percentile(long[] sorted, double p) {
            int rank = (int) Math.ceil(p / 100 * sorted.length);
            return sorted[Math.max(0, rank - 1)] / 1e6;
        }

        Map<String, Object> toMap() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("batches", samples);
            m.put("p50", round1(p50));
            m.put("p99", round1(p99));
            m.put("max", round1(max));
            return m;
        }
    }

    /**
     * One side's figures.
     *
     * @param events  events written
     * @param nanos   time spent in the writing calls (connection, transaction and commit included; building the
     *                records not)
     * @param batchMs latency of one call
     */
    public record Phase(long events, long nanos, Distribution batchMs) {
        /** Events per second. */
        public double eventsPerSecond() {
            return events * 1e9 / nanos;
        }

        Map<String, Object> toMap() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("events", events);
            m.put("events_per_sec", Math.round(eventsPerSecond()));
            m.put("seconds", Math.round(nanos / 1e6) / 1e3);
            m.put("batch_latency_ms", batchMs.toMap());
            return m;
        }
    }

    /**
     * The benchmark's result.
     *
     * @param settings          what ran
     * @param audit             {@link AuditStore#append}
     * @param raw               the raw COPY baseline
     * @param meanJsonBytes     mean size of the canonical JSON (UTF-8)
     * @param verifiedChains    chains recomputed with {@link AuditStore#verifyChain} after the run, all valid
     */
    public record Result(Settings settings, Phase audit, Phase raw, double meanJsonBytes, int verifiedChains) {
        /** Audit events/s divided by raw COPY rows/s. */
        public double ratio() {
            return audit.eventsPerSecond() / raw.eventsPerSecond();
        }

        /** As a JSON-ready map. */
        public Map<String, Object> toMap() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("benchmark", "audit");
            m.put("events", settings.events());
            m.put("chains", settings.chains());
            m.put("batch", settings.batch());
            m.put("warmup_events", settings.warmupEvents());
            m.put("mean_canonical_json_bytes", Math.round(meanJsonBytes));
            m.put("audit_append", audit.toMap());
            m.put("raw_copy_baseline", raw.toMap());
            m.put("audit_to_raw_copy", Math.round(ratio() * 1000) / 1000.0);
            m.put("verified_chains", verifiedChains);
            return m;
        }

        /** One line for a person. */
        public String summary() {
            return String.format("audit: append %,.0f events/s (batch p50 %.1f ms, p99 %.1f ms); raw COPY %,.0f "
                            + "rows/s (batch p50 %.1f ms, p99 %.1f ms); ratio %.3f; %,d events, %,d chains, batches of %,d, "
                            + "canonical JSON %.0f B",
                    audit.eventsPerSecond(), audit.batchMs().p50(), audit.batchMs().p99(), raw.eventsPerSecond(),
                    raw.batchMs().p50(), raw.batchMs().p99(), ratio(), settings.events(), settings.chains(),
                    settings.batch(), meanJsonBytes);
        }
    }

    /** Receives progress messages. */
    @FunctionalInterface
    public interface Progress {
        /** One line of progress. */
        void report(String message);
    }

    private final DataSource dataSource;

    /**
     * @param dataSource connections to a database where the benchmark may create and drop schemas
     */
    public AuditBenchmark(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** Builds the records, warms up, then measures both sides batch by batch and verifies a few chains. */
    public Result run(Settings settings, Progress progress) throws SQLException {
        long start = System.nanoTime();
        Rows warmup = Rows.generate(settings.warmupEvents(), settings.chains(), 7);
        Rows rows = Rows.generate(settings.events(), settings.chains(), 42);
        progress.report(String.format("built %,d + %,d audit records in %.1f s (mean canonical JSON %.0f B)",
                warmup.records.size(), rows.records.size(), (System.nanoTime() - start) / 1e9, rows.meanJsonBytes()));
        String suffix = Long.toHexString(new SplittableRandom().nextLong() & 0xffffffffL);
        if (settings.warmupEvents() > 0) {
            progress.report(String.format("warm-up: %,d events ...", settings.warmupEvents()));
            measure(warmup, settings.batch(), "gl_bench_audit_warmup_" + suffix, "gl_bench_raw_warmup_" + suffix,
                    message -> { });
        }
        progress.report(String.format("measuring: %,d events over %,d chains, batches of %,d ...", settings.events(),
                settings.chains(), settings.batch()));
        Measured measured = measure(rows, settings.batch(), "gl_bench_audit_" + suffix, "gl_bench_raw_" + suffix,
                progress);
        return new Result(settings, measured.audit, measured.raw, rows.meanJsonBytes(), measured.verifiedChains);
    }

    private record Measured(Phase audit, Phase raw, int verifiedChains) {
    }

    private Measured measure(Rows rows, int batch, String auditSchema, String rawSchema, Progress progress)
            throws SQLException {
        AuditStore store = new AuditStore(dataSource, auditSchema);
        store.migrate();
        new AuditStore(dataSource, rawSchema).migrate();
        try {
            int batches = (rows.records.size() + batch - 1) / batch;
            long[] auditNanos = new long[batches];
            long[] rawNanos = new long[batches];
            long nextReport = 100_000;
            for (int b = 0; b < batches; b++) {
                int from = b * batch;
                int to = Math.min(rows.records.size(), from + batch);
                List<AuditRecord> slice = rows.records.subList(from, to);
                if (b % 2 == 0) {
                    auditNanos[b] = append(store, slice);
                    rawNanos[b] = copy(rawSchema, rows, from, to);
                } else {
                    rawNanos[b] = copy(rawSchema, rows, from, to);
                    auditNanos[b] = append(store, slice);
                }
                if (to >= nextReport || to == rows.records.size()) {
                    progress.report(String.format("  %,d / %,d events", to, rows.records.size()));
                    nextReport += 100_000;
                }
            }
            long auditRows = count(auditSchema);
            long rawRows = count(rawSchema);
            if (auditRows != rows.records.size() || rawRows != rows.records.size()) {
                throw new IllegalStateException("expected " + rows.records.size() + " rows in each store, found "
                        + auditRows + " (audit) and " + rawRows + " (raw)");
            }
            int verified = 0;
            for (String chainId : rows.sampleChainIds()) {
                ChainVerification verification = store.verifyChain(chainId);
                if (!verification.valid()) {
                    throw new IllegalStateException("chain " + chainId + " does not verify: " + verification);
                }
                verified++;
            }
            return new Measured(new Phase(rows.records.size(), sum(auditNanos), Distribution.of(auditNanos)),
                    new Phase(rows.records.size(), sum(rawNanos), Distribution.of(rawNanos)), verified);
        } finally {
            drop(auditSchema);
            drop(rawSchema);
        }
    }

    private static long append(AuditStore store, List<AuditRecord> slice) {
        long start = System.nanoTime();
        AppendResult result = store.append(slice);
        long nanos = System.nanoTime() - start;
        if (result.appended().size() != slice.size()) {
            throw new IllegalStateException("appended " + result.appended().size() + " of " + slice.size()
                    + " records: " + result.skipped().size() + " skipped");
        }
        return nanos;
    }

    /** The baseline: the same rows in COPY text format, one connection and transaction per batch as the store. */
    private long copy(String schema, Rows rows, int from, int to) throws SQLException {
        long start = System.nanoTime();
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            CopyIn copy = connection.unwrap(PGConnection.class).getCopyAPI()
                    .copyIn("COPY " + schema + ".audit_events (" + COLUMNS + ") FROM STDIN");
            try {
                StringBuilder text = new StringBuilder(1 << 20);
                for (int i = from; i < to; i++) {
                    AuditRecord r = rows.records.get(i);
                    field(text, r.chainId()).append('\t').append(rows.seq[i]).append('\t');
                    field(text, r.eventId()).append('\t');
                    field(text, r.eventType()).append('\t');
                    field(text, r.topic()).append('\t').append(r.partition()).append('\t').append(r.offset())
                            .append('\t').append(r.occurredAt()).append('\t');
                    field(text, r.tenantId()).append('\t');
                    field(text, r.canonicalJson()).append('\t').append(Hashing.ZERO_HASH).append('\t')
                            .append(DUMMY_HASH).append('\n');
                    if (text.length() >= 1 << 19) {
                        byte[] bytes = text.toString().getBytes(StandardCharsets.UTF_8);
                        copy.writeToCopy(bytes, 0, bytes.length);
                        text.setLength(0);
                    }
                }
                byte[] bytes = text.toString().getBytes(StandardCharsets.UTF_8);
                copy.writeToCopy(bytes, 0, bytes.length);
                copy.endCopy();
            } finally {
                if (copy.isActive()) {
                    copy.cancelCopy();
                }
            }
            connection.commit();
        }
        return System.nanoTime() - start;
    }

    /** COPY text format: backslash, newline, carriage return and the delimiter (tab) are escaped. */
    private static StringBuilder field(StringBuilder out, String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> out.append(c);
            }
        }
        return out;
    }

    private long count(String schema) throws SQLException {
        try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery("SELECT count(*) FROM " + schema + ".audit_events")) {
            rows.next();
            return rows.getLong(1);
        }
    }

    private void drop(String schema) throws SQLException {
        try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement()) {
            statement.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
        }
    }

    private static long sum(long[] values) {
        long total = 0;
        for (long v : values) {
            total += v;
        }
        return total;
    }

    private static double round1(double value) {
        return Math.round(value * 10) / 10.0;
    }

    /**
     * The records of a run, built before anything is measured: event i belongs to chain i mod C (the chain of run
     * C's id on {@link #TOPIC}), is read from the run's partition at the next offset, and is the i / C + 1-th event
     * of its chain (the baseline's seq).
     */
    private record Rows(List<AuditRecord> records, long[] seq, List<String> chainIds) {
        static Rows generate(int events, int chains, long seed) {
            SplittableRandom random = new SplittableRandom(seed);
            String[] runIds = new String[chains];
            for (int c = 0; c < chains; c++) {
                runIds[c] = uuid(random);
            }
            long[] nextOffset = new long[PARTITIONS];
            RunEvent event = EventSamples.sample(RunEvent.class);
            Instant base = event.getMeta().getOccurredAt();
            StepStatus[] statuses = StepStatus.values();
            List<AuditRecord> records = new ArrayList<>(events);
            long[] seq = new long[events];
            List<String> chainIds = new ArrayList<>(chains);
            for (int c = 0; c < chains; c++) {
                chainIds.add(AuditStore.chainIdFor(TOPIC, runIds[c]));
            }
            for (int i = 0; i < events; i++) {
                int chain = i % chains;
                seq[i] = i / chains + 1L;
                int partition = Math.floorMod(runIds[chain].hashCode(), PARTITIONS);
                event.getMeta().setEventId(uuid(random));
                event.getMeta().setOccurredAt(base.plusMillis(i));
                event.setRunId(runIds[chain]);
                event.setStep("step-" + (seq[i] % 10));
                event.setAttempt(1 + (int) (seq[i] % 3));
                event.setFromStatus(statuses[(int) (seq[i] % statuses.length)].name());
                event.setToStatus(statuses[(int) ((seq[i] + 1) % statuses.length)].name());
                event.setMessage("exit code 0 after " + random.nextInt(1, 600) + " s");
                records.add(AuditRecord.of(TOPIC, partition, nextOffset[partition]++, runIds[chain], event));
            }
            return new Rows(records, seq, chainIds);
        }

        double meanJsonBytes() {
            long total = 0;
            for (AuditRecord r : records) {
                total += r.canonicalJson().getBytes(StandardCharsets.UTF_8).length;
            }
            return records.isEmpty() ? 0 : (double) total / records.size();
        }

        /** The first, a middle and the last chain. */
        List<String> sampleChainIds() {
            return List.of(chainIds.get(0), chainIds.get(chainIds.size() / 2), chainIds.get(chainIds.size() - 1));
        }

        private static String uuid(SplittableRandom random) {
            long most = (random.nextLong() & ~0xF000L) | 0x4000L;
            long least = (random.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
            return new UUID(most, least).toString();
        }
    }
}
