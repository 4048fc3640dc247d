package io.greenlang.audit;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import io.greenlang.events.common.EventMeta;
import io.greenlang.events.run.RunEvent;
import io.greenlang.schemas.EventSamples;
import org.apache.avro.specific.SpecificRecord;

/** Audit records of real RunEvent samples, each with its own event id and Kafka coordinates. */
final class TestRecords {

    private TestRecords() {
    }

    /** The record of a RunEvent sample read from {@code topic}/{@code partition} at {@code offset} with {@code key}. */
    static AuditRecord runEvent(String topic, int partition, long offset, String key) {
        RunEvent event = EventSamples.sample(RunEvent.class);
        event.getMeta().setEventId(UUID.nameUUIDFromBytes((topic + "/" + partition + "/" + offset)
                .getBytes(StandardCharsets.UTF_8)).toString());
        return AuditRecord.of(topic, partition, offset, key, event);
    }

    /**
     * The record of a sample event of {@code type} read from {@code topic}/{@code partition} at {@code offset}
     * with {@code key}; its event id is the name-based UUID of the coordinates.
     */
    static <T extends SpecificRecord> AuditRecord of(Class<T> type, String topic, int partition, long offset,
                                                     String key) {
        T event = EventSamples.sample(type);
        EventMeta meta = (EventMeta) event.get(event.getSchema().getField("meta").pos());
        meta.setEventId(UUID.nameUUIDFromBytes((topic + "/" + partition + "/" + offset)
                .getBytes(StandardCharsets.UTF_8)).toString());
        return AuditRecord.of(topic, partition, offset, key, event);
    }

    /** {@code count} records of one key on partition 0 of {@code topic}, offsets from 0. */
    static List<AuditRecord> chain(String topic, String key, int count) {
        List<AuditRecord> records = new ArrayList<>();
        for (int offset = 0; offset < count; offset++) {
            records.add(runEvent(topic, 0, offset, key));
        }
        return records;
    }
}
