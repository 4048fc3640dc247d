package io.greenlang.scada.bridge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.greenlang.common.metrics.GlMeters;
import io.greenlang.common.metrics.GlMetrics;
import io.greenlang.events.scada.TelemetryBatch;
import io.greenlang.localstack.LocalStack;
import io.greenlang.scada.sim.PlantSimulator;
import io.greenlang.scada.spool.Spool;
import io.greenlang.scada.tagmap.TagMap;
import io.greenlang.testkit.GreenLangIntegrationTest;
import io.greenlang.testkit.TestInfra;
import io.greenlang.topics.TopicAdmin;
import io.greenlang.topics.TopicCatalog;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

/**
 * Store and forward against real brokers and the plant simulator over real OPC UA: a Kafka broker of its own that
 * is stopped and started again on the same port and log directory (the shared broker of the testkit is never
 * stopped), a full spool whose loss is counted and reported, and a restart with batches left in the spool. An
 * unreachable Kafka is a port nothing listens on.
 */
@GreenLangIntegrationTest
class ScadaBridgeSpoolIT {

    private static final Duration TIMEOUT = Duration.ofSeconds(90);
    private static final String PLANT = "plant-1";
    private static final long SMALL_SPOOL = 64 * 1024;
    private static final long LARGE_SPOOL = 16 * 1024 * 1024;

    @Test
    void shouldDeliverSpooledReadingsInOrderFlaggedHistoricalAndNoneLostWhenKafkaIsDownThenUp(
            @TempDir Path stackDir, @TempDir Path spoolDir) {
        LocalStack stack = LocalStack.builder(stackDir).build().start();
        String bootstrap = stack.kafkaBootstrapServers();
        int port = Integer.parseInt(bootstrap.substring(bootstrap.lastIndexOf(':') + 1));
        TopicCatalog catalog = TopicCatalog.withPrefix("spool-");
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            new TopicAdmin(admin, Duration.ofSeconds(60)).apply(List.of(catalog.scadaTelemetry(),
                    catalog.scadaStatus()));
        }
        GlMeters meters = new GlMeters(new SimpleMeterRegistry());
        try (PlantSimulator sim = simulator().build().start();
             TelemetryWatcher watcher = new TelemetryWatcher(consumer(bootstrap), catalog)) {
            TagMap map = sim.tagMap(PLANT, TagMap.SecurityPolicy.NONE, TagMap.SecurityMode.NONE, 50, 100);
            try (ScadaBridge bridge = ScadaBridge.builder(map, producer(bootstrap), catalog)
                    .spool(spoolDir, LARGE_SPOOL).spoolRetry(Duration.ofMillis(300)).meters(meters).build().start()) {
                await().atMost(TIMEOUT).until(() -> watcher.batches().size() >= 5);

                stack.close();
                await().atMost(TIMEOUT).until(() -> bridge.spooledBatches() >= 20);
                assertThat(meters.gauge(GlMetrics.SCADA_SPOOLED_BATCHES, PLANT).get()).isPositive();

                stack = LocalStack.builder(stackDir).kafkaPort(port).build().start();
                await().atMost(TIMEOUT).until(() -> bridge.spooledBatches() == 0
                        && runs(watcher.distinctBatches()).size() == 3);
                assertThat(bridge.produceErrors()).isPositive();
            }
            // closed: everything read was acknowledged or is in the spool; it all arrived
            double read = meters.counter(GlMetrics.SCADA_READINGS, PLANT).count();
            await().atMost(TIMEOUT).until(() -> samples(watcher.distinctBatches()) == read);

            List<TelemetryBatch> all = watcher.distinctBatches();
            assertThat(runs(all)).as("live, then the spooled batches, then live again").containsExactly(false, true,
                    false);
            assertThat(all.stream().filter(TelemetryBatch::getHistorical).count()).isGreaterThanOrEqualTo(20);
            assertInOrder(all);
            assertThat(all).allSatisfy(b -> {
                assertThat(b.getLostBatches()).isZero();
                assertThat(b.getGap()).isFalse();
            });
            assertThat(meters.gauge(GlMetrics.SCADA_SPOOLED_BATCHES, PLANT).get()).isZero();
        } finally {
            stack.close();
        }
    }

    @Test
    void shouldCountTheLossAndReportItOnTheTelemetryTopicWhenTheSpoolIsFull(TestInfra infra, @TempDir Path spoolDir)
            throws IOException {
        TopicCatalog catalog = catalog(infra, "full-");
        GlMeters meters = new GlMeters(new SimpleMeterRegistry());
        try (PlantSimulator sim = simulator().build().start()) {
            TagMap map = sim.tagMap(PLANT, TagMap.SecurityPolicy.NONE, TagMap.SecurityMode.NONE, 20, 50);
            ScadaBridge down = withoutKafka(map, catalog, spoolDir, SMALL_SPOOL, meters);
            try (down) {
                await().atMost(TIMEOUT).until(() -> down.batchesLost() >= 5);
            }
            long lostBatches = down.batchesLost();
            long lostSamples = down.samplesLost();
            double read = meters.counter(GlMetrics.SCADA_READINGS, PLANT).count();
            assertThat(lostSamples).isPositive();
            assertThat(meters.counter(GlMetrics.SCADA_SPOOL_LOSSES, PLANT, "full").count()).isEqualTo(lostBatches);

            try (TelemetryWatcher watcher = new TelemetryWatcher(
                    infra.consumerProperties("watch-" + catalog.prefix()), catalog);
                 ScadaBridge up = ScadaBridge.builder(map, infra.producerProperties(), catalog).instance("run-2")
                         .spool(spoolDir, SMALL_SPOOL).build().start()) {
                await().atMost(TIMEOUT).until(() -> watcher.distinctBatches().stream()
                        .dropWhile(b -> b.getLostBatches() == 0).anyMatch(b -> !b.getHistorical()));
                List<TelemetryBatch> all = watcher.distinctBatches();
                List<TelemetryBatch> reports = all.stream().filter(b -> b.getLostBatches() > 0).toList();
                // one report per stretch of lost batches: a smaller batch may fit again between two stretches
                assertThat(reports).isNotEmpty().allSatisfy(r -> {
                    assertThat(r.getGap()).isTrue();
                    assertThat(r.getHistorical()).isTrue();
                    assertThat(r.getSamples()).isEmpty();
                    assertThat(r.getMeta().getProducer().getInstance()).isEqualTo("run-1");
                });
                assertThat(reports.stream().mapToLong(TelemetryBatch::getLostBatches).sum()).isEqualTo(lostBatches);
                assertThat(reports.stream().mapToLong(TelemetryBatch::getLostSamples).sum()).isEqualTo(lostSamples);
                List<TelemetryBatch> kept = all.stream()
                        .filter(b -> b.getMeta().getProducer().getInstance().equals("run-1")).toList();
                assertThat(kept).allSatisfy(b -> assertThat(b.getHistorical()).isTrue());
                assertThat(all.subList(0, kept.size())).as("what the first run kept comes first").isEqualTo(kept);
                assertThat(samples(kept) + lostSamples).as("every sample read is delivered or reported lost")
                        .isEqualTo(read);
                assertThat(up.batchesLost()).isZero();
                assertInOrder(all);
            }
        }
    }

    @Test
    void shouldSendWhatAnEarlierRunLeftInTheSpoolBeforeAnythingReadAfterTheRestart(TestInfra infra,
                                                                                @TempDir Path spoolDir)
            throws IOException {
        TopicCatalog catalog = catalog(infra, "restart-");
        GlMeters meters = new GlMeters(new SimpleMeterRegistry());
        try (PlantSimulator sim = simulator().build().start()) {
            TagMap map = sim.tagMap(PLANT, TagMap.SecurityPolicy.NONE, TagMap.SecurityMode.NONE, 50, 100);
            ScadaBridge first = withoutKafka(map, catalog, spoolDir, LARGE_SPOOL, meters);
            try (first) {
                await().atMost(TIMEOUT).until(() -> first.spooledBatches() >= 10);
            }
            double read = meters.counter(GlMetrics.SCADA_READINGS, PLANT).count();
            long left;
            try (Spool spool = Spool.open(spoolDir.resolve(PLANT), LARGE_SPOOL)) {
                left = spool.records();
            }
            assertThat(left).isGreaterThanOrEqualTo(10);
            assertThat(first.batchesLost()).isZero();

            try (TelemetryWatcher watcher = new TelemetryWatcher(
                    infra.consumerProperties("watch-" + catalog.prefix()), catalog);
                 ScadaBridge second = ScadaBridge.builder(map, infra.producerProperties(), catalog).instance("run-2")
                         .spool(spoolDir, LARGE_SPOOL).build().start()) {
                await().atMost(TIMEOUT).until(() -> watcher.distinctBatches().stream()
                        .anyMatch(b -> !b.getHistorical()));
                List<TelemetryBatch> all = watcher.distinctBatches();
                List<TelemetryBatch> fromFirst = all.subList(0, (int) left);
                assertThat(fromFirst).allSatisfy(b -> {
                    assertThat(b.getMeta().getProducer().getInstance()).isEqualTo("run-1");
                    assertThat(b.getHistorical()).isTrue();
                });
                assertThat(samples(fromFirst)).as("every sample the first run read").isEqualTo(read);
                assertThat(all.subList((int) left, all.size())).allSatisfy(b ->
                        assertThat(b.getMeta().getProducer().getInstance()).isEqualTo("run-2"));
                assertInOrder(all);
                assertThat(second.spooledBatches()).isZero();
            }
        }
    }

    /** The runs of the historical flag: [false, true, false] is live, then spooled, then live. */
    private static List<Boolean> runs(List<TelemetryBatch> batches) {
        List<Boolean> runs = new ArrayList<>();
        for (TelemetryBatch b : batches) {
            if (runs.isEmpty() || runs.get(runs.size() - 1) != b.getHistorical()) {
                runs.add(b.getHistorical());
            }
        }
        return runs;
    }

    /**
     * Batches in the order the bridge read them: their ingest times never go back. (Source times are the server's
     * and need not be monotonic: a new subscription's first cycle can be followed by older queued values.)
     */
    private static void assertInOrder(List<TelemetryBatch> batches) {
        Instant previous = Instant.MIN;
        for (TelemetryBatch b : batches) {
            assertThat(b.getMeta().getOccurredAt()).as(() -> "ingest order of " + describe(batches))
                    .isAfterOrEqualTo(previous);
            previous = b.getMeta().getOccurredAt();
        }
    }

    private static String describe(List<TelemetryBatch> batches) {
        StringBuilder out = new StringBuilder();
        for (TelemetryBatch b : batches) {
            out.append('\n').append(b.getMeta().getEventId(), 0, 8).append(' ')
                    .append(b.getMeta().getProducer().getInstance()).append(" historical=").append(b.getHistorical())
                    .append(" lost=").append(b.getLostBatches()).append(" at ").append(b.getMeta().getOccurredAt())
                    .append(' ').append(b.getSamples().size()).append(" samples");
        }
        return out.toString();
    }

    private static double samples(List<TelemetryBatch> batches) {
        return batches.stream().mapToInt(b -> b.getSamples().size()).sum();
    }

    private static PlantSimulator.Builder simulator() {
        return PlantSimulator.builder().plants(1).boilers(2).seed(11).tickInterval(Duration.ofMillis(50));
    }

    /** Producer settings that notice a lost broker within seconds rather than minutes. */
    private static Map<String, Object> producer(String bootstrap) {
        Map<String, Object> props = new HashMap<>();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 3_000);
        props.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 1_000);
        props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 1_000);
        props.put(CommonClientConfigs.RECONNECT_BACKOFF_MAX_MS_CONFIG, 500);
        return props;
    }

    private static Map<String, Object> consumer(String bootstrap) {
        Map<String, Object> props = new HashMap<>();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "spool-watch");
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(CommonClientConfigs.RECONNECT_BACKOFF_MAX_MS_CONFIG, 500);
        return props;
    }

    /** A started bridge, instance {@code run-1}, whose Kafka is a loopback port nothing listens on. */
    private static ScadaBridge withoutKafka(TagMap map, TopicCatalog catalog, Path spoolDir, long spoolBytes,
                                            GlMeters meters) throws IOException {
        return ScadaBridge.builder(map, producer(unreachable()), catalog).instance("run-1")
                .spool(spoolDir, spoolBytes).spoolRetry(Duration.ofMillis(200)).meters(meters).build().start();
    }

    /** A loopback address nothing listens on. */
    private static String unreachable() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return "127.0.0.1:" + socket.getLocalPort();
        }
    }

    private static TopicCatalog catalog(TestInfra infra, String name) {
        TopicCatalog catalog = TopicCatalog.withPrefix(infra.topicPrefix() + name);
        new TopicAdmin(infra.adminClient(), Duration.ofSeconds(60))
                .apply(List.of(catalog.scadaTelemetry(), catalog.scadaStatus()));
        return catalog;
    }
}
