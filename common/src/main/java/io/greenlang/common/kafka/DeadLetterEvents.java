package io.greenlang.common.kafka;

import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.Objects;
import java.util.UUID;

import io.greenlang.events.common.DeadLetter;
import io.greenlang.events.common.EventMeta;
import io.greenlang.events.common.Producer;

/**
 * The one way every service writes a {@code gl.dlq} entry: a {@link DeadLetter} with the original key and value
 * bytes, where they came from, and the error, so that operators read every service's dead letters alike.
 */
public final class DeadLetterEvents {

    /** {@code DeadLetter.error_code} of a record whose bytes could not be decoded. */
    public static final String DESERIALIZATION_FAILED = "DESERIALIZATION_FAILED";
    /** {@code DeadLetter.error_code} of a record whose processing threw. */
    public static final String PROCESSING_FAILED = "PROCESSING_FAILED";
    /** Tenant written in the envelope when the failed record's tenant cannot be known. */
    public static final String UNKNOWN_TENANT = "unknown";

    private static final int MAX_MESSAGE_LENGTH = 4_000;

    private DeadLetterEvents() {
    }

    /**
     * The dead letter of one failed input record.
     *
     * @param service     the service writing it, e.g. {@code executor-worker}
     * @param instance    its instance (application id, worker instance)
     * @param key         the original key bytes, or null
     * @param value       the original value bytes, or null
     * @param sourceTopic where the record was read
     * @param partition   its partition
     * @param offset      its offset
     * @param errorCode   {@link #DESERIALIZATION_FAILED}, {@link #PROCESSING_FAILED} or a GL-E-* code
     * @param error       what failed
     * @param processor   the processing step that failed (e.g. {@code app/processor-name}), or null
     * @param tenant      the record's tenant, or null when unknown
     */
    public static DeadLetter of(String service, String instance, byte[] key, byte[] value, String sourceTopic,
                                int partition, long offset, String errorCode, Throwable error, String processor,
                                String tenant) {
        return of(service, instance, key, value, sourceTopic, partition, offset, errorCode, error, processor, tenant,
                UUID.randomUUID().toString(), Instant.now());
    }

    /**
     * The dead letter of one failed input record with a given identity and time, for a writer that must produce
     * the same dead letter again from the same record (the audit sink chains it, and a replay must reproduce it).
     *
     * @param eventId {@code meta.event_id}
     * @param at      {@code meta.occurred_at} and {@code failed_at}
     * @see #of(String, String, byte[], byte[], String, int, long, String, Throwable, String, String)
     */
    public static DeadLetter of(String service, String instance, byte[] key, byte[] value, String sourceTopic,
                                int partition, long offset, String errorCode, Throwable error, String processor,
                                String tenant, String eventId, Instant at) {
        Instant now = Objects.requireNonNull(at, "at");
        return DeadLetter.newBuilder()
                .setMeta(EventMeta.newBuilder()
                        .setEventId(Objects.requireNonNull(eventId, "eventId"))
                        .setOccurredAt(now)
                        .setTenantId(tenant == null ? UNKNOWN_TENANT : tenant)
                        .setProducer(Producer.newBuilder().setService(service).setInstance(instance).build())
                        .build())
                .setOriginalKey(key == null ? null : ByteBuffer.wrap(key))
                .setOriginalValue(value == null ? null : ByteBuffer.wrap(value))
                .setTopic(sourceTopic == null ? "unknown" : sourceTopic)
                .setPartition(partition)
                .setOffset(offset)
                .setErrorCode(errorCode)
                .setErrorMessage(describe(error))
                .setFailedAt(now)
                .setProcessor(processor == null ? instance : processor)
                .build();
    }

    /** The exception chain in one line: each type and message, outermost first, capped in length. */
    public static String describe(Throwable error) {
        Objects.requireNonNull(error, "error");
        StringBuilder text = new StringBuilder();
        for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (text.length() > 0) {
                text.append(" <- caused by ");
            }
            text.append(t.getClass().getName()).append(": ").append(t.getMessage());
            if (text.length() > MAX_MESSAGE_LENGTH) {
                return text.substring(0, MAX_MESSAGE_LENGTH) + "...";
            }
        }
        return text.toString();
    }

    /** Bytes of a buffer (from its position), or null. */
    public static byte[] bytes(ByteBuffer buffer) {
        if (buffer == null) {
            return null;
        }
        ByteBuffer copy = buffer.duplicate();
        byte[] bytes = new byte[copy.remaining()];
        copy.get(bytes);
        return bytes;
    }
}
