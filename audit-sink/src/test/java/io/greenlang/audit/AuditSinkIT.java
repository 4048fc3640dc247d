package io.greenlang.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.greenlang.common.http.HealthCheck;
import io.greenlang.common.metrics.GlMetrics;
import io.greenlang.events.run.RunEvent;
import io.greenlang.events.run.StepEvent;
import io.greenlang.testkit.GreenLangIntegrationTest;
import io.greenlang.testkit.TestInfra;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

@GreenLangIntegrationTest
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class AuditSinkIT {

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static SinkFixture fixture;

    @BeforeAll
    static void setUp(TestInfra infra) {
        fixture = new SinkFixture(infra);
    }

    @Test
    @Order(1)
    void shouldAppendEventsOfEachKeyToTheirChainInPartitionOrder() throws Exception {
        Map<String, List<RecordMetadata>> written = new HashMap<>();
        Map<String, List<String>> eventIds = new HashMap<>();
        for (int round = 0; round < 4; round++) {
            for (String run : List.of("run-a", "run-b", "run-c")) {
                RunEvent event = SinkFixture.runEvent();
                String chain = AuditStore.chainIdFor(fixture.catalog.runEvents().name(), run);
                written.computeIfAbsent(chain, c -> new ArrayList<>())
                        .add(fixture.send(fixture.catalog.runEvents(), run, event));
                eventIds.computeIfAbsent(chain, c -> new ArrayList<>()).add(event.getMeta().getEventId());
            }
            for (String run : List.of("run-a", "run-d")) {
                StepEvent event = SinkFixture.stepEvent();
                String chain = AuditStore.chainIdFor(fixture.catalog.stepEvents().name(), run);
                written.computeIfAbsent(chain, c -> new ArrayList<>())
                        .add(fixture.send(fixture.catalog.stepEvents(), run, event));
                eventIds.computeIfAbsent(chain, c -> new ArrayList<>()).add(event.getMeta().getEventId());
            }
        }

        try (AuditSink sink = fixture.sink("first", fixture.store)) {
            HealthCheck health = sink.healthCheck();
            sink.start();
            await().atMost(WAIT).until(() -> fixture.caughtUp("first"));
            assertThat(health.check().isUp()).isTrue();
        }

        assertThat(fixture.rows()).isEqualTo(20);
        for (Map.Entry<String, List<RecordMetadata>> entry : written.entrySet()) {
            List<SinkFixture.Link> chain = fixture.chain(entry.getKey());
            assertThat(chain).extracting(SinkFixture.Link::offset)
                    .containsExactlyElementsOf(entry.getValue().stream().map(RecordMetadata::offset).toList())
                    .isSorted();
            assertThat(chain).extracting(SinkFixture.Link::eventId).containsExactlyElementsOf(eventIds.get(entry.getKey()));
        }
        assertThat(fixture.store.verifyAll()).hasSize(5).allMatch(ChainVerification::valid);
        assertThat(fixture.meters.counter(GlMetrics.AUDIT_EVENTS_WRITTEN, fixture.catalog.runEvents().name()).count())
                .isEqualTo(12.0);
        assertThat(fixture.meters.counter(GlMetrics.AUDIT_EVENTS_WRITTEN, fixture.catalog.stepEvents().name()).count())
                .isEqualTo(8.0);
    }

    /** Runs after the first test stored its events: same group, offsets reset to 0, a new sink. */
    @Test
    @Order(2)
    void shouldAppendNothingTwiceWhenTheGroupRestartsFromTheBeginning() throws Exception {
        long before = fixture.rows();
        assertThat(before).isPositive();
        Map<TopicPartition, OffsetAndMetadata> beginning = new HashMap<>();
        fixture.auditedPartitions().forEach(partition -> beginning.put(partition, new OffsetAndMetadata(0)));
        fixture.infra.adminClient().alterConsumerGroupOffsets(fixture.groupId("first"), beginning).all().get();
        double runCount = fixture.meters.counter(GlMetrics.AUDIT_EVENTS_WRITTEN,
                fixture.catalog.runEvents().name()).count();

        try (AuditSink sink = fixture.sink("first", fixture.store)) {
            sink.start();
            await().atMost(WAIT).until(() -> fixture.caughtUp("first"));
            sink.close();
            assertThat(sink.awaitTermination()).isEmpty();
        }

        assertThat(fixture.rows()).isEqualTo(before);
        assertThat(fixture.meters.counter(GlMetrics.AUDIT_EVENTS_WRITTEN, fixture.catalog.runEvents().name()).count())
                .isEqualTo(runCount);
        assertThat(fixture.store.verifyAll()).allMatch(ChainVerification::valid);
    }
}
