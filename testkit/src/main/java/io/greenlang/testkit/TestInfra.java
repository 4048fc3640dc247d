package io.greenlang.testkit;

import java.net.URI;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;

import javax.sql.DataSource;

import io.greenlang.localstack.LocalStack;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.TopicPartition;
import org.postgresql.ds.PGSimpleDataSource;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.NoSuchBucketException;

/**
 * What one test class gets from the shared servers: names of its own (topic prefix, consumer groups,
 * transactional ids, a database schema, a bucket) on the same Kafka broker, PostgreSQL and S3 server as
 * every other test class of the JVM, plus clients for them. The schema and the bucket are created on first
 * use.
 *
 * <p>Isolation is by name only: a test that uses a name without {@link #topic}, {@link #schemaName()} or
 * {@link #bucket()} shares it with every other class. This object never deletes what a test created: the
 * whole data directory goes when the JVM's tests end. The shared clients ({@link #adminClient()},
 * {@link #s3Client()}) must not be closed by tests.
 */
public final class TestInfra {

    private static final Pattern NAME_PART = Pattern.compile("[a-zA-Z0-9._-]+");
    private static final long ADMIN_TIMEOUT_SECONDS = 30;

    private final SharedStack shared;
    private final Class<?> testClass;
    private final String token;
    private boolean schemaCreated;
    private boolean bucketCreated;

    TestInfra(SharedStack shared, Class<?> testClass) {
        this.shared = shared;
        this.testClass = testClass;
        this.token = shared.tokenFor(testClass);
    }

    /** The test class these names belong to (a {@code @Nested} class has its own). */
    public Class<?> testClass() {
        return testClass;
    }

    /** The prefix of this class's topics, consumer groups and transactional ids, e.g. {@code t1a2b3c4d-}. */
    public String topicPrefix() {
        return token + "-";
    }

    /** This class's name for topic {@code base}: {@link #topicPrefix()} + {@code base}. */
    public String topic(String base) {
        return topicPrefix() + requireNamePart("base", base);
    }

    /**
     * Creates this class's topic {@code base} with one replica and returns its full name once every partition's
     * leader serves (answers {@code ListOffsets}; producing in the moment before that gets NOT_LEADER_OR_FOLLOWER).
     * Fails if it exists: the broker has {@code auto.create.topics.enable=false}, like production.
     */
    public String createTopic(String base, int partitions) {
        String name = topic(base);
        try {
            adminClient().createTopics(List.of(new NewTopic(name, partitions, (short) 1)))
                    .all().get(ADMIN_TIMEOUT_SECONDS, TimeUnit.SECONDS);
            Map<TopicPartition, OffsetSpec> leaders = new HashMap<>();
            for (int partition = 0; partition < partitions; partition++) {
                leaders.put(new TopicPartition(name, partition), OffsetSpec.latest());
            }
            awaitLeaders(leaders);
            return name;
        } catch (ExecutionException e) {
            throw new IllegalStateException("Cannot create topic " + name, e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("Timed out creating topic " + name, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted creating topic " + name, e);
        }
    }

    /**
     * Waits until every partition's leader answers {@code ListOffsets}. The admin client retries
     * NOT_LEADER_OR_FOLLOWER itself, but fails at once on a topic its metadata does not show yet.
     */
    private void awaitLeaders(Map<TopicPartition, OffsetSpec> partitions)
            throws ExecutionException, TimeoutException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(ADMIN_TIMEOUT_SECONDS);
        while (true) {
            try {
                adminClient().listOffsets(partitions).all().get(ADMIN_TIMEOUT_SECONDS, TimeUnit.SECONDS);
                return;
            } catch (ExecutionException e) {
                if (System.nanoTime() > deadline) {
                    throw e;
                }
                Thread.sleep(20);
            }
        }
    }

    /** {@code host:port} of the shared broker. */
    public String bootstrapServers() {
        return shared.stack().kafkaBootstrapServers();
    }

    /** The JVM's shared admin client; closed when the tests end, never by a test. */
    public Admin adminClient() {
        return shared.admin();
    }

    /**
     * A new, mutable map of producer settings: bootstrap servers, {@code acks=all}, idempotence on. Pass the
     * serializers to the producer's constructor.
     */
    public Map<String, Object> producerProperties() {
        Map<String, Object> properties = new HashMap<>();
        properties.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        properties.put(ProducerConfig.ACKS_CONFIG, "all");
        properties.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        return properties;
    }

    /**
     * A new, mutable map of consumer settings for this class's group {@code group} (the group id is
     * {@link #topicPrefix()} + {@code group}, so the same argument means the same group within a class):
     * read from the earliest offset, {@code read_committed}, no auto-commit. Pass the deserializers to the
     * consumer's constructor.
     */
    public Map<String, Object> consumerProperties(String group) {
        Map<String, Object> properties = new HashMap<>();
        properties.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        properties.put(ConsumerConfig.GROUP_ID_CONFIG, topicPrefix() + requireNamePart("group", group));
        properties.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        properties.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        properties.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        return properties;
    }

    /** This class's transactional id for {@code base}: {@link #topicPrefix()} + {@code base}. */
    public String transactionalId(String base) {
        return topicPrefix() + requireNamePart("base", base);
    }

    /** This class's PostgreSQL schema (created on first use), e.g. {@code t1a2b3c4d}. */
    public String schemaName() {
        ensureSchema();
        return token;
    }

    /** JDBC URL of the shared database with {@code currentSchema} set to {@link #schemaName()}. */
    public String jdbcUrl() {
        return shared.stack().jdbcUrl() + "?currentSchema=" + schemaName();
    }

    /** The database user for {@link #jdbcUrl()}. */
    public String postgresUser() {
        return shared.stack().postgresUser();
    }

    /** The database password for {@link #jdbcUrl()}. */
    public String postgresPassword() {
        return shared.stack().postgresPassword();
    }

    /** A data source whose connections use {@link #schemaName()}; unpooled, each connection is new. */
    public DataSource dataSource() {
        PGSimpleDataSource dataSource = new PGSimpleDataSource();
        dataSource.setUrl(jdbcUrl());
        dataSource.setUser(postgresUser());
        dataSource.setPassword(postgresPassword());
        return dataSource;
    }

    /** A new connection to {@link #schemaName()}; the caller closes it. */
    public Connection connection() throws SQLException {
        return dataSource().getConnection();
    }

    /** The JVM's shared S3 client (path-style, signed for the server's region); never closed by a test. */
    public S3Client s3Client() {
        return shared.s3();
    }

    /** This class's bucket (created on first use), e.g. {@code t1a2b3c4d}. */
    public String bucket() {
        ensureBucket();
        return token;
    }

    /** {@code http://127.0.0.1:<port>} of the shared S3 server. */
    public URI s3Endpoint() {
        return shared.stack().s3Endpoint();
    }

    /** The shared servers themselves, for what this class does not cover. Never close it. */
    public LocalStack localStack() {
        return shared.stack();
    }

    private synchronized void ensureSchema() {
        if (schemaCreated) {
            return;
        }
        LocalStack stack = shared.stack();
        PGSimpleDataSource dataSource = new PGSimpleDataSource();
        dataSource.setUrl(stack.jdbcUrl());
        dataSource.setUser(stack.postgresUser());
        dataSource.setPassword(stack.postgresPassword());
        try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement()) {
            // The token is "t" and hex digits: a plain identifier.
            statement.execute("CREATE SCHEMA IF NOT EXISTS " + token);
        } catch (SQLException e) {
            throw new IllegalStateException("Cannot create schema " + token + " for " + testClass.getName(), e);
        }
        schemaCreated = true;
    }

    private synchronized void ensureBucket() {
        if (bucketCreated) {
            return;
        }
        S3Client s3 = shared.s3();
        try {
            s3.headBucket(b -> b.bucket(token));
        } catch (NoSuchBucketException absent) {
            s3.createBucket(b -> b.bucket(token));
        }
        bucketCreated = true;
    }

    private static String requireNamePart(String what, String value) {
        Objects.requireNonNull(value, what);
        if (!NAME_PART.matcher(value).matches()) {
            throw new IllegalArgumentException(what + " must match " + NAME_PART + ", was: '" + value + "'");
        }
        return value;
    }

    @Override
    public String toString() {
        return "TestInfra[" + testClass.getName() + ", names " + token + "]";
    }
}
