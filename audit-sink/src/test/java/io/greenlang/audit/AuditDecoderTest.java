package io.greenlang.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.UUID;

import io.greenlang.events.common.DeadLetter;
import io.greenlang.events.run.RunEvent;
import io.greenlang.schemas.EventSamples;
import io.greenlang.topics.Topic;
import io.greenlang.topics.TopicCatalog;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.Test;

class AuditDecoderTest {

    private static final Topic<String, RunEvent> RUNS = TopicCatalog.withPrefix("x-").runEvents();

    @Test
    void shouldDecodeAnEventIntoItsChainAtItsCoordinates() {
        RunEvent event = EventSamples.sample(RunEvent.class);
        byte[] value = RUNS.valueSerde().serializer().serialize(RUNS.name(), event);

        AuditDecoder.Decoded decoded = AuditDecoder.decode(RUNS, record(7, 42, 1_700_000_000_000L, "run-1", value));

        assertThat(decoded.isDeadLetter()).isFalse();
        assertThat(decoded.record()).isEqualTo(AuditRecord.of(RUNS.name(), 7, 42, "run-1", event));
    }

    @Test
    void shouldDecodeTheSameUndecodableRecordIntoTheSameDeadLetterEveryTime() {
        byte[] garbage = "not avro".getBytes(StandardCharsets.UTF_8);

        AuditDecoder.Decoded first = AuditDecoder.decode(RUNS, record(3, 9, 1_700_000_000_123L, "run-p", garbage));
        AuditDecoder.Decoded again = AuditDecoder.decode(RUNS, record(3, 9, 1_700_000_000_123L, "run-p", garbage));

        assertThat(first.isDeadLetter()).isTrue();
        assertThat(again.record().canonicalJson()).isEqualTo(first.record().canonicalJson());
        assertThat(first.record().chainId()).isEqualTo(RUNS.name() + "/run-p");
        assertThat(first.record().eventType()).isEqualTo(DeadLetter.class.getName());
        assertThat(first.record().eventId()).isEqualTo(UUID.nameUUIDFromBytes(
                (RUNS.name() + "/3/9").getBytes(StandardCharsets.UTF_8)).toString());
        DeadLetter deadLetter = first.deadLetter();
        assertThat(deadLetter.getMeta().getProducer().getService()).isEqualTo(AuditSink.SERVICE);
        assertThat(deadLetter.getMeta().getProducer().getInstance()).isEqualTo(AuditSink.SERVICE);
        assertThat(deadLetter.getMeta().getOccurredAt().toEpochMilli()).isEqualTo(1_700_000_000_123L);
        assertThat(deadLetter.getFailedAt().toEpochMilli()).isEqualTo(1_700_000_000_123L);
    }

    @Test
    void shouldChainARecordWithoutValueOrKeyAsADeadLetterOfTheEmptyKeysChain() {
        AuditDecoder.Decoded decoded = AuditDecoder.decode(RUNS, record(0, 1, 5L, null, null));

        assertThat(decoded.isDeadLetter()).isTrue();
        assertThat(decoded.record().chainId()).isEqualTo(RUNS.name() + "/");
    }

    @Test
    void shouldRefuseARecordOfAnotherTopic() {
        Topic<String, ?> steps = TopicCatalog.withPrefix("x-").stepEvents();
        assertThatThrownBy(() -> AuditDecoder.decode(steps, record(0, 1, 5L, "k", new byte[0])))
                .isInstanceOf(IllegalArgumentException.class);
    }

    private static ConsumerRecord<byte[], byte[]> record(int partition, long offset, long timestamp, String key,
                                                         byte[] value) {
        byte[] keyBytes = key == null ? null : key.getBytes(StandardCharsets.UTF_8);
        return new ConsumerRecord<>(RUNS.name(), partition, offset, timestamp, TimestampType.CREATE_TIME,
                keyBytes == null ? -1 : keyBytes.length, value == null ? -1 : value.length, keyBytes, value,
                new RecordHeaders(), Optional.empty());
    }
}
