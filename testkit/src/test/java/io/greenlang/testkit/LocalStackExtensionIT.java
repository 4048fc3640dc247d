package io.greenlang.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.greenlang.localstack.LocalStack;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.ClassOrderer;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestClassOrder;
import org.junit.jupiter.api.TestInstance;
import software.amazon.awssdk.core.sync.RequestBody;

/**
 * Two {@code @Nested} classes do the same things with the same base names (topic {@code events}, table
 * {@code runs}, key {@code report.txt}); both succeed only if each class got its own topic, schema and bucket.
 * The second one then compares its infra with the first's.
 */
@GreenLangIntegrationTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestClassOrder(ClassOrderer.OrderAnnotation.class)
class LocalStackExtensionIT {

    private TestInfra firstClassInfra;

    @Nested
    @Order(1)
    class FirstTestClass {

        @Test
        void shouldUseItsOwnTopicSchemaAndBucket(TestInfra infra) throws Exception {
            useEveryServer(infra, "first");
            firstClassInfra = infra;
        }
    }

    @Nested
    @Order(2)
    class SecondTestClass {

        @Test
        void shouldUseItsOwnTopicSchemaAndBucketOnTheSameServers(TestInfra infra, LocalStack stack) throws Exception {
            useEveryServer(infra, "second");

            assumeThat(firstClassInfra).as("FirstTestClass ran before").isNotNull();
            assertThat(infra.topicPrefix()).isNotEqualTo(firstClassInfra.topicPrefix());
            assertThat(infra.schemaName()).isNotEqualTo(firstClassInfra.schemaName());
            assertThat(infra.bucket()).isNotEqualTo(firstClassInfra.bucket());
            assertThat(infra.bootstrapServers()).isEqualTo(firstClassInfra.bootstrapServers());
            assertThat(infra.localStack()).isSameAs(firstClassInfra.localStack()).isSameAs(stack);
            assertThat(LocalStackExtension.startCount()).isEqualTo(1);
        }
    }

    private static void useEveryServer(TestInfra infra, String payload) throws Exception {
        String topic = infra.createTopic("events", 1);
        assertThat(topic).startsWith(infra.topicPrefix());
        try (KafkaProducer<String, String> producer =
                new KafkaProducer<>(infra.producerProperties(), new StringSerializer(), new StringSerializer())) {
            producer.send(new ProducerRecord<>(topic, "key", payload)).get();
        }
        assertThat(readAll(infra, topic, 1)).containsExactly(payload);

        try (Connection connection = infra.connection(); Statement statement = connection.createStatement()) {
            assertThat(single(statement, "SELECT current_schema()")).isEqualTo(infra.schemaName());
            statement.execute("CREATE TABLE runs (id text PRIMARY KEY)");
            statement.execute("INSERT INTO runs VALUES ('" + payload + "')");
            assertThat(single(statement, "SELECT string_agg(id, ',') FROM runs")).isEqualTo(payload);
        }

        infra.s3Client().putObject(b -> b.bucket(infra.bucket()).key("report.txt"),
                RequestBody.fromString(payload, StandardCharsets.UTF_8));
        assertThat(infra.s3Client().getObjectAsBytes(b -> b.bucket(infra.bucket()).key("report.txt")).asUtf8String())
                .isEqualTo(payload);
    }

    private static List<String> readAll(TestInfra infra, String topic, int expected) {
        List<String> values = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(
                infra.consumerProperties("reader"), new StringDeserializer(), new StringDeserializer())) {
            consumer.subscribe(List.of(topic));
            await("records on " + topic).atMost(Duration.ofSeconds(30)).pollInSameThread().until(() -> {
                consumer.poll(Duration.ofMillis(200)).forEach(record -> values.add(record.value()));
                return values.size() >= expected;
            });
        }
        return values;
    }

    private static String single(Statement statement, String sql) throws SQLException {
        try (ResultSet rows = statement.executeQuery(sql)) {
            assertThat(rows.next()).isTrue();
            return rows.getString(1);
        }
    }
}
