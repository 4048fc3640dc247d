package io.greenlang.cli;

import static io.greenlang.cli.GlRun.gl;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.greenlang.common.config.GlConfig;
import io.greenlang.testkit.GreenLangIntegrationTest;
import io.greenlang.testkit.TestInfra;

/**
 * {@code gl lag} against the shared broker through a {@code --config} file: ten records stamped one minute in the
 * past, a group whose committed offset is 3 and that has no live member (so it never commits again).
 */
@GreenLangIntegrationTest
class LagCommandIT {

    private static String topic;
    private static String group;
    private static Instant base;
    private static Path config;

    @TempDir
    static Path temp;

    @BeforeAll
    static void commitBehind(TestInfra infra) throws Exception {
        topic = infra.createTopic("gl-lag", 1);
        base = Instant.now().minusSeconds(60);
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(infra.producerProperties(),
                new ByteArraySerializer(), new ByteArraySerializer())) {
            for (int i = 0; i < 10; i++) {
                producer.send(new ProducerRecord<>(topic, 0, base.plusSeconds(i).toEpochMilli(), null, new byte[1]));
            }
            producer.flush();
        }
        group = infra.consumerProperties("lagging").get(ConsumerConfig.GROUP_ID_CONFIG).toString();
        infra.adminClient().alterConsumerGroupOffsets(group, Map.of(new TopicPartition(topic, 0),
                new OffsetAndMetadata(3))).all().get(30, TimeUnit.SECONDS);
        Properties properties = new Properties();
        properties.setProperty(GlConfig.KAFKA_BOOTSTRAP_SERVERS, infra.bootstrapServers());
        config = temp.resolve("gl.properties");
        try (var out = Files.newBufferedWriter(config)) {
            properties.store(out, "LagCommandIT");
        }
    }

    private static List<String> rows(String output) {
        return output.lines().filter(line -> line.startsWith(group)).toList();
    }

    @Test
    void shouldPrintOffsetsLagAndTheCommittedRecordsAgeForTheGroup() {
        Instant before = Instant.now();
        GlRun run = gl("lag", "--config", config.toString(), "--group", group);
        Instant after = Instant.now();

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).contains("GROUP", "TOPIC", "PARTITION", "COMMITTED", "END", "LAG", "TIME-LAG", "STATUS");
        assertThat(rows(run.out())).singleElement().satisfies(row -> {
            String[] cells = row.trim().split("\\s+");
            assertThat(cells).hasSize(8);
            assertThat(cells[1]).isEqualTo(topic);
            assertThat(cells[2]).isEqualTo("0");
            assertThat(cells[3]).isEqualTo("3");
            assertThat(cells[4]).isEqualTo("10");
            assertThat(cells[5]).isEqualTo("7");
            // record 3 was stamped base + 3 s
            double seconds = Double.parseDouble(cells[6].replace("s", ""));
            Instant record = base.plusSeconds(3);
            assertThat(seconds).isBetween(Duration.between(record, before).toMillis() / 1000.0 - 1,
                    Duration.between(record, after).toMillis() / 1000.0 + 1);
            assertThat(cells[7]).isEqualTo("OK");
        });
        assertThat(run.out()).contains("group " + group + ": OK").doesNotContain("\033[");
    }

    @Test
    void shouldReportStopAndExitWithTheErrCodeOnceTheWatchedWindowFillsWithoutCommits() {
        GlRun run = gl("lag", "--config", config.toString(), "--group", group, "--watch", "--interval", "1",
                "--window", "2", "--iterations", "2");

        assertThat(run.exitCode()).as(run.err()).isEqualTo(LagCommand.EXIT_GROUP_ERR);
        List<String> rows = rows(run.out());
        assertThat(rows).hasSize(2);
        assertThat(rows.get(0)).endsWith("OK");
        assertThat(rows.get(1)).endsWith("STOP");
        assertThat(run.out()).contains("window 1/2 samples", "window 2/2 samples", "group " + group + ": ERR")
                .doesNotContain("\033[");
    }

    @Test
    void shouldFailWithDataNotFoundWhenTheGroupHasNoCommittedOffsets() {
        GlRun run = gl("lag", "--config", config.toString(), "--group", "no-such-group-" + System.nanoTime());

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err()).contains("No committed offsets for consumer group(s) no-such-group-");
    }
}
