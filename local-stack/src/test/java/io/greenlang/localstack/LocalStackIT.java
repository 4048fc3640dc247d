package io.greenlang.localstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

class LocalStackIT {

    private static final Logger LOG = LoggerFactory.getLogger(LocalStackIT.class);
    private static final String TOPIC = "plant-events";

    @TempDir
    Path dataDirectory;

    @Test
    void shouldKeepTopicsRowsAndObjectsAcrossRestartOnSameDataDirectory() throws Exception {
        Set<Thread> threadsBefore = Thread.getAllStackTraces().keySet();
        String bootstrapOfFirstStart;
        URI s3EndpointOfFirstStart;

        long coldStart = System.nanoTime();
        try (LocalStack stack = LocalStack.builder(dataDirectory).build().start()) {
            LOG.info("Cold start (initdb, Kafka format, bucket creation) took {} ms", millisSince(coldStart));
            bootstrapOfFirstStart = stack.kafkaBootstrapServers();
            s3EndpointOfFirstStart = stack.s3Endpoint();

            try (Admin admin = admin(stack)) {
                admin.createTopics(List.of(new NewTopic(TOPIC, 1, (short) 1))).all().get();
            }
            try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
                    ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.kafkaBootstrapServers(),
                    ProducerConfig.ACKS_CONFIG, "all",
                    ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true), new StringSerializer(), new StringSerializer())) {
                producer.send(new ProducerRecord<>(TOPIC, "boiler-1", "idempotent")).get();
            }
            try (KafkaProducer<String, String> producer = transactionalProducer(stack)) {
                producer.initTransactions();
                producer.beginTransaction();
                producer.send(new ProducerRecord<>(TOPIC, "boiler-1", "aborted"));
                producer.abortTransaction();
                producer.beginTransaction();
                producer.send(new ProducerRecord<>(TOPIC, "boiler-1", "committed"));
                producer.commitTransaction();
            }
            assertThat(readCommitted(stack, 2)).containsExactly("idempotent", "committed");

            try (Connection connection = connect(stack); Statement statement = connection.createStatement()) {
                assertThat(singleValue(statement, "SHOW wal_level")).isEqualTo("logical");
                assertThat(singleValue(statement, "SHOW synchronous_commit")).isEqualTo("on");
                assertThat(singleValue(statement, "SELECT current_database()")).isEqualTo(LocalStack.DEFAULT_DATABASE);
                statement.execute("CREATE TABLE plant (id text PRIMARY KEY, name text NOT NULL)");
                statement.execute("INSERT INTO plant VALUES ('p1', 'Riverside')");
            }

            try (S3Client s3 = s3(stack)) {
                assertThat(s3.listBuckets().buckets()).extracting(b -> b.name()).contains(LocalStack.DEFAULT_BUCKET);
                s3.putObject(b -> b.bucket(stack.bucketName()).key("runs/r1/report.txt"),
                        RequestBody.fromString("heat report", StandardCharsets.UTF_8));
                assertThat(s3.getObjectAsBytes(b -> b.bucket(stack.bucketName()).key("runs/r1/report.txt")).asUtf8String())
                        .isEqualTo("heat report");
            }
        }

        long warmStart = System.nanoTime();
        try (LocalStack stack = LocalStack.builder(dataDirectory).build().start()) {
            LOG.info("Warm start (same data directory) took {} ms", millisSince(warmStart));
            assertThat(stack.kafkaBootstrapServers())
                    .as("ports of the first start are reused when free")
                    .isEqualTo(bootstrapOfFirstStart);
            assertThat(stack.s3Endpoint()).isEqualTo(s3EndpointOfFirstStart);

            try (Admin admin = admin(stack)) {
                assertThat(admin.listTopics().names().get()).contains(TOPIC);
            }
            assertThat(readCommitted(stack, 2)).containsExactly("idempotent", "committed");
            try (KafkaProducer<String, String> producer = transactionalProducer(stack)) {
                producer.initTransactions();
                producer.beginTransaction();
                producer.send(new ProducerRecord<>(TOPIC, "boiler-1", "after-restart"));
                producer.commitTransaction();
            }
            assertThat(readCommitted(stack, 3)).containsExactly("idempotent", "committed", "after-restart");

            try (Connection connection = connect(stack); Statement statement = connection.createStatement()) {
                assertThat(singleValue(statement, "SELECT name FROM plant WHERE id = 'p1'")).isEqualTo("Riverside");
            }
            try (S3Client s3 = s3(stack)) {
                assertThat(s3.getObjectAsBytes(b -> b.bucket(stack.bucketName()).key("runs/r1/report.txt")).asUtf8String())
                        .isEqualTo("heat report");
            }
        }

        await("threads started by the stack to end").pollInSameThread().atMost(Duration.ofSeconds(15))
                .untilAsserted(() -> assertThat(newThreads(threadsBefore)).isEmpty());
    }

    @Test
    void shouldRestartOnSameDataDirectoryWithOtherPorts() throws Exception {
        String firstBootstrap;
        try (LocalStack stack = LocalStack.builder(dataDirectory).build().start()) {
            firstBootstrap = stack.kafkaBootstrapServers();
            try (Admin admin = admin(stack)) {
                admin.createTopics(List.of(new NewTopic(TOPIC, 3, (short) 1))).all().get();
            }
        }

        int kafkaPort = otherFreePort(firstBootstrap);
        try (LocalStack stack = LocalStack.builder(dataDirectory)
                .kafkaPort(kafkaPort)
                .kafkaControllerPort(Ports.freePort())
                .postgresPort(Ports.freePort())
                .s3Port(Ports.freePort())
                .build().start()) {
            assertThat(stack.kafkaBootstrapServers()).isEqualTo("127.0.0.1:" + kafkaPort);
            try (Admin admin = admin(stack)) {
                assertThat(admin.describeTopics(List.of(TOPIC)).allTopicNames().get().get(TOPIC).partitions()).hasSize(3);
            }
        }
    }

    @Test
    void shouldRefuseSecondStackOnDataDirectoryInUse() {
        try (LocalStack stack = LocalStack.builder(dataDirectory).build().start()) {
            LocalStack second = LocalStack.builder(dataDirectory).build();
            assertThatThrownBy(second::start)
                    .isInstanceOf(LocalStackException.class)
                    .hasMessageContaining("in use");
            assertThat(stack.jdbcUrl()).startsWith("jdbc:postgresql://127.0.0.1:");
        }
    }

    @Test
    void shouldStopWhatStartedWhenOneServerFailsToStart() throws Exception {
        try (ServerSocket occupied = new ServerSocket()) {
            occupied.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            LocalStack stack = LocalStack.builder(dataDirectory).s3Port(occupied.getLocalPort()).build();

            assertThatThrownBy(stack::start)
                    .isInstanceOf(LocalStackException.class)
                    .hasMessageContaining("failed to start")
                    .cause().hasMessageContaining("S3");
        }

        try (LocalStack restarted = LocalStack.builder(dataDirectory).build().start()) {
            assertThat(restarted.jdbcUrl()).as("PostgreSQL and the directory lock were released").isNotBlank();
        }
    }

    private static int otherFreePort(String bootstrap) {
        int used = Integer.parseInt(bootstrap.substring(bootstrap.lastIndexOf(':') + 1));
        int port = Ports.freePort();
        while (port == used) {
            port = Ports.freePort();
        }
        return port;
    }

    private static Admin admin(LocalStack stack) {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, stack.kafkaBootstrapServers()));
    }

    private static KafkaProducer<String, String> transactionalProducer(LocalStack stack) {
        return new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.kafkaBootstrapServers(),
                ProducerConfig.TRANSACTIONAL_ID_CONFIG, "local-stack-it"), new StringSerializer(), new StringSerializer());
    }

    /** Reads the topic from the start with a new group until {@code expected} committed values arrived. */
    private static List<String> readCommitted(LocalStack stack, int expected) {
        List<String> values = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.kafkaBootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, "it-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"), new StringDeserializer(), new StringDeserializer())) {
            consumer.subscribe(List.of(TOPIC));
            await("committed records").atMost(Duration.ofSeconds(30)).until(() -> {
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(200))) {
                    values.add(record.value());
                }
                return values.size() >= expected;
            });
            consumer.commitSync();
        }
        return values;
    }

    private static Connection connect(LocalStack stack) throws SQLException {
        return DriverManager.getConnection(stack.jdbcUrl(), stack.postgresUser(), stack.postgresPassword());
    }

    private static String singleValue(Statement statement, String sql) throws SQLException {
        try (ResultSet rows = statement.executeQuery(sql)) {
            assertThat(rows.next()).as("a row from %s", sql).isTrue();
            return rows.getString(1);
        }
    }

    private static S3Client s3(LocalStack stack) {
        return S3Client.builder()
                .endpointOverride(stack.s3Endpoint())
                .region(Region.of(stack.s3Region()))
                .credentialsProvider(StaticCredentialsProvider.create(
                        AwsBasicCredentials.create(stack.s3AccessKey(), stack.s3SecretKey())))
                .forcePathStyle(true)
                .httpClient(UrlConnectionHttpClient.create())
                .build();
    }

    /**
     * Threads started since {@code before} that are still alive, less the JVM-wide singletons libraries start
     * once and keep (not owned by a stack): the PostgreSQL driver's cleaner, Yammer metrics' tick threads
     * (Kafka), the JDK's process reapers and the AWS SDK's stream timeout scheduler.
     */
    private static List<String> newThreads(Set<Thread> before) {
        Pattern jvmWideSingletons = Pattern.compile(
                "PostgreSQL-JDBC-Cleaner|metrics-meter-tick-thread-\\d+|process reaper|response-input-stream-timeout-scheduler");
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> !before.contains(t) && t.isAlive())
                .filter(t -> !jvmWideSingletons.matcher(t.getName()).matches())
                .map(t -> t.getName() + (t.isDaemon() ? " (daemon)" : ""))
                .sorted()
                .collect(Collectors.toList());
    }

    private static long millisSince(long startNanos) {
        return (System.nanoTime() - startNanos) / 1_000_000;
    }
}
