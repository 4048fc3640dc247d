package io.greenlang.cli;

import static io.greenlang.cli.GlRun.gl;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.UUID;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

import io.greenlang.audit.AuditHash;
import io.greenlang.audit.AuditSink;
import io.greenlang.audit.AuditStore;
import io.greenlang.audit.ChainVerification;
import io.greenlang.common.config.GlConfig;
import io.greenlang.common.metrics.GlMeters;
import io.greenlang.events.policy.PolicyDecision;
import io.greenlang.events.run.RunEvent;
import io.greenlang.events.run.StepEvent;
import io.greenlang.schemas.EventSamples;
import io.greenlang.testkit.GreenLangIntegrationTest;
import io.greenlang.testkit.TestInfra;
import io.greenlang.topics.Topic;
import io.greenlang.topics.TopicAdmin;
import io.greenlang.topics.TopicCatalog;

/**
 * {@code gl audit verify|package} and {@code gl replay} against a real broker and PostgreSQL: a run's events are
 * produced to the class's prefixed topics and chained by a real {@link AuditSink}; the commands read the store
 * through a {@code --config} file. The tests run in order: the last ones tamper with the store.
 */
@GreenLangIntegrationTest
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class AuditCommandsIT {

    private static final String RUN = UUID.randomUUID().toString();
    private static final String OTHER_RUN = UUID.randomUUID().toString();

    private static TestInfra infra;
    private static TopicCatalog catalog;
    private static AuditStore store;
    private static Path config;

    @TempDir
    static Path temp;


    @BeforeAll
    static void chainARun(TestInfra testInfra) throws Exception {
        infra = testInfra;
        catalog = TopicCatalog.withPrefix(infra.topicPrefix());
        store = new AuditStore(infra.dataSource(), infra.schemaName());
        store.migrate();
        new TopicAdmin(infra.adminClient(), Duration.ofSeconds(30)).apply(List.of(catalog.runEvents(),
                catalog.stepEvents(), catalog.policyDecisions(), catalog.deadLetters()));

        List<ProducerRecord<String, byte[]>> records = new ArrayList<>();
        for (String run : List.of(RUN, OTHER_RUN)) {
            for (int i = 0; i < 5; i++) {
                records.add(record(catalog.runEvents(), run, sample(RunEvent.class)));
            }
            for (int i = 0; i < 3; i++) {
                records.add(record(catalog.stepEvents(), run, sample(StepEvent.class)));
            }
            for (int i = 0; i < 2; i++) {
                records.add(record(catalog.policyDecisions(), run, sample(PolicyDecision.class)));
            }
        }
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(infra.producerProperties(),
                new StringSerializer(), new ByteArraySerializer())) {
            for (ProducerRecord<String, byte[]> record : records) {
                producer.send(record).get();
            }
        }
        try (AuditSink sink = new AuditSink(catalog, List.of("gl.run.events", "gl.step.events",
                "gl.policy.decisions"), store, infra.consumerProperties(infra.topicPrefix() + "sink"),
                infra.producerProperties(), new GlMeters(new SimpleMeterRegistry()), "it")) {
            sink.start();
            await().atMost(Duration.ofSeconds(60)).until(() -> store.verifyAll().stream()
                    .mapToLong(ChainVerification::events).sum() == records.size());
        }

        Properties properties = new Properties();
        properties.setProperty(GlConfig.KAFKA_BOOTSTRAP_SERVERS, infra.bootstrapServers());
        properties.setProperty(GlConfig.POSTGRES_HOST, "127.0.0.1");
        properties.setProperty(GlConfig.POSTGRES_PORT, Integer.toString(infra.localStack().postgresPort()));
        properties.setProperty(GlConfig.POSTGRES_DATABASE, infra.localStack().databaseName());
        properties.setProperty(GlConfig.POSTGRES_USER, infra.postgresUser());
        properties.setProperty(GlConfig.POSTGRES_PASSWORD, infra.postgresPassword());
        properties.setProperty(GlConfig.AUDIT_SCHEMA, infra.schemaName());
        properties.setProperty(GlConfig.AUDIT_TOPICS, "gl.run.events,gl.step.events,gl.policy.decisions");
        config = temp.resolve("gl.properties");
        try (var out = Files.newBufferedWriter(config)) {
            properties.store(out, "AuditCommandsIT");
        }
    }

    private static <V extends SpecificRecord> V sample(Class<V> type) {
        V event = EventSamples.sample(type);
        ((io.greenlang.events.common.EventMeta) event.get(event.getSchema().getField("meta").pos()))
                .setEventId(UUID.randomUUID().toString());
        return event;
    }

    private static <V> ProducerRecord<String, byte[]> record(Topic<String, V> topic, String key, V event) {
        return new ProducerRecord<>(topic.name(), key, topic.valueSerde().serializer().serialize(topic.name(), event));
    }


    @Test
    @Order(1)
    void shouldReportEveryChainIntactWithItsEventCount() {
        GlRun all = gl("audit", "verify", "--all", "--config", config.toString());
        GlRun run = gl("audit", "verify", "--run", RUN, "--config", config.toString());

        assertThat(all.exitCode()).as(all.err()).isZero();
        assertThat(all.out()).contains("6 chain(s), 20 event(s)").contains("every chain intact");
        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).contains("3 chain(s), 10 event(s)").contains("every chain intact");
    }

    @Test
    @Order(2)
    void shouldRefuseAnUnknownRunWithDataNotFound() {
        GlRun result = gl("audit", "verify", "--run", "no-such-run", "--config", config.toString());

        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.err()).contains("GL-E-DATA-NOT-FOUND").contains("no-such-run").contains("fix:");
    }

    @Test
    @Order(3)
    void shouldWriteAPackageThatVerifiesOfflineAndCatchAnEditedEventInIt() throws IOException {
        Path file = temp.resolve("package.json");
        GlRun written = gl("audit", "package", RUN, "-o", file.toString(), "--config", config.toString());
        GlRun offline = gl("audit", "verify", "--package", file.toString());

        assertThat(written.exitCode()).as(written.err()).isZero();
        assertThat(Files.readString(file)).contains("\"chain_id\" : \"" + catalog.runEvents().name() + "/" + RUN)
                .contains("\"head_hash\"").contains("\"chain_valid\" : true");
        assertThat(offline.exitCode()).as(offline.err()).isZero();
        assertThat(offline.out()).contains("3 chain(s), 10 event(s)").contains("every chain intact");

        String json = Files.readString(file);
        int at = json.indexOf("\\\"run_id\\\"");
        Path edited = temp.resolve("edited.json");
        Files.writeString(edited, json.substring(0, at) + "\\\"run_id \\\"" + json.substring(at + 10),
                StandardCharsets.UTF_8);
        GlRun tampered = gl("audit", "verify", "--package", edited.toString());

        assertThat(tampered.exitCode()).isEqualTo(1);
        assertThat(tampered.out()).contains("BROKEN").contains("HASH_MISMATCH");
        assertThat(tampered.err()).contains("GL-E-AUDIT-CHAIN-BROKEN");
    }

    @Test
    @Order(4)
    void shouldRebuildEveryChainFromTheTopicsEqualToTheLiveStore() {
        GlRun result = gl("replay", "--topic-prefix", infra.topicPrefix(), "--into", infra.schemaName() + "_replay",
                "--reset", "--config", config.toString());

        assertThat(result.exitCode()).as(result.out() + result.err()).isZero();
        assertThat(result.out()).contains("20 event(s) replayed").contains("chains: 6 equal, 0 differing, 0 missing")
                .contains("Every replayed chain equals the live store.");
    }

    @Test
    @Order(5)
    void shouldFindARewrittenChainThatVerifiesInternallyOnlyByReplayingTheTopics() throws Exception {
        // A forger with database rights changes an event and recomputes every later hash and the head: the chain
        // is consistent in itself, so verification passes; the topics still hold the original.
        String chain = catalog.stepEvents().name() + "/" + RUN;
        rewriteFrom(chain, 2);

        GlRun verify = gl("audit", "verify", "--run", RUN, "--config", config.toString());
        GlRun replay = gl("replay", "--topic-prefix", infra.topicPrefix(), "--into", infra.schemaName() + "_replay",
                "--reset", "--config", config.toString());

        assertThat(verify.exitCode()).as(verify.out() + verify.err()).isZero();
        assertThat(replay.exitCode()).isEqualTo(1);
        assertThat(replay.out()).contains("DIFFERING  " + chain + " (first bad seq 2)")
                .contains("chains: 5 equal, 1 differing, 0 missing");
        assertThat(replay.err()).contains("GL-E-AUDIT-CHAIN-BROKEN").contains(chain);
    }

    @Test
    @Order(6)
    void shouldNameTheEditedChainAndItsFirstBadSeq() throws Exception {
        String chain = catalog.policyDecisions().name() + "/" + OTHER_RUN;
        try (Connection connection = infra.connection()) {
            bypassAppendOnlyTrigger(connection);
            try (PreparedStatement update = connection.prepareStatement("UPDATE " + infra.schemaName()
                    + ".audit_events SET canonical_json = replace(canonical_json, '\"run_id\":', '\"run_id\" :')"
                    + " WHERE chain_id = ? AND seq = 2")) {
                update.setString(1, chain);
                assertThat(update.executeUpdate()).isEqualTo(1);
            }
        }

        GlRun verify = gl("audit", "verify", "--config", config.toString());

        assertThat(verify.exitCode()).isEqualTo(1);
        assertThat(verify.out()).contains("BROKEN  " + chain + " at seq 2: HASH_MISMATCH");
        assertThat(verify.err()).contains("GL-E-AUDIT-CHAIN-BROKEN").contains("1 of 6 chain(s)")
                .contains("fix:");
    }

    private static void bypassAppendOnlyTrigger(Connection connection) throws Exception {
        try (Statement statement = connection.createStatement()) {
            statement.execute("SET session_replication_role = replica"); // superuser only: triggers do not fire
        }
    }

    /** Edits the event at {@code seq} and re-links the rest of the chain and its head, as a forger would. */
    private static void rewriteFrom(String chain, long seq) throws Exception {
        String events = infra.schemaName() + ".audit_events";
        try (Connection connection = infra.connection()) {
            bypassAppendOnlyTrigger(connection);
            List<Object[]> rows = new ArrayList<>();
            try (PreparedStatement select = connection.prepareStatement("SELECT seq, prev_hash, canonical_json FROM "
                    + events + " WHERE chain_id = ? AND seq >= ? ORDER BY seq")) {
                select.setString(1, chain);
                select.setLong(2, seq);
                try (var result = select.executeQuery()) {
                    while (result.next()) {
                        rows.add(new Object[] {result.getLong(1), result.getString(2), result.getString(3)});
                    }
                }
            }
            assertThat(rows).isNotEmpty();
            String prev = (String) rows.get(0)[1];
            for (int i = 0; i < rows.size(); i++) {
                String json = (String) rows.get(i)[2];
                if (i == 0) {
                    json = json.replace("\"attempt\":", "\"attempt\" :");
                }
                String hash = AuditHash.link(prev, json);
                try (PreparedStatement update = connection.prepareStatement("UPDATE " + events
                        + " SET canonical_json = ?, prev_hash = ?, hash = ? WHERE chain_id = ? AND seq = ?")) {
                    update.setString(1, json);
                    update.setString(2, prev);
                    update.setString(3, hash);
                    update.setString(4, chain);
                    update.setLong(5, (Long) rows.get(i)[0]);
                    assertThat(update.executeUpdate()).isEqualTo(1);
                }
                prev = hash;
            }
            try (PreparedStatement head = connection.prepareStatement("UPDATE " + infra.schemaName()
                    + ".audit_chain_heads SET hash = ? WHERE chain_id = ?")) {
                head.setString(1, prev);
                head.setString(2, chain);
                assertThat(head.executeUpdate()).isEqualTo(1);
            }
        }
    }
}
