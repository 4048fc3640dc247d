package io.greenlang.bench.orchestration;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import io.greenlang.bench.orchestration.OrchestrationBenchmark.Distribution;

/**
 * The raw-Kafka floor of the orchestration benchmark: one exactly-once hand-off with no Kafka Streams and no
 * orchestrator logic in it.
 *
 * <p>A <b>source</b> (standing for the executor) writes records to an input topic in transactions, each record
 * carrying the {@link System#nanoTime()} at which it was sent; in the paced phase it commits at most once per commit
 * interval, with the records that fell due in it (the executor commits once per poll, with what it received). A <b>relay</b> (standing for the orchestrator) is the
 * loop Kafka Streams runs under {@code exactly_once_v2}, written out with the plain clients: a {@code read_committed}
 * consumer in a group, polling with a 5 ms timeout, and one transactional producer that forwards every record to
 * an output topic and, once {@code commit.interval.ms} has passed since its last commit and something was
 * forwarded, sends the consumed offsets to the transaction and commits it. An <b>observer</b>
 * ({@code read_committed}) reads the output topic. Both topics have the orchestrator benchmark's partition count.
 *
 * <ul>
 *   <li><b>hand-off</b>, per record of the paced phase: sent by the source to visible to the observer, the same
 *       span as the orchestration benchmark's scheduling overhead (which starts at the executor's send of
 *       SUCCEEDED and ends when the observer sees the next START); <b>of which relay</b>: received by the relay
 *       to visible to the observer.</li>
 *   <li><b>records/s</b> of the burst phase: records written at once by the source (transactions of
 *       {@value #BURST_TRANSACTION} records), first send to last record seen by the observer.</li>
 * </ul>
 * An orchestrator that hands a step on through the same two transactions cannot beat these figures on the same
 * broker: it does the same commits and more work between them.
 */
public final class TransactionalRelayBaseline {

    private static final int BURST_TRANSACTION = 100;
    private static final Duration POLL = Duration.ofMillis(5);
    private static final Duration TIMEOUT = Duration.ofMinutes(5);

    /**
     * What to run.
     *
     * @param partitions       partitions of the input and output topics
     * @param commitIntervalMs the relay's commit interval
     * @param pacedRecords     records of the paced phase
     * @param pacedRate        records per second of the paced phase
     * @param burstRecords     records of the burst phase
     */
    public record Settings(int partitions, int commitIntervalMs, int pacedRecords, double pacedRate,
                           int burstRecords) {
        /** Validates. */
        public Settings {
            if (partitions < 1 || commitIntervalMs < 1 || pacedRecords < 1 || pacedRate <= 0 || burstRecords < 1) {
                throw new IllegalArgumentException("every setting must be positive");
            }
        }
    }

    /**
     * The figures.
     *
     * @param handOffMs          source send -> visible to the observer, paced phase
     * @param relayMs            of which: relay receive -> visible to the observer
     * @param burstRecords       records of the burst
     * @param burstNanos         first send -> last record seen, burst phase
     * @param relayTransactions  transactions the relay committed in the paced phase
     * @param pacedNanos         duration of the paced phase
     */
    public record Result(Settings settings, Distribution handOffMs, Distribution relayMs, int burstRecords,
                         long burstNanos, long relayTransactions, long pacedNanos) {
        /** Records per second of the burst. */
        public double recordsPerSecond() {
            return burstRecords * 1e9 / burstNanos;
        }

        /** One line for a person. */
        public String summary() {
            return String.format("raw exactly-once hand-off (plain clients, no Streams) p50 %.0f ms p99 %.0f ms at "
                            + "%.0f records/s, burst %,.0f records/s", handOffMs.p50(), handOffMs.p99(),
                    settings.pacedRate(), recordsPerSecond());
        }

        /** As a JSON-ready map. */
        public Map<String, Object> toMap() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("benchmark", "transactional-relay");
            m.put("partitions", settings.partitions());
            m.put("commit_interval_ms", settings.commitIntervalMs());
            m.put("paced_records", settings.pacedRecords());
            m.put("paced_rate", settings.pacedRate());
            m.put("hand_off_ms", handOffMs.toMap());
            m.put("of_which_relay_ms", relayMs.toMap());
            m.put("relay_transactions_per_sec", Math.round(relayTransactions * 1e10 / pacedNanos) / 10.0);
            m.put("burst_records", burstRecords);
            m.put("burst_records_per_sec", Math.round(recordsPerSecond()));
            return m;
        }
    }

    private final String bootstrapServers;

    /** Measures against the broker at {@code bootstrapServers}. */
    public TransactionalRelayBaseline(String bootstrapServers) {
        this.bootstrapServers = bootstrapServers;
    }

    /** Creates two scratch topics, runs a warm-up burst, the paced phase and the burst, and deletes the topics. */
    public Result run(Settings settings) throws Exception {
        String prefix = "gl.bench.relay-" + UUID.randomUUID().toString().substring(0, 8);
        String input = prefix + "-in";
        String output = prefix + "-out";
        try (Admin admin = Admin.create(Map.of(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers))) {
            admin.createTopics(List.of(new NewTopic(input, settings.partitions(), (short) 1),
                    new NewTopic(output, settings.partitions(), (short) 1))).all().get(60, TimeUnit.SECONDS);
            Map<TopicPartition, OffsetSpec> leaders = new HashMap<>();
            for (int p = 0; p < settings.partitions(); p++) {
                leaders.put(new TopicPartition(input, p), OffsetSpec.latest());
                leaders.put(new TopicPartition(output, p), OffsetSpec.latest());
            }
            awaitTrue(() -> serves(admin, leaders), () -> "the new partitions' leaders do not serve");
            try {
                return measure(settings, prefix, input, output);
            } finally {
                admin.deleteTopics(List.of(input, output)).all().get(60, TimeUnit.SECONDS);
            }
        }
    }

    /** Whether every partition's leader answers {@code ListOffsets} (false while the topic is still being created). */
    private static boolean serves(Admin admin, Map<TopicPartition, OffsetSpec> partitions) {
        try {
            admin.listOffsets(partitions).all().get(60, TimeUnit.SECONDS);
            return true;
        } catch (ExecutionException e) {
            return false;
        } catch (InterruptedException | TimeoutException e) {
            throw new IllegalStateException("ListOffsets of the new partitions did not answer", e);
        }
    }

    private Result measure(Settings settings, String prefix, String input, String output) throws Exception {
        Relay relay = new Relay(prefix, input, output, settings.commitIntervalMs());
        Observer observer = new Observer(output, settings.partitions());
        Thread relayThread = new Thread(relay, "bench-relay");
        Thread observerThread = new Thread(observer, "bench-relay-observer");
        relayThread.start();
        observerThread.start();
        try (KafkaProducer<byte[], byte[]> source = new KafkaProducer<>(transactional(prefix + "-source"),
                new ByteArraySerializer(), new ByteArraySerializer())) {
            source.initTransactions();
            relay.awaitAssigned();
            observer.awaitAssigned();

            burst(source, input, Math.min(settings.burstRecords(), 5_000), observer); // warm-up

            observer.samples.clear();
            long transactionsBefore = relay.transactions.get();
            long start = System.nanoTime();
            // like the executor, which commits once per poll whatever it received: a transaction per commit interval
            // with the records that fell due in it, each stamped as it is sent
            long tickNanos = TimeUnit.MILLISECONDS.toNanos(settings.commitIntervalMs());
            int next = 0;
            for (long tick = 1; next < settings.pacedRecords(); tick++) {
                long wait = start + tick * tickNanos - System.nanoTime();
                if (wait > 0) {
                    TimeUnit.NANOSECONDS.sleep(wait);
                }
                long due = Math.min(settings.pacedRecords(),
                        (long) ((System.nanoTime() - start) * settings.pacedRate() / 1e9) + 1);
                if (due > next) {
                    source.beginTransaction();
                    for (; next < due; next++) {
                        source.send(new ProducerRecord<>(input, key(next), value(System.nanoTime(), 0)));
                    }
                    source.commitTransaction();
                }
            }
            observer.await(settings.pacedRecords());
            long pacedNanos = System.nanoTime() - start;
            long relayTransactions = relay.transactions.get() - transactionsBefore;
            List<Long> handOff = new ArrayList<>();
            List<Long> relayShare = new ArrayList<>();
            for (long[] sample : observer.samples) {
                handOff.add(TimeUnit.NANOSECONDS.toMillis(sample[2] - sample[0]));
                relayShare.add(TimeUnit.NANOSECONDS.toMillis(sample[2] - sample[1]));
            }

            observer.samples.clear();
            long burstNanos = burst(source, input, settings.burstRecords(), observer);
            return new Result(settings, Distribution.of(handOff), Distribution.of(relayShare),
                    settings.burstRecords(), burstNanos, relayTransactions, pacedNanos);
        } finally {
            relay.stop();
            observer.stop();
            relayThread.join(30_000);
            observerThread.join(30_000);
            relay.failIfFailed();
        }
    }

    private static long burst(KafkaProducer<byte[], byte[]> source, String input, int records, Observer observer)
            throws InterruptedException {
        observer.samples.clear();
        long start = System.nanoTime();
        for (int i = 0; i < records; i += BURST_TRANSACTION) {
            source.beginTransaction();
            for (int j = i; j < Math.min(records, i + BURST_TRANSACTION); j++) {
                source.send(new ProducerRecord<>(input, key(j), value(System.nanoTime(), 0)));
            }
            source.commitTransaction();
        }
        return observer.await(records) - start;
    }

    private static byte[] key(int i) {
        return ByteBuffer.allocate(4).putInt(i).array();
    }

    private static byte[] value(long sentNanos, long relayedNanos) {
        return ByteBuffer.allocate(16).putLong(sentNanos).putLong(relayedNanos).array();
    }

    private Map<String, Object> transactional(String id) {
        Map<String, Object> props = new HashMap<>();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, id);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        return props;
    }

    private Map<String, Object> consumer(String group) {
        Map<String, Object> props = new HashMap<>();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        if (group != null) {
            props.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        }
        return props;
    }

    /** The exactly-once read-process-write loop of Kafka Streams, with the plain clients. */
    private final class Relay implements Runnable {
        private final String prefix;
        private final String input;
        private final String output;
        private final long intervalNanos;
        private final AtomicLong transactions = new AtomicLong();
        private final AtomicReference<Exception> failure = new AtomicReference<>();
        private volatile boolean running = true;
        private volatile boolean assigned;

        Relay(String prefix, String input, String output, int commitIntervalMs) {
            this.prefix = prefix;
            this.input = input;
            this.output = output;
            this.intervalNanos = TimeUnit.MILLISECONDS.toNanos(commitIntervalMs);
        }

        @Override
        public void run() {
            try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(consumer(prefix + "-relay"),
                    new ByteArrayDeserializer(), new ByteArrayDeserializer());
                 KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(transactional(prefix + "-relay"),
                         new ByteArraySerializer(), new ByteArraySerializer())) {
                producer.initTransactions();
                consumer.subscribe(List.of(input));
                boolean open = false;
                boolean pending = false;
                long lastCommit = System.nanoTime();
                while (running) {
                    ConsumerRecords<byte[], byte[]> records = consumer.poll(POLL);
                    if (!consumer.assignment().isEmpty()) {
                        assigned = true;
                    }
                    for (ConsumerRecord<byte[], byte[]> record : records) {
                        long received = System.nanoTime();
                        if (!open) {
                            producer.beginTransaction();
                            open = true;
                        }
                        long sent = ByteBuffer.wrap(record.value()).getLong();
                        producer.send(new ProducerRecord<>(output, record.key(), value(sent, received)));
                        pending = true;
                    }
                    if (pending && System.nanoTime() - lastCommit >= intervalNanos) {
                        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
                        for (TopicPartition partition : consumer.assignment()) {
                            offsets.put(partition, new OffsetAndMetadata(consumer.position(partition)));
                        }
                        producer.sendOffsetsToTransaction(offsets, consumer.groupMetadata());
                        producer.commitTransaction();
                        transactions.incrementAndGet();
                        open = false;
                        pending = false;
                        lastCommit = System.nanoTime();
                    }
                }
            } catch (Exception e) {
                failure.set(e);
            }
        }

        void awaitAssigned() throws InterruptedException {
            awaitTrue(() -> assigned || failure.get() != null, () -> "the relay's consumer was assigned no partition");
            failIfFailed();
        }

        void stop() {
            running = false;
        }

        void failIfFailed() {
            if (failure.get() != null) {
                throw new IllegalStateException("the relay failed: " + failure.get().getMessage(), failure.get());
            }
        }
    }

    /** Reads the output topic from its end; notes, per record, sent, relayed and seen times. */
    private final class Observer implements Runnable {
        private final String output;
        private final int partitions;
        final ConcurrentLinkedQueue<long[]> samples = new ConcurrentLinkedQueue<>();
        private final AtomicLong lastSeen = new AtomicLong();
        private volatile boolean running = true;
        private volatile boolean assigned;

        Observer(String output, int partitions) {
            this.output = output;
            this.partitions = partitions;
        }

        @Override
        public void run() {
            try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(consumer(null),
                    new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
                List<TopicPartition> all = new ArrayList<>();
                for (int p = 0; p < partitions; p++) {
                    all.add(new TopicPartition(output, p));
                }
                consumer.assign(all);
                consumer.seekToEnd(all);
                all.forEach(consumer::position);
                assigned = true;
                while (running) {
                    for (ConsumerRecord<byte[], byte[]> record : consumer.poll(POLL)) {
                        long seen = System.nanoTime();
                        ByteBuffer value = ByteBuffer.wrap(record.value());
                        samples.add(new long[] {value.getLong(), value.getLong(), seen});
                        lastSeen.set(seen);
                    }
                }
            }
        }

        void awaitAssigned() throws InterruptedException {
            awaitTrue(() -> assigned, () -> "the observer did not start");
        }

        /** Waits until {@code records} samples are in; returns when the last was seen. */
        long await(int records) throws InterruptedException {
            awaitTrue(() -> samples.size() >= records, () -> "the observer saw " + samples.size() + " of " + records
                    + " records");
            return lastSeen.get();
        }

        void stop() {
            running = false;
        }
    }

    private static void awaitTrue(BooleanSupplier condition, Supplier<String> failure) throws InterruptedException {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(failure.get() + " within " + TIMEOUT);
            }
            Thread.sleep(1);
        }
    }
}
