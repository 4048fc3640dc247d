package io.greenlang.audit;

import java.time.Instant;
import java.util.Objects;

import io.greenlang.events.common.EventMeta;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificRecord;

/**
 * One event to append to its chain: where it was read (topic, partition, offset), its identity and tenant from
 * its {@code meta}, and its canonical JSON. The store computes seq, prev_hash and hash.
 *
 * @param chainId       {@link AuditStore#chainIdFor(String, String)} of the record's topic and key
 * @param eventId       {@code meta.event_id}, unique across the store
 * @param eventType     full Avro name of the event, e.g. {@code io.greenlang.events.run.RunEvent}
 * @param topic         Kafka topic
 * @param partition     Kafka partition
 * @param offset        Kafka offset
 * @param occurredAt    {@code meta.occurred_at}
 * @param tenantId      {@code meta.tenant_id}
 * @param canonicalJson RFC 8785 text of the event ({@link AvroJson#canonicalJson})
 */
public record AuditRecord(String chainId, String eventId, String eventType, String topic, int partition, long offset,
        Instant occurredAt, String tenantId, String canonicalJson) {

    /** Validates that every field is present and the coordinates are not negative. */
    public AuditRecord {
        Objects.requireNonNull(chainId, "chainId");
        Objects.requireNonNull(eventId, "eventId");
        Objects.requireNonNull(eventType, "eventType");
        Objects.requireNonNull(topic, "topic");
        Objects.requireNonNull(occurredAt, "occurredAt");
        Objects.requireNonNull(tenantId, "tenantId");
        Objects.requireNonNull(canonicalJson, "canonicalJson");
        if (partition < 0 || offset < 0) {
            throw new IllegalArgumentException("partition and offset must not be negative: " + partition + "/" + offset);
        }
    }

    /**
     * The audit record of an event read from Kafka.
     *
     * @param topic     topic the event was read from
     * @param partition its partition
     * @param offset    its offset
     * @param key       the record key (the chain is {@code topic/key})
     * @param event     a top-level GreenLang event (every one has a {@code meta} field of type EventMeta)
     * @return the record
     * @throws IllegalArgumentException if the event has no {@code meta} field
     */
    public static AuditRecord of(String topic, int partition, long offset, String key, SpecificRecord event) {
        Schema.Field metaField = event.getSchema().getField("meta");
        if (metaField == null || !(event.get(metaField.pos()) instanceof EventMeta meta)) {
            throw new IllegalArgumentException(event.getSchema().getFullName() + " has no meta of type EventMeta");
        }
        return new AuditRecord(AuditStore.chainIdFor(topic, key), meta.getEventId(), event.getSchema().getFullName(),
                topic, partition, offset, meta.getOccurredAt(), meta.getTenantId(), AvroJson.canonicalJson(event));
    }
}
