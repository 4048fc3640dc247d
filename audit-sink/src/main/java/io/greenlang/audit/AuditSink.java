package io.greenlang.audit;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import io.greenlang.audit.internal.SqlErrors;
import io.greenlang.common.error.ErrorCode;
import io.greenlang.common.error.GreenLangException;
import io.greenlang.common.http.HealthCheck;
import io.greenlang.common.metrics.GlMeters;
import io.greenlang.common.metrics.GlMetrics;
import io.greenlang.events.common.DeadLetter;
import io.greenlang.topics.Topic;
import io.greenlang.topics.TopicCatalog;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import org.apache.kafka.clients.consumer.CommitFailedException;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RebalanceInProgressException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The audit sink's consumer: reads the audited catalog topics and appends every event to its hash chain
 * ({@code <topic>/<key>}) in the {@link AuditStore}. Each poll is one batch, appended in one transaction; the
 * polled offsets are committed only after that transaction committed, so a crash at any point leads to a
 * redelivery that the store skips, never to a gap.
 *
 * <p>A record whose value the topic's serde cannot decode is written to {@code gl.dlq} (acknowledged before the
 * batch is appended) and its {@link DeadLetter} is appended in its chain at its coordinates, so the chain shows
 * the hole. Records are decoded by {@link AuditDecoder}, so a dead letter is the same whoever reads the record
 * and whenever (an audit replay reproduces it). A transient database failure (connection, timeout) rewinds the
 * consumer to the batch's first offsets and retries with exponential back-off; refused credentials (SQLState
 * class 28) or any other failure stop the sink, reported by {@link #awaitTermination()}. This class must never
 * commit an offset whose record is not stored, and never skip a record.
 *
 * <p>The consumer's client metrics (among them {@code kafka.consumer.fetch.manager.records.lag.max}, the
 * consumer lag) are bound to the sink's meter registry while the sink runs.
 */
public final class AuditSink implements AutoCloseable {

    /** The consumer group of the audit sink unless configured otherwise. */
    public static final String DEFAULT_GROUP = "greenlang-audit-sink";
    /** The service name; dead letters carry it as service, instance and processor ({@link AuditDecoder}). */
    public static final String SERVICE = "audit-sink";

    private static final Logger LOG = LoggerFactory.getLogger(AuditSink.class);
    private static final Duration POLL_TIMEOUT = Duration.ofMillis(500);
    private static final Duration INITIAL_BACKOFF = Duration.ofMillis(100);
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(5);
    private static final Duration DLQ_ACK_TIMEOUT = Duration.ofSeconds(60);

    private final Map<String, Topic<?, ?>> audited;
    private final Topic<byte[], DeadLetter> deadLetters;
    private final AuditStore store;
    private final GlMeters meters;
    private final String instance;
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final KafkaProducer<byte[], byte[]> producer;
    private final Thread thread;
    private final CountDownLatch closing = new CountDownLatch(1);
    private final CountDownLatch terminated = new CountDownLatch(1);
    /** Dead letters already acknowledged for the batch being retried: a retry must not write them again. */
    private final Set<Coordinates> sentDeadLetters = new HashSet<>();
    private final KafkaClientMetrics consumerMetrics;

    private volatile boolean assigned;
    private volatile GreenLangException failure;
    private Duration backoff = INITIAL_BACKOFF;

    /**
     * @param catalog             the topic catalog (its prefix names the deployment's or a test's topics)
     * @param topics              base names of the audited topics, e.g. {@code gl.run.events}
     * @param store               the audit store (already migrated)
     * @param consumerProperties  consumer settings including {@code group.id}; the sink forces byte array
     *                            deserializers, {@code read_committed} and manual commits
     * @param producerProperties  settings of the dead-letter producer; the sink forces byte array serializers
     * @param meters              where to record metrics
     * @param instance            this instance's name, used in logs and the thread name
     */
    public AuditSink(TopicCatalog catalog, Collection<String> topics, AuditStore store,
                     Map<String, Object> consumerProperties, Map<String, Object> producerProperties, GlMeters meters,
                     String instance) {
        Objects.requireNonNull(catalog, "catalog");
        this.store = Objects.requireNonNull(store, "store");
        this.meters = Objects.requireNonNull(meters, "meters");
        this.instance = Objects.requireNonNull(instance, "instance");
        this.audited = resolve(catalog, topics);
        this.deadLetters = catalog.deadLetters();
        if (consumerProperties.get(ConsumerConfig.GROUP_ID_CONFIG) == null) {
            throw new IllegalArgumentException("consumerProperties need " + ConsumerConfig.GROUP_ID_CONFIG);
        }
        Map<String, Object> consumerProps = new HashMap<>(consumerProperties);
        consumerProps.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        consumerProps.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        this.consumer = new KafkaConsumer<>(consumerProps, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        this.producer = new KafkaProducer<>(producerProperties, new ByteArraySerializer(), new ByteArraySerializer());
        this.consumerMetrics = new KafkaClientMetrics(consumer);
        consumerMetrics.bindTo(meters.registry());
        this.thread = new Thread(this::run, "audit-sink-" + instance);
    }

    private static Map<String, Topic<?, ?>> resolve(TopicCatalog catalog, Collection<String> baseNames) {
        if (baseNames.isEmpty()) {
            throw new IllegalArgumentException("no audited topics");
        }
        Map<String, Topic<?, ?>> result = new LinkedHashMap<>();
        for (String base : baseNames) {
            Topic<?, ?> topic = catalog.byName(catalog.prefix() + base).orElseThrow(
                    () -> new IllegalArgumentException("audited topic " + base + " is not in the topic catalog"));
            if (topic.name().equals(catalog.deadLetters().name())) {
                throw new IllegalArgumentException("the dead-letter topic cannot be audited by the sink");
            }
            result.put(topic.name(), topic);
        }
        return Map.copyOf(result);
    }

    /** Starts consuming on the sink's own thread. */
    public void start() {
        thread.start();
    }

    /**
     * Stops consuming: the current batch is finished (or, while its store is unreachable, abandoned without a
     * commit), its offsets committed, and the clients closed. Returns once the sink's thread ended.
     */
    @Override
    public void close() {
        closing.countDown();
        consumer.wakeup();
        if (thread.isAlive() && Thread.currentThread() != thread) {
            try {
                thread.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        } else if (!thread.isAlive() && terminated.getCount() > 0) {
            closeClients(); // never started
            terminated.countDown();
        }
    }

    /**
     * Waits until the sink stopped, by {@link #close()} or by a failure.
     *
     * @return the failure that stopped it, or empty after a {@link #close()}
     * @throws InterruptedException if interrupted while waiting
     */
    public Optional<GreenLangException> awaitTermination() throws InterruptedException {
        terminated.await();
        return Optional.ofNullable(failure);
    }

    /**
     * Waits at most {@code timeout} until the sink stopped.
     *
     * @param timeout how long to wait
     * @return the failure that stopped it, or empty after a {@link #close()}
     * @throws InterruptedException if interrupted while waiting
     * @throws TimeoutException     if it is still running
     */
    public Optional<GreenLangException> awaitTermination(Duration timeout)
            throws InterruptedException, TimeoutException {
        if (!terminated.await(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new TimeoutException("audit sink still running after " + timeout);
        }
        return Optional.ofNullable(failure);
    }

    /** Ready once the consumer has been assigned its partitions; down after the sink stopped. */
    public HealthCheck healthCheck() {
        return HealthCheck.of("audit-sink", () -> {
            GreenLangException f = failure;
            if (f != null) {
                return HealthCheck.Result.down(f.errorCode() + ": " + f.detailMessage());
            }
            if (terminated.getCount() == 0) {
                return HealthCheck.Result.down("stopped");
            }
            return assigned ? HealthCheck.Result.up() : HealthCheck.Result.down("waiting for partition assignment");
        });
    }

    private void run() {
        try {
            consumer.subscribe(audited.keySet(), new ConsumerRebalanceListener() {
                @Override
                public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
                    // every batch is committed or rewound before the next poll: nothing to flush
                }

                @Override
                public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
                    assigned = true;
                    LOG.info("[audit-sink {}] assigned {}", instance, partitions);
                }
            });
            LOG.info("[audit-sink {}] consuming {}", instance, audited.keySet());
            while (!isClosing()) {
                ConsumerRecords<byte[], byte[]> records;
                try {
                    records = consumer.poll(POLL_TIMEOUT);
                } catch (WakeupException e) {
                    continue; // close() was called; the loop condition ends it
                }
                if (!records.isEmpty()) {
                    process(records);
                }
            }
        } catch (GreenLangException e) {
            fail(e);
        } catch (RuntimeException e) {
            fail(new GreenLangException(ErrorCode.INTERNAL, "Audit sink stopped: " + e.getMessage(), e));
        } finally {
            closeClients();
            terminated.countDown();
            LOG.info("[audit-sink {}] stopped", instance);
        }
    }

    private void process(ConsumerRecords<byte[], byte[]> records) {
        Timer.Sample sample = Timer.start(meters.registry());
        List<AuditRecord> batch = new ArrayList<>(records.count());
        Map<String, String> topicOfEvent = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> record : records) {
            AuditRecord audit = toAuditRecord(record);
            batch.add(audit);
            topicOfEvent.put(audit.eventId(), record.topic());
        }
        AppendResult result;
        try {
            result = store.append(batch);
        } catch (GreenLangException e) {
            handleStoreFailure(records, e);
            return;
        }
        backoff = INITIAL_BACKOFF;
        commit(records);
        sentDeadLetters.clear();
        sample.stop(meters.timer(GlMetrics.AUDIT_BATCH));
        for (AppendResult.Appended appended : result.appended()) {
            meters.counter(GlMetrics.AUDIT_EVENTS_WRITTEN, topicOfEvent.get(appended.eventId())).increment();
        }
        LOG.debug("[audit-sink {}] batch of {}: appended {}, skipped {}", instance, batch.size(),
                result.appended().size(), result.skipped().size());
    }

    private AuditRecord toAuditRecord(ConsumerRecord<byte[], byte[]> record) {
        AuditDecoder.Decoded decoded = AuditDecoder.decode(audited.get(record.topic()), record);
        if (decoded.isDeadLetter()) {
            sendDeadLetter(record, decoded.deadLetter());
        }
        return decoded.record();
    }

    /** Writes the dead letter to gl.dlq and waits for the ack, once per record even if its batch is retried. */
    private void sendDeadLetter(ConsumerRecord<byte[], byte[]> record, DeadLetter deadLetter) {
        Coordinates coordinates = new Coordinates(record.topic(), record.partition(), record.offset());
        if (sentDeadLetters.contains(coordinates)) {
            return;
        }
        // A user error (bad bytes from a producer), not a system error: WARN without a stack trace.
        LOG.warn("[audit-sink {}] cannot decode {}, writing it to {}: {}", instance, coordinates, deadLetters.name(),
                deadLetter.getErrorMessage());
        byte[] value = deadLetters.valueSerde().serializer().serialize(deadLetters.name(), deadLetter);
        try {
            producer.send(new ProducerRecord<>(deadLetters.name(), record.key(), value))
                    .get(DLQ_ACK_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new GreenLangException(ErrorCode.INTERNAL, "Interrupted while writing a dead letter", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new GreenLangException(ErrorCode.INTERNAL, "Cannot write the dead letter of " + coordinates
                    + " to " + deadLetters.name() + ": " + e.getMessage(), e);
        }
        sentDeadLetters.add(coordinates);
    }

    /** Retry decision for the store, in one place: transient -> rewind and back off; otherwise stop. */
    private void handleStoreFailure(ConsumerRecords<byte[], byte[]> records, GreenLangException e) {
        meters.recordError(e.errorCode());
        if (SqlErrors.isAuthenticationFailure(e)) {
            throw new GreenLangException(ErrorCode.DB_CONNECTION, "The audit store refused the sink's credentials; "
                    + "check GL_POSTGRES_USER / GL_POSTGRES_PASSWORD (" + e.detailMessage() + ")", e);
        }
        if (!e.isRetryable()) {
            throw e;
        }
        rewind(records);
        LOG.warn("[audit-sink {}] cannot append a batch of {} records ({}), retrying in {} ms: {}", instance,
                records.count(), e.errorCode(), backoff.toMillis(), e.detailMessage());
        try {
            closing.await(backoff.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
            throw new GreenLangException(ErrorCode.INTERNAL, "Interrupted while backing off", interrupted);
        }
        Duration doubled = backoff.multipliedBy(2);
        backoff = doubled.compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : doubled;
    }

    /** Seeks every partition of the batch back to its first offset, so the next poll returns it again. */
    private void rewind(ConsumerRecords<byte[], byte[]> records) {
        for (TopicPartition partition : records.partitions()) {
            if (consumer.assignment().contains(partition)) {
                consumer.seek(partition, records.records(partition).get(0).offset());
            }
        }
    }

    private void commit(ConsumerRecords<byte[], byte[]> records) {
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        for (TopicPartition partition : records.partitions()) {
            List<ConsumerRecord<byte[], byte[]>> polled = records.records(partition);
            offsets.put(partition, new OffsetAndMetadata(polled.get(polled.size() - 1).offset() + 1));
        }
        try {
            commitSync(offsets);
        } catch (CommitFailedException | RebalanceInProgressException e) {
            // The batch is stored; whoever owns these partitions now re-reads it and the store skips it.
            LOG.warn("[audit-sink {}] offsets {} not committed (group rebalanced); the stored batch will be "
                    + "redelivered and skipped: {}", instance, offsets, e.getMessage());
        }
    }

    private void commitSync(Map<TopicPartition, OffsetAndMetadata> offsets) {
        try {
            consumer.commitSync(offsets);
        } catch (WakeupException e) {
            consumer.commitSync(offsets); // close() woke us mid-batch: a wakeup fires once, so commit again
        }
    }

    private boolean isClosing() {
        return closing.getCount() == 0;
    }

    private void fail(GreenLangException e) {
        failure = e;
        LOG.error("[audit-sink {}] stopped by {}: {}", instance, e.errorCode(), e.getMessage(), e);
    }

    private void closeClients() {
        try {
            consumerMetrics.close();
        } finally {
            try {
                consumer.close();
            } finally {
                producer.close();
            }
        }
    }

    private record Coordinates(String topic, int partition, long offset) {
        @Override
        public String toString() {
            return topic + "-" + partition + "@" + offset;
        }
    }
}
