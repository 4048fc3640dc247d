package io.greenlang.gateway.lag;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import io.greenlang.testkit.GreenLangIntegrationTest;
import io.greenlang.testkit.TestInfra;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;

/**
 * The lag monitor against the shared broker: records are produced with known timestamps, the test clock is
 * moved by hand and samples are taken explicitly, so time lag and the window's statuses are exact.
 */
@GreenLangIntegrationTest
class LagMonitorIT {

    private static final int WINDOW = 4;
    /** Record timestamps start here: in the past, well inside the broker's accepted timestamp range. */
    private static final Instant T0 = Instant.now().minus(Duration.ofMinutes(10)).truncatedTo(ChronoUnit.SECONDS);

    /** A clock the test moves. */
    private static final class TestClock extends Clock {
        private Instant now;

        TestClock(Instant start) {
            now = start;
        }

        void set(Instant instant) {
            now = instant;
        }

        void advance(Duration duration) {
            now = now.plus(duration);
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    private static void produce(TestInfra infra, String topic, int from, int count) {
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(infra.producerProperties(),
                new ByteArraySerializer(), new ByteArraySerializer())) {
            for (int i = from; i < from + count; i++) {
                producer.send(new ProducerRecord<>(topic, 0, T0.plusSeconds(i).toEpochMilli(), null,
                        ("record-" + i).getBytes()));
            }
            producer.flush();
        }
    }

    private static void commit(TestInfra infra, String group, TopicPartition tp, long offset) throws Exception {
        infra.adminClient().alterConsumerGroupOffsets(group, Map.of(tp, new OffsetAndMetadata(offset)))
                .all().get(30, TimeUnit.SECONDS);
    }

    private static LagMonitor monitor(TestInfra infra, TestClock clock, String group) {
        return new LagMonitor(infra.adminClient(), LagMonitor.consumerFactory(infra.consumerProperties("reader")),
                clock, LagMonitor.Settings.defaults().withWindowSize(WINDOW).withGroups(Set.of(group)));
    }

    private static GroupLag only(List<GroupLag> groups) {
        assertThat(groups).hasSize(1);
        return groups.get(0);
    }

    private static long adminLogEnd(TestInfra infra, TopicPartition tp)
            throws InterruptedException, ExecutionException, TimeoutException {
        return infra.adminClient().listOffsets(Map.of(tp, OffsetSpec.latest())).partitionResult(tp)
                .get(30, TimeUnit.SECONDS).offset();
    }

    @Test
    void shouldReportOffsetLagAndTimeLagFromTheCommittedRecordThenOkOnceConsumedToTheEnd(TestInfra infra)
            throws Exception {
        String topic = infra.createTopic("lag-read", 1);
        TopicPartition tp = new TopicPartition(topic, 0);
        String group = infra.consumerProperties("paused").get(ConsumerConfig.GROUP_ID_CONFIG).toString();
        produce(infra, topic, 0, 10);
        commit(infra, group, tp, 4);
        TestClock clock = new TestClock(T0.plusSeconds(60));

        try (LagMonitor monitor = monitor(infra, clock, group)) {
            GroupLag lagging = only(monitor.sample());

            assertThat(lagging.group()).isEqualTo(group);
            assertThat(lagging.partitions()).singleElement().satisfies(p -> {
                assertThat(p.topic()).isEqualTo(topic);
                assertThat(p.partition()).isZero();
                assertThat(p.committed()).isEqualTo(4);
                assertThat(p.logEnd()).isEqualTo(10).isEqualTo(adminLogEnd(infra, tp));
                assertThat(p.offsetLag()).isEqualTo(6);
                // the record at offset 4 was stamped T0 + 4 s; now is T0 + 60 s
                assertThat(p.timeLag()).isEqualTo(Duration.ofSeconds(56));
                assertThat(p.status()).isEqualTo(LagStatus.OK);
            });

            try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(infra.consumerProperties("paused"),
                    new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
                consumer.subscribe(List.of(topic));
                List<Long> offsets = new ArrayList<>();
                await().atMost(Duration.ofSeconds(30)).until(() -> {
                    consumer.poll(Duration.ofMillis(200)).forEach(r -> offsets.add(r.offset()));
                    return offsets.contains(9L);
                });
                assertThat(offsets).startsWith(4L);
                consumer.commitSync();
            }

            for (int i = 0; i < WINDOW; i++) {
                clock.advance(Duration.ofSeconds(10));
                GroupLag caughtUp = only(monitor.sample());
                assertThat(caughtUp.status()).isEqualTo(LagStatus.OK);
                assertThat(caughtUp.partitions()).singleElement().satisfies(p -> {
                    assertThat(p.committed()).isEqualTo(10);
                    assertThat(p.offsetLag()).isZero();
                    assertThat(p.timeLag()).isEqualTo(Duration.ZERO);
                    assertThat(p.status()).isEqualTo(LagStatus.OK);
                });
            }
        }
    }

    @Test
    void shouldReportZeroTimeLagWhenOnlyATransactionMarkerFollowsTheCommittedOffset(TestInfra infra)
            throws Exception {
        String topic = infra.createTopic("lag-marker", 1);
        TopicPartition tp = new TopicPartition(topic, 0);
        String group = infra.consumerProperties("exactly-once").get(ConsumerConfig.GROUP_ID_CONFIG).toString();
        Map<String, Object> props = new HashMap<>(infra.producerProperties());
        props.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, infra.transactionalId("lag-marker"));
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props, new ByteArraySerializer(),
                new ByteArraySerializer())) {
            producer.initTransactions();
            producer.beginTransaction();
            producer.send(new ProducerRecord<>(topic, 0, T0.toEpochMilli(), null, "only".getBytes()));
            producer.commitTransaction();
        }
        // the record is offset 0 and its commit marker offset 1 (written just after commitTransaction returns): a
        // consumer that processed the record commits 1
        await().atMost(Duration.ofSeconds(10)).until(() -> adminLogEnd(infra, tp) == 2);
        commit(infra, group, tp, 1);

        TestClock clock = new TestClock(T0.plusSeconds(60));
        try (LagMonitor monitor = monitor(infra, clock, group)) {
            for (int sample = 0; sample < 3; sample++) {
                assertThat(only(monitor.sample()).partitions()).singleElement().satisfies(p -> {
                    assertThat(p.logEnd()).isEqualTo(2).isEqualTo(adminLogEnd(infra, tp));
                    assertThat(p.offsetLag()).as("what Kafka reports: the marker counts").isEqualTo(1);
                    assertThat(p.timeLag()).as("no record is waiting, however long it stays so")
                            .isEqualTo(Duration.ZERO);
                });
                clock.advance(Duration.ofSeconds(30));
            }
            // a record after the marker is waiting again: its own age counts
            produce(infra, topic, 100, 1);
            assertThat(only(monitor.sample()).partitions()).singleElement().satisfies(p -> {
                assertThat(p.offsetLag()).isEqualTo(2);
                assertThat(p.timeLag()).isEqualTo(Duration.between(T0.plusSeconds(100), clock.instant()));
            });
        }
    }

    @Test
    void shouldReportStopAndGroupErrOnceTheWindowFillsWhenAGroupStopsCommittingWhileRecordsArrive(TestInfra infra)
            throws Exception {
        String topic = infra.createTopic("lag-stop", 1);
        TopicPartition tp = new TopicPartition(topic, 0);
        String group = infra.consumerProperties("stopped").get(ConsumerConfig.GROUP_ID_CONFIG).toString();
        produce(infra, topic, 0, 3);
        commit(infra, group, tp, 2);
        TestClock clock = new TestClock(T0.plusSeconds(100));

        try (LagMonitor monitor = monitor(infra, clock, group)) {
            List<GroupLag> samples = new ArrayList<>();
            for (int i = 0; i < WINDOW; i++) {
                produce(infra, topic, 3 + i, 1);
                clock.advance(Duration.ofSeconds(10));
                samples.add(only(monitor.sample()));
            }

            for (GroupLag early : samples.subList(0, WINDOW - 1)) {
                assertThat(early.status()).as("before the window is full").isEqualTo(LagStatus.OK);
            }
            GroupLag last = samples.get(WINDOW - 1);
            assertThat(last.status()).isEqualTo(LagStatus.ERR);
            assertThat(last.partitions()).singleElement().satisfies(p -> {
                assertThat(p.status()).isEqualTo(LagStatus.STOP);
                assertThat(p.committed()).isEqualTo(2);
                assertThat(p.offsetLag()).isEqualTo(1 + WINDOW);
                // record 2 was stamped T0 + 2 s; now is T0 + 100 s + WINDOW * 10 s
                assertThat(p.timeLag()).isEqualTo(Duration.ofSeconds(98 + WINDOW * 10L));
            });
        }
    }

    @Test
    void shouldReportStallWhenALiveMemberKeepsItsPartitionButTheOffsetDoesNotMove(TestInfra infra)
            throws Exception {
        String topic = infra.createTopic("lag-stall", 1);
        TopicPartition tp = new TopicPartition(topic, 0);
        produce(infra, topic, 0, 3);
        Map<String, Object> properties = infra.consumerProperties("stalled");
        properties.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 1);
        String group = properties.get(ConsumerConfig.GROUP_ID_CONFIG).toString();
        TestClock clock = new TestClock(T0.plusSeconds(100));

        try (KafkaConsumer<byte[], byte[]> member = new KafkaConsumer<>(properties,
                new ByteArrayDeserializer(), new ByteArrayDeserializer());
             LagMonitor monitor = monitor(infra, clock, group)) {
            member.subscribe(List.of(topic));
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                member.poll(Duration.ofMillis(200));
                return member.assignment().contains(tp);
            });
            member.commitSync(Map.of(tp, new OffsetAndMetadata(1)));
            // the member stays in the group (heartbeats run in the background) but neither polls nor commits

            GroupLag last = null;
            for (int i = 0; i < WINDOW; i++) {
                produce(infra, topic, 3 + i, 1);
                clock.advance(Duration.ofSeconds(10));
                last = only(monitor.sample());
            }

            assertThat(last.status()).isEqualTo(LagStatus.ERR);
            assertThat(last.partitions()).singleElement().satisfies(p -> {
                assertThat(p.status()).isEqualTo(LagStatus.STALL);
                assertThat(p.committed()).isEqualTo(1);
                assertThat(p.offsetLag()).isEqualTo(2 + WINDOW);
            });
        }
    }
    @Test
    void shouldReportRewindAndGroupErrWhenTheCommittedOffsetGoesBackWhileLagRemains(TestInfra infra)
            throws Exception {
        String topic = infra.createTopic("lag-rewind", 1);
        TopicPartition tp = new TopicPartition(topic, 0);
        String group = infra.consumerProperties("rewound").get(ConsumerConfig.GROUP_ID_CONFIG).toString();
        produce(infra, topic, 0, 10);
        TestClock clock = new TestClock(T0.plusSeconds(100));

        try (LagMonitor monitor = monitor(infra, clock, group)) {
            List<GroupLag> samples = new ArrayList<>();
            // the group commits 2, 3, 4, then is reset to 1: every sample still has records to read
            for (long offset : new long[] {2, 3, 4, 1}) {
                commit(infra, group, tp, offset);
                clock.advance(Duration.ofSeconds(10));
                samples.add(only(monitor.sample()));
            }

            for (GroupLag early : samples.subList(0, WINDOW - 1)) {
                assertThat(early.status()).as("before the rewind").isEqualTo(LagStatus.OK);
            }
            GroupLag last = samples.get(WINDOW - 1);
            assertThat(last.status()).isEqualTo(LagStatus.ERR);
            assertThat(last.partitions()).singleElement().satisfies(p -> {
                assertThat(p.status()).isEqualTo(LagStatus.REWIND);
                assertThat(p.committed()).isEqualTo(1);
                assertThat(p.offsetLag()).isEqualTo(9);
                // record 1 was stamped T0 + 1 s; now is T0 + 100 s + 40 s
                assertThat(p.timeLag()).isEqualTo(Duration.ofSeconds(139));
            });
        }
    }
}
