package io.greenlang.topics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;

import io.greenlang.testkit.GreenLangIntegrationTest;
import io.greenlang.testkit.TestInfra;

/** TopicAdmin against the real embedded KRaft broker; each test uses its own topic prefix. */
@GreenLangIntegrationTest
class TopicAdminIT {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private static TopicCatalog catalog(TestInfra infra, String test) {
        return TopicCatalog.withPrefix(infra.topicPrefix() + test + "-");
    }

    @Test
    void shouldCreateEveryTopicThenBeANoOpWhenAppliedAgain(TestInfra infra) {
        TopicCatalog catalog = catalog(infra, "twice");
        TopicAdmin admin = new TopicAdmin(infra.adminClient(), TIMEOUT);

        ApplyReport first = admin.apply(catalog.all());
        ApplyReport second = admin.apply(catalog.all());

        assertThat(first.applied()).hasSize(catalog.all().size())
                .allMatch(d -> d.kind() == TopicDifference.Kind.MISSING);
        assertThat(second.noChange()).isTrue();
        assertThat(second.leftAlone()).isEmpty();
        assertThat(admin.diff(catalog.all())).isEmpty();
        TopicStatus stepEvents = admin.describe(List.of(catalog.stepEvents())).get(0);
        assertThat(stepEvents.exists()).isTrue();
        assertThat(stepEvents.partitions()).isEqualTo(12);
        assertThat(stepEvents.configs()).containsEntry("retention.ms", "-1").containsEntry("cleanup.policy", "delete");
    }

    @Test
    void shouldShowRetentionChangedBehindOurBackAndRestoreItOnApply(TestInfra infra) throws Exception {
        TopicCatalog catalog = catalog(infra, "drift");
        TopicAdmin admin = new TopicAdmin(infra.adminClient(), TIMEOUT);
        admin.apply(catalog.all());
        ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, catalog.stepCommands().name());
        infra.adminClient().incrementalAlterConfigs(Map.of(resource, List.of(new AlterConfigOp(
                        new ConfigEntry("retention.ms", "3600000"), AlterConfigOp.OpType.SET))))
                .all().get(30, TimeUnit.SECONDS);

        // The controller commits the change before the broker serves it: wait until diff sees it.
        List<TopicDifference> drift = await().atMost(Duration.ofSeconds(30))
                .until(() -> admin.diff(catalog.all()), d -> !d.isEmpty());

        assertThat(drift).containsExactly(new TopicDifference(catalog.stepCommands().name(),
                TopicDifference.Kind.CONFIG, "retention.ms", "604800000", "3600000"));
        ApplyReport report = admin.apply(catalog.all());
        assertThat(report.applied()).containsExactlyElementsOf(drift);
        assertThat(admin.diff(catalog.all())).isEmpty();
    }

    @Test
    void shouldRaisePartitionsWhenTheCatalogAsksForMore(TestInfra infra) {
        TopicCatalog catalog = catalog(infra, "raise");
        TopicAdmin admin = new TopicAdmin(infra.adminClient(), TIMEOUT);
        Topic<String, ?> small = catalog.adminActions();
        admin.apply(List.of(small));
        Topic<String, ?> bigger = small.toBuilder().partitions(small.partitions() + 3).build();

        assertThat(admin.diff(List.of(bigger))).extracting(TopicDifference::kind)
                .containsExactly(TopicDifference.Kind.PARTITIONS_BELOW);
        admin.apply(List.of(bigger));

        assertThat(admin.describe(List.of(bigger)).get(0).partitions()).isEqualTo(small.partitions() + 3);
        assertThat(admin.diff(List.of(bigger))).isEmpty();
    }

    @Test
    void shouldRefuseACatalogThatLowersPartitionsAndChangeNothing(TestInfra infra) {
        TopicCatalog catalog = catalog(infra, "lower");
        TopicAdmin admin = new TopicAdmin(infra.adminClient(), TIMEOUT);
        admin.apply(List.of(catalog.runRequests()));
        Topic<String, ?> fewer = catalog.runRequests().toBuilder().partitions(6).build();
        Topic<String, ?> missing = catalog.runCommands();

        assertThatThrownBy(() -> admin.apply(List.of(fewer, missing)))
                .isInstanceOf(TopicCatalogRefusedException.class)
                .hasMessageContaining("nothing was changed")
                .hasMessageContaining(catalog.runRequests().name() + ": 12 partitions in the cluster but the catalog "
                        + "asks for 6")
                .hasMessageContaining("cannot lower a topic's partition count");
        assertThat(admin.describe(List.of(missing)).get(0).exists())
                .as("a refused apply creates nothing").isFalse();
        assertThat(admin.describe(List.of(fewer)).get(0).partitions()).isEqualTo(12);
    }

    @Test
    void shouldCapTheReplicationFactorAtTheNumberOfBrokers(TestInfra infra) {
        TopicCatalog catalog = catalog(infra, "rf");
        TopicAdmin admin = new TopicAdmin(infra.adminClient(), TIMEOUT);
        assertThat(catalog.runState().replicationFactor()).isEqualTo((short) 3);

        admin.apply(List.of(catalog.runState()));

        assertThat(admin.describe(List.of(catalog.runState())).get(0).replicationFactor()).isEqualTo(1);
        assertThat(admin.diff(List.of(catalog.runState()))).isEmpty();
    }

    @Test
    void shouldReturnFromApplyOnlyWhenEveryNewPartitionTakesRecordsWithoutARetry(TestInfra infra) throws Exception {
        // the whole catalog: with a few hundred partitions the broker takes leadership noticeably after the
        // metadata shows it
        TopicCatalog catalog = catalog(infra, "leaders");
        TopicAdmin admin = new TopicAdmin(infra.adminClient(), TIMEOUT);
        List<? extends Topic<?, ?>> topics = catalog.all();

        admin.apply(topics);

        Map<String, Object> properties = infra.producerProperties();
        properties.put(ProducerConfig.LINGER_MS_CONFIG, 0);
        try (KafkaProducer<byte[], byte[]> producer =
                     new KafkaProducer<>(properties, new ByteArraySerializer(), new ByteArraySerializer())) {
            List<Future<RecordMetadata>> sends = new ArrayList<>();
            for (Topic<?, ?> topic : topics) {
                for (int partition = 0; partition < topic.partitions(); partition++) {
                    sends.add(producer.send(new ProducerRecord<>(topic.name(), partition, new byte[] {1}, new byte[] {1})));
                }
            }
            producer.flush();
            for (Future<RecordMetadata> send : sends) {
                assertThat(send.get(30, TimeUnit.SECONDS).offset()).isZero();
            }
            double retries = producer.metrics().entrySet().stream()
                    .filter(e -> e.getKey().name().equals("record-retry-total")
                            && e.getKey().group().equals("producer-metrics"))
                    .mapToDouble(e -> ((Number) e.getValue().metricValue()).doubleValue()).sum();
            assertThat(retries).as("produce retries (NOT_LEADER_OR_FOLLOWER right after creation)").isZero();
        }
    }
}
