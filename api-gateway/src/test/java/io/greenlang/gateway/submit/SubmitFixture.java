package io.greenlang.gateway.submit;

import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import javax.sql.DataSource;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.greenlang.gateway.ApiServer;
import io.greenlang.gateway.Authenticator;
import io.greenlang.gateway.Principal;
import io.greenlang.gateway.ProblemException;
import io.greenlang.gateway.Role;
import io.greenlang.testkit.TestInfra;
import io.greenlang.topics.Topic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/** Fixed principals, an HTTP client, a topic reader and slot clean-up for the submission tests. */
final class SubmitFixture {

    static final String HEADER = "X-API-Key";
    static final ObjectMapper MAPPER = new ObjectMapper();
    /** Fixed callers: key -> principal. */
    static final Map<String, Principal> PRINCIPALS = Map.of(
            "submitter-acme", new Principal("submitter-acme", "acme", Set.of(Role.SUBMITTER)),
            "submitter-globex", new Principal("submitter-globex", "globex", Set.of(Role.SUBMITTER)),
            "approver-acme", new Principal("approver-acme", "acme", Set.of(Role.APPROVER)),
            "viewer-acme", new Principal("viewer-acme", "acme", Set.of(Role.VIEWER)),
            "operator", new Principal("operator", Principal.ALL_TENANTS, Set.of(Role.ADMIN)));

    static final String PIPELINE = """
            apiVersion: greenlang.io/v1
            kind: Pipeline
            metadata:
              name: emissions-report
              namespace: reporting
            spec:
              parameters:
                - name: year
                  type: integer
                  required: true
                  min: 2000
                  max: 2100
              steps:
                - name: fetch
                  agent: GL-DATA-X-001
                  inputs:
                    year: ${params.year}
                - name: report
                  agent: GL-REPORT-X-001
                  depends_on: [fetch]
                  inputs:
                    dataset: ${steps.fetch.outputs.dataset}
            """;

    private SubmitFixture() {
    }

    static Authenticator authenticator() {
        return ctx -> {
            String key = ctx.header(HEADER);
            if (key == null) {
                return Optional.empty();
            }
            Principal principal = PRINCIPALS.get(key);
            if (principal == null) {
                throw new ProblemException(401, io.greenlang.common.error.ErrorCode.RBAC_DENIED, "Unknown API key");
            }
            return Optional.of(principal);
        };
    }

    static SubmitSettings settings(TestInfra infra, String schema, String slot) {
        return new SubmitSettings(schema, slot, Duration.ofMillis(10), "127.0.0.1", infra.localStack().postgresPort(),
                infra.localStack().databaseName(), infra.postgresUser(), infra.postgresPassword(), "api-gateway");
    }

    static String submission(Map<String, Object> parameters, String tenant) {
        try {
            Map<String, Object> body = new java.util.LinkedHashMap<>();
            body.put("pipeline", PIPELINE);
            body.put("parameters", parameters);
            body.put("labels", Map.of("team", "process-heat"));
            if (tenant != null) {
                body.put("tenant", tenant);
            }
            return MAPPER.writeValueAsString(body);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** A client of one server. */
    record Client(ApiServer server, HttpClient http) {
        Client(ApiServer server) {
            this(server, HttpClient.newHttpClient());
        }

        HttpResponse<String> post(String key, String path, String body, String... headers) {
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
                    .timeout(Duration.ofSeconds(30))
                    .POST(body == null ? HttpRequest.BodyPublishers.noBody()
                            : HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8))
                    .header("Content-Type", "application/json");
            if (key != null) {
                request.header(HEADER, key);
            }
            for (int i = 0; i < headers.length; i += 2) {
                request.header(headers[i], headers[i + 1]);
            }
            return send(request.build());
        }

        HttpResponse<String> get(String path) {
            return send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
                    .timeout(Duration.ofSeconds(30)).GET().build());
        }

        private HttpResponse<String> send(HttpRequest request) {
            try {
                return http.send(request, HttpResponse.BodyHandlers.ofString());
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }

    static JsonNode json(HttpResponse<String> response) {
        try {
            return MAPPER.readTree(response.body());
        } catch (Exception e) {
            throw new IllegalStateException("Not JSON: " + response.body(), e);
        }
    }

    /** Reads a topic from its beginning, one thread at a time; records accumulate. */
    static final class Reader<V> implements AutoCloseable {
        private final Topic<String, V> topic;
        private final KafkaConsumer<byte[], byte[]> consumer;
        private final List<ConsumerRecord<String, V>> records = new ArrayList<>();

        Reader(TestInfra infra, Topic<String, V> topic, int partitions) {
            this.topic = topic;
            this.consumer = new KafkaConsumer<>(Map.of("bootstrap.servers", infra.bootstrapServers(),
                    "enable.auto.commit", false), new ByteArrayDeserializer(), new ByteArrayDeserializer());
            List<TopicPartition> assigned = new ArrayList<>();
            for (int p = 0; p < partitions; p++) {
                assigned.add(new TopicPartition(topic.name(), p));
            }
            consumer.assign(assigned);
            consumer.seekToBeginning(assigned);
        }

        synchronized List<ConsumerRecord<String, V>> poll() {
            for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(20))) {
                records.add(new ConsumerRecord<>(r.topic(), r.partition(), r.offset(), r.timestamp(),
                        r.timestampType(), r.serializedKeySize(), r.serializedValueSize(),
                        topic.keySerde().deserializer().deserialize(r.topic(), r.key()),
                        topic.valueSerde().deserializer().deserialize(r.topic(), r.value()), r.headers(),
                        Optional.empty()));
            }
            return List.copyOf(records);
        }

        List<ConsumerRecord<String, V>> forKey(String key) {
            return poll().stream().filter(r -> key.equals(r.key())).toList();
        }

        @Override
        public synchronized void close() {
            consumer.close();
        }
    }

    /** Drops a replication slot once its engine let go of it (best effort). */
    static void dropSlot(DataSource dataSource, String slot) {
        await().atMost(Duration.ofSeconds(20)).ignoreExceptions().until(() -> {
            try (Connection connection = dataSource.getConnection();
                    PreparedStatement drop = connection.prepareStatement(
                            "SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE slot_name = ?")) {
                drop.setString(1, slot);
                drop.execute();
                return true;
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
        });
    }
}
