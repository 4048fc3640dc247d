package io.greenlang.audit;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Objects;
import java.util.UUID;

import io.greenlang.common.kafka.DeadLetterEvents;
import io.greenlang.events.common.DeadLetter;
import io.greenlang.topics.Topic;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * Turns one record read from an audited topic into the {@link AuditRecord} to chain, the same way every time: the
 * audit sink and the audit replay ({@link AuditReplay}) both decode with this class, so that replaying a topic
 * reproduces the stored chains byte for byte.
 *
 * <p>A record whose value the topic's serde cannot decode (or that has no value, or whose event has no
 * {@code meta}) becomes a {@link DeadLetter} whose every field is a function of the record: its event id is the
 * name-based UUID of {@code <topic>/<partition>/<offset>}, its time the record's timestamp, and its service,
 * instance and processor the constant {@link AuditSink#SERVICE}. This class never writes anywhere (sending the
 * dead letter to {@code gl.dlq} is the sink's business) and must never depend on the clock, a random source or the
 * reading instance.
 */
public final class AuditDecoder {

    private AuditDecoder() {
    }

    /**
     * Decodes one record.
     *
     * @param topic  the catalog topic the record was read from (its value serde decodes the bytes)
     * @param record the record as read, with byte array key and value
     * @return the audit record, and the dead letter if the bytes could not be decoded
     * @throws IllegalArgumentException if the record was not read from {@code topic}
     */
    public static Decoded decode(Topic<?, ?> topic, ConsumerRecord<byte[], byte[]> record) {
        Objects.requireNonNull(topic, "topic");
        Objects.requireNonNull(record, "record");
        if (!topic.name().equals(record.topic())) {
            throw new IllegalArgumentException("record of " + record.topic() + " decoded as " + topic.name());
        }
        // The audited topics have String keys; a record without key goes to the topic's "" chain.
        String key = record.key() == null ? "" : new String(record.key(), StandardCharsets.UTF_8);
        try {
            Object value = topic.valueSerde().deserializer().deserialize(record.topic(), record.headers(),
                    record.value());
            if (!(value instanceof SpecificRecord event)) {
                throw new IllegalArgumentException("record has no value");
            }
            return new Decoded(AuditRecord.of(record.topic(), record.partition(), record.offset(), key, event), null);
        } catch (RuntimeException e) {
            DeadLetter deadLetter = deadLetter(record, e);
            return new Decoded(AuditRecord.of(record.topic(), record.partition(), record.offset(), key, deadLetter),
                    deadLetter);
        }
    }

    /**
     * The event id of the dead letter of the record at these coordinates: the name-based (version 3) UUID of
     * {@code <topic>/<partition>/<offset>} in UTF-8.
     *
     * @param topic     the record's topic
     * @param partition its partition
     * @param offset    its offset
     * @return the UUID as text
     */
    public static String deadLetterEventId(String topic, int partition, long offset) {
        return UUID.nameUUIDFromBytes((topic + "/" + partition + "/" + offset).getBytes(StandardCharsets.UTF_8))
                .toString();
    }

    private static DeadLetter deadLetter(ConsumerRecord<byte[], byte[]> record, RuntimeException error) {
        // A record without a timestamp (-1) gets the epoch: the dead letter must not depend on when it is read.
        Instant at = Instant.ofEpochMilli(Math.max(0, record.timestamp()));
        return DeadLetterEvents.of(AuditSink.SERVICE, AuditSink.SERVICE, record.key(), record.value(), record.topic(),
                record.partition(), record.offset(), DeadLetterEvents.DESERIALIZATION_FAILED, error, AuditSink.SERVICE,
                null, deadLetterEventId(record.topic(), record.partition(), record.offset()), at);
    }

    /**
     * One decoded record.
     *
     * @param record     the audit record to chain (for an undecodable record: the record of its dead letter)
     * @param deadLetter the dead letter, or null if the record was decoded
     */
    public record Decoded(AuditRecord record, DeadLetter deadLetter) {

        /** Validates that the audit record is present. */
        public Decoded {
            Objects.requireNonNull(record, "record");
        }

        /** True if the record's bytes could not be decoded and {@link #record()} chains its dead letter. */
        public boolean isDeadLetter() {
            return deadLetter != null;
        }
    }
}
