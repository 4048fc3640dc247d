package io.greenlang.bench;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicReference;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The raw-Kafka baseline every benchmark of the platform is compared with: plain producer and consumer
 * throughput for fixed-size records with {@code acks=all} and idempotence, on the same broker and in the same
 * run as the figure it is compared to. No platform code sits between the client and the broker here.
 */
public final class KafkaBaseline {

    /** What the baseline measures: record count, size and partitions of its scratch topic. */
    public record Settings(int records, int recordSize, int partitions) {
        /** Validates the settings. */
        public Settings {
            if (records < 1 || recordSize < 1 || partitions < 1) {
                throw new IllegalArgumentException("records, record size and partitions must be positive");
            }
        }

        /** The defaults: one million 200-byte records on one partition. */
        public static Settings defaults() {
            return new Settings(1_000_000, 200, 1);
        }
    }

    /** Throughput of one side (producer or consumer). */
    public record Throughput(long records, long bytes, long nanos) {
        /** Records per second. */
        public double recordsPerSecond() {
            return records * 1e9 / nanos;
        }

        /** Megabytes (10^6 bytes) per second of record values. */
        public double megabytesPerSecond() {
            return bytes * 1e3 / nanos;
        }
    }

    /** The baseline's result. */
    public record Result(Settings settings, Throughput producer, Throughput consumer) {
        /** As a JSON-ready map. */
        public Map<String, Object> toMap() {
            return Map.of(
                    "benchmark", "kafka-baseline",
                    "records", settings.records(),
                    "record_size_bytes", settings.recordSize(),
                    "partitions", settings.partitions(),
                    "acks", "all",
                    "producer", side(producer),
                    "consumer", side(consumer));
        }

        private static Map<String, Object> side(Throughput t) {
            return Map.of("records_per_sec", Math.round(t.recordsPerSecond()),
                    "mb_per_sec", Math.round(t.megabytesPerSecond() * 10) / 10.0,
                    "seconds", Math.round(t.nanos / 1e6) / 1e3);
        }

        /** One line for a person. */
        public String summary() {
            return String.format("kafka-baseline: produce %,.0f records/s (%.1f MB/s), consume %,.0f records/s "
                            + "(%.1f MB/s); %,d records of %d B, acks=all, %d partition(s)",
                    producer.recordsPerSecond(), producer.megabytesPerSecond(), consumer.recordsPerSecond(),
                    consumer.megabytesPerSecond(), settings.records(), settings.recordSize(), settings.partitions());
        }
    }

    /** Receives progress: the phase ("produce" or "consume") and the records done so far. */
    @FunctionalInterface
    public interface Progress {
        /** Called every 100,000 records. */
        void update(String phase, long done);
    }

    private final String bootstrapServers;

    /** Measures against the broker at {@code bootstrapServers}. */
    public KafkaBaseline(String bootstrapServers) {
        this.bootstrapServers = bootstrapServers;
    }

    /**
     * Creates a scratch topic, produces {@code settings.records()} records to it and consumes them back,
     * reporting progress to {@code progress} (records done so far).
     */
    public Result run(Settings settings, Progress progress) throws InterruptedException, ExecutionException {
        String topic = "gl.bench.baseline-" + UUID.randomUUID();
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers))) {
            admin.createTopics(List.of(new NewTopic(topic, settings.partitions(), (short) 1))).all().get();
            try {
                primeLeaders(topic, settings.partitions());
                Throughput produced = produce(topic, settings, progress);
                Throughput consumed = consume(topic, settings, progress);
                return new Result(settings, produced, consumed);
            } finally {
                admin.deleteTopics(List.of(topic)).all().get();
            }
        }
    }

    /**
     * Writes one record to offset 0 of every partition, one at a time, before anything is timed. Right after a
     * topic is created its partitions may still refuse writes (NOT_LEADER_OR_FOLLOWER) for a moment; a pipelined
     * idempotent producer that meets that on its first batch was seen to retry it out of sequence
     * (OUT_OF_ORDER_SEQUENCE_NUMBER) until its delivery timeout. The timed phases start after these records.
     */
    private void primeLeaders(String topic, int partitions) throws InterruptedException, ExecutionException {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 1);
        try (KafkaProducer<byte[], byte[]> producer =
                     new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer())) {
            for (int partition = 0; partition < partitions; partition++) {
                producer.send(new ProducerRecord<>(topic, partition, null, new byte[0])).get();
            }
        }
    }

    private Throughput produce(String topic, Settings settings, Progress progress) {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        props.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        props.put(ProducerConfig.BATCH_SIZE_CONFIG, 64 * 1024);
        byte[][] payloads = new byte[64][settings.recordSize()];
        Random random = new Random(42);
        for (byte[] p : payloads) {
            random.nextBytes(p);
        }
        AtomicReference<Exception> failure = new AtomicReference<>();
        long start = System.nanoTime();
        try (KafkaProducer<byte[], byte[]> producer =
                     new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer())) {
            for (int i = 0; i < settings.records(); i++) {
                producer.send(new ProducerRecord<>(topic, payloads[i & 63]), (md, e) -> {
                    if (e != null) {
                        failure.compareAndSet(null, e);
                    }
                });
                if ((i + 1) % 100_000 == 0) {
                    progress.update("produce", i + 1L);
                }
            }
            producer.flush();
        }
        long nanos = System.nanoTime() - start;
        if (failure.get() != null) {
            throw new IllegalStateException("baseline producer failed: " + failure.get().getMessage(), failure.get());
        }
        return new Throughput(settings.records(), (long) settings.records() * settings.recordSize(), nanos);
    }

    private Throughput consume(String topic, Settings settings, Progress progress) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 2000);
        props.put(ConsumerConfig.FETCH_MIN_BYTES_CONFIG, 64 * 1024);
        long count = 0;
        long bytes = 0;
        long start = System.nanoTime();
        long deadline = start + Duration.ofMinutes(5).toNanos();
        try (KafkaConsumer<byte[], byte[]> consumer =
                     new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            partitions.forEach(partition -> consumer.seek(partition, 1)); // after primeLeaders' record
            long nextReport = 100_000;
            while (count < settings.records()) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("baseline consumer read " + count + " of " + settings.records()
                            + " records in 5 minutes");
                }
                ConsumerRecords<byte[], byte[]> records = consumer.poll(Duration.ofMillis(500));
                for (var r : records) {
                    count++;
                    bytes += r.value().length;
                }
                if (count >= nextReport) {
                    progress.update("consume", count);
                    nextReport += 100_000;
                }
            }
        }
        return new Throughput(count, bytes, System.nanoTime() - start);
    }
}
