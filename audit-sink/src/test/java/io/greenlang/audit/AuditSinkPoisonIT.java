package io.greenlang.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.greenlang.common.kafka.DeadLetterEvents;
import io.greenlang.events.common.DeadLetter;
import io.greenlang.events.run.RunEvent;
import io.greenlang.testkit.GreenLangIntegrationTest;
import io.greenlang.testkit.TestInfra;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;

@GreenLangIntegrationTest
class AuditSinkPoisonIT {

    @Test
    void shouldDeadLetterAnUndecodableRecordChainItsDeadLetterAndKeepAppendingItsKey(TestInfra infra)
            throws Exception {
        SinkFixture fixture = new SinkFixture(infra);
        String topic = fixture.catalog.runEvents().name();
        byte[] garbage = "not avro".getBytes(StandardCharsets.UTF_8);
        RecordMetadata good = fixture.send(fixture.catalog.runEvents(), "run-p", SinkFixture.runEvent());
        RecordMetadata bad = fixture.sendBytes(topic, "run-p", garbage);
        RunEvent later = SinkFixture.runEvent();
        RecordMetadata after = fixture.send(fixture.catalog.runEvents(), "run-p", later);

        try (AuditSink sink = fixture.sink("poison", fixture.store)) {
            sink.start();
            await().atMost(Duration.ofSeconds(60)).until(() -> fixture.caughtUp("poison"));
        }

        List<SinkFixture.Link> chain = fixture.chain(AuditStore.chainIdFor(topic, "run-p"));
        assertThat(chain).extracting(SinkFixture.Link::eventType).containsExactly(RunEvent.class.getName(),
                DeadLetter.class.getName(), RunEvent.class.getName());
        assertThat(chain).extracting(SinkFixture.Link::offset)
                .containsExactly(good.offset(), bad.offset(), after.offset());
        assertThat(chain.get(2).eventId()).isEqualTo(later.getMeta().getEventId());
        assertThat(fixture.store.verifyAll()).allMatch(ChainVerification::valid);

        List<DeadLetter> deadLetters = readDeadLetters(infra, fixture);
        assertThat(deadLetters).singleElement().satisfies(deadLetter -> {
            assertThat(deadLetter.getMeta().getEventId()).isEqualTo(chain.get(1).eventId());
            assertThat(deadLetter.getErrorCode()).isEqualTo(DeadLetterEvents.DESERIALIZATION_FAILED);
            assertThat(deadLetter.getTopic()).isEqualTo(topic);
            assertThat(deadLetter.getPartition()).isEqualTo(bad.partition());
            assertThat(deadLetter.getOffset()).isEqualTo(bad.offset());
            assertThat(DeadLetterEvents.bytes(deadLetter.getOriginalValue())).isEqualTo(garbage);
            assertThat(deadLetter.getMeta().getTenantId()).isEqualTo(DeadLetterEvents.UNKNOWN_TENANT);
        });
    }

    private static List<DeadLetter> readDeadLetters(TestInfra infra, SinkFixture fixture) {
        List<DeadLetter> result = new ArrayList<>();
        String dlq = fixture.catalog.deadLetters().name();
        try (KafkaConsumer<byte[], DeadLetter> consumer = new KafkaConsumer<>(infra.consumerProperties("dlq-reader"),
                new ByteArrayDeserializer(), fixture.catalog.deadLetters().valueSerde().deserializer())) {
            consumer.subscribe(List.of(dlq));
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                for (ConsumerRecord<byte[], DeadLetter> record : consumer.poll(Duration.ofMillis(200))) {
                    result.add(record.value());
                }
                return !result.isEmpty();
            });
            // anything written twice would arrive with the first one's poll or shortly after
            consumer.poll(Duration.ofMillis(500)).forEach(record -> result.add(record.value()));
        }
        return result;
    }
}
