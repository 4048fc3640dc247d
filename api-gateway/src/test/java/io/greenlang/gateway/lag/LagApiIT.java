package io.greenlang.gateway.lag;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import io.greenlang.common.metrics.GlMeters;
import io.greenlang.common.metrics.GlMetrics;
import io.greenlang.gateway.ApiJson;
import io.greenlang.gateway.ApiServer;
import io.greenlang.gateway.Principal;
import io.greenlang.gateway.Role;
import io.greenlang.testkit.GreenLangIntegrationTest;
import io.greenlang.testkit.TestInfra;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The lag routes and gauges against the shared broker: a real consumer reads a topic whose records carry
 * CreateTimes the test set five seconds in the past, commits offset 4 and pauses; a sampler over that group (and
 * one with only committed offsets, deleted by one test) feeds a real {@link ApiServer} and a Prometheus registry.
 * Its window is 100 samples, so the statuses stay OK whatever order the tests sample in (Burrow's statuses against
 * the broker are {@link LagMonitorIT}'s).
 */
@GreenLangIntegrationTest
class LagApiIT {

    private static final String VIEWER_KEY = "lag-viewer";
    private static final int RECORDS = 10;
    private static final long COMMITTED = 4;

    private static TestInfra infra;
    private static String topic;
    private static TopicPartition tp;
    private static String pausedGroup;
    private static String offsetsOnlyGroup;
    private static Instant base;
    private static KafkaConsumer<byte[], byte[]> paused;
    private static PrometheusMeterRegistry registry;
    private static LagSampler sampler;
    private static ApiServer server;
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @BeforeAll
    static void start(TestInfra testInfra) throws Exception {
        infra = testInfra;
        topic = infra.createTopic("lag-api", 1);
        tp = new TopicPartition(topic, 0);
        base = Instant.now().minusSeconds(5);
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(infra.producerProperties(),
                new ByteArraySerializer(), new ByteArraySerializer())) {
            for (int i = 0; i < RECORDS; i++) {
                producer.send(new ProducerRecord<>(topic, 0, stamp(i).toEpochMilli(), null, new byte[] {(byte) i}));
            }
            producer.flush();
        }
        Map<String, Object> properties = infra.consumerProperties("paused");
        properties.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        pausedGroup = properties.get(ConsumerConfig.GROUP_ID_CONFIG).toString();
        paused = new KafkaConsumer<>(properties, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        paused.subscribe(List.of(topic));
        List<Long> read = new ArrayList<>();
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            paused.poll(Duration.ofMillis(200)).forEach(r -> read.add(r.offset()));
            return !read.isEmpty();
        });
        paused.commitSync(Map.of(tp, new OffsetAndMetadata(COMMITTED)));
        paused.pause(paused.assignment());

        offsetsOnlyGroup = infra.consumerProperties("offsets-only").get(ConsumerConfig.GROUP_ID_CONFIG).toString();
        infra.adminClient().alterConsumerGroupOffsets(offsetsOnlyGroup, Map.of(tp, new OffsetAndMetadata(7)))
                .all().get(30, TimeUnit.SECONDS);

        registry = GlMetrics.newRegistry("api-gateway-it");
        sampler = new LagSampler(monitor(100), Duration.ofHours(1), 100, new GlMeters(registry));
        sampler.sampleNow();
        server = ApiServer.builder()
                .authenticator(ctx -> Optional.ofNullable(ctx.header("X-API-Key")).filter(VIEWER_KEY::equals)
                        .map(k -> new Principal("viewer", "tenant-a", Set.of(Role.VIEWER))))
                .routes(new LagResources(sampler).routes(), LagResources.COMPONENTS)
                .build().start(0);
    }

    private static LagMonitor monitor(int window) {
        return new LagMonitor(infra.adminClient(), LagMonitor.consumerFactory(infra.consumerProperties("reader")),
                Clock.systemUTC(), LagMonitor.Settings.defaults().withWindowSize(window)
                .withGroups(Set.of(pausedGroup, offsetsOnlyGroup)));
    }

    private static Instant stamp(int i) {
        return base.plusMillis(100L * i);
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
        if (sampler != null) {
            sampler.close();
        }
        if (paused != null) {
            paused.close();
        }
    }

    private static HttpResponse<String> get(String path, String key) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://localhost:" + server.port() + path))
                .timeout(Duration.ofSeconds(30));
        if (key != null) {
            request.header("X-API-Key", key);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static JsonNode json(HttpResponse<String> response) throws Exception {
        return ApiJson.MAPPER.readTree(response.body());
    }

    @Test
    void shouldServeTheOffsetLagAdminReportsAndTimeLagWithinOneSecondOfTheCommittedRecordsAge() throws Exception {
        LagSampler.LagSnapshot snapshot = sampler.sampleNow();
        Instant truthAt = Instant.now();
        long adminCommitted = infra.adminClient().listConsumerGroupOffsets(pausedGroup)
                .partitionsToOffsetAndMetadata().get(30, TimeUnit.SECONDS).get(tp).offset();
        long adminEnd = infra.adminClient().listOffsets(Map.of(tp, OffsetSpec.latest())).partitionResult(tp)
                .get(30, TimeUnit.SECONDS).offset();

        HttpResponse<String> response = get("/api/v1/lag?group=" + pausedGroup, VIEWER_KEY);

        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode body = json(response);
        assertThat(Instant.parse(body.get("evaluated_at").asText())).isEqualTo(snapshot.evaluatedAt());
        assertThat(body.get("window_samples").asInt()).isEqualTo(100);
        assertThat(body.get("groups")).hasSize(1);
        JsonNode group = body.get("groups").get(0);
        assertThat(group.get("group").asText()).isEqualTo(pausedGroup);
        assertThat(group.get("status").asText()).isEqualTo("OK");
        JsonNode partition = group.get("partitions").get(0);
        assertThat(partition.get("topic").asText()).isEqualTo(topic);
        assertThat(partition.get("partition").asInt()).isZero();
        assertThat(partition.get("committed_offset").asLong()).isEqualTo(adminCommitted).isEqualTo(COMMITTED);
        assertThat(partition.get("log_end_offset").asLong()).isEqualTo(adminEnd).isEqualTo(RECORDS);
        assertThat(partition.get("offset_lag").asLong()).isEqualTo(adminEnd - adminCommitted);
        long truthMs = Duration.between(stamp((int) COMMITTED), truthAt).toMillis();
        assertThat(partition.get("time_lag_ms").asLong()).isBetween(truthMs - 1000, truthMs + 1000);
        assertThat(partition.get("status").asText()).isEqualTo("OK");
    }

    @Test
    void shouldAnswer404DataNotFoundWhenTheGroupIsNotSampled() throws Exception {
        HttpResponse<String> response = get("/api/v1/lag?group=no-such-group", VIEWER_KEY);

        assertThat(response.statusCode()).isEqualTo(404);
        assertThat(json(response).get("code").asText()).isEqualTo("GL-E-DATA-NOT-FOUND");
    }

    @Test
    void shouldAnswer401WithoutCredentials() throws Exception {
        assertThat(get("/api/v1/lag", null).statusCode()).isEqualTo(401);
        assertThat(get("/api/v1/message-bus/health", null).statusCode()).isEqualTo(401);
    }

    @Test
    void shouldReportCriticalMessageBusHealthWithThePausedGroupWorstWhenTimeLagExceedsTwoSeconds()
            throws Exception {
        sampler.sampleNow();

        HttpResponse<String> response = get("/api/v1/message-bus/health", VIEWER_KEY);

        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode body = json(response);
        // the oldest unconsumed record of either group is more than 4 s old
        assertThat(body.get("status").asText()).isEqualTo("critical");
        assertThat(body.get("max_time_lag_ms").asLong()).isGreaterThan(2000);
        assertThat(body.get("thresholds").get("warning_ms").asLong()).isEqualTo(500);
        assertThat(body.get("thresholds").get("critical_ms").asLong()).isEqualTo(2000);
        assertThat(body.get("action").asText()).contains("SCALING_GUIDE.md");
        JsonNode worst = body.get("worst_groups");
        assertThat(worst.get(0).get("group").asText()).as("committed record 4 is older than record 7")
                .isEqualTo(pausedGroup);
        assertThat(worst.get(0).get("status").asText()).isEqualTo("critical");
        assertThat(worst.get(0).get("offset_lag").asLong()).isEqualTo(RECORDS - COMMITTED);
    }

    @Test
    void shouldListTheLagRoutesInTheOpenApiDocument() throws Exception {
        JsonNode document = json(get(ApiServer.OPENAPI_PATH, null));

        assertThat(document.at("/paths/~1api~1v1~1lag/get/operationId").asText()).isEqualTo("getConsumerLag");
        assertThat(document.at("/paths/~1api~1v1~1message-bus~1health/get/operationId").asText())
                .isEqualTo("getMessageBusHealth");
        assertThat(document.at("/components/schemas/MessageBusHealth").isObject()).isTrue();
    }

    @Test
    void shouldExposeLagGaugesAndRemoveThoseOfAGroupThatDisappears() throws Exception {
        sampler.sampleNow();
        String scrape = registry.scrape();
        String paused = "group=\"" + pausedGroup + "\",partition=\"0\",service=\"api-gateway-it\",topic=\"" + topic
                + "\"";
        String offsetsOnly = "group=\"" + offsetsOnlyGroup + "\",partition=\"0\",service=\"api-gateway-it\","
                + "topic=\"" + topic + "\"";
        assertThat(scrape).contains("gl_consumer_lag_records{" + paused + "} 6.0");
        assertThat(scrape).contains("gl_consumer_lag_records{" + offsetsOnly + "} 3.0");
        assertThat(scrape).containsPattern("gl_consumer_lag_seconds\\{" + java.util.regex.Pattern.quote(paused)
                + "} [4-9]\\.");
        assertThat(scrape).contains("gl_consumer_group_status{group=\"" + offsetsOnlyGroup
                + "\",service=\"api-gateway-it\"} 0.0");

        infra.adminClient().deleteConsumerGroups(List.of(offsetsOnlyGroup)).all().get(30, TimeUnit.SECONDS);
        sampler.sampleNow();

        String after = registry.scrape();
        assertThat(after).doesNotContain(offsetsOnlyGroup);
        assertThat(after).contains("gl_consumer_lag_records{" + paused + "} 6.0");
    }

    @Test
    void shouldSamplePeriodicallyOnADaemonThreadOnceStarted() {
        try (LagSampler periodic = new LagSampler(monitor(4), Duration.ofMillis(200), 4, null)) {
            assertThat(periodic.latest()).isEmpty();
            periodic.start();

            await().atMost(Duration.ofSeconds(30)).until(() -> periodic.latest().isPresent());
            Instant first = periodic.latest().orElseThrow().evaluatedAt();
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> periodic.latest().orElseThrow().evaluatedAt().isAfter(first));
            assertThat(Thread.getAllStackTraces().keySet()).filteredOn(t -> t.getName().equals("gl-lag-sampler"))
                    .isNotEmpty().allMatch(Thread::isDaemon);
            assertThat(periodic.latest().orElseThrow().group(pausedGroup)).isPresent();
        }
    }
}
