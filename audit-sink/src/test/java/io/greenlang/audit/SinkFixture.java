package io.greenlang.audit;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;

import io.greenlang.common.metrics.GlMeters;
import io.greenlang.events.run.RunEvent;
import io.greenlang.events.run.StepEvent;
import io.greenlang.schemas.EventSamples;
import io.greenlang.testkit.TestInfra;
import io.greenlang.topics.Topic;
import io.greenlang.topics.TopicAdmin;
import io.greenlang.topics.TopicCatalog;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/** One test class's catalog topics, store and sinks: run and step events audited, gl.dlq for dead letters. */
final class SinkFixture {

    static final List<String> AUDITED = List.of("gl.run.events", "gl.step.events");

    final TestInfra infra;
    final TopicCatalog catalog;
    final AuditStore store;
    final GlMeters meters = new GlMeters(new SimpleMeterRegistry());

    SinkFixture(TestInfra infra) {
        this.infra = infra;
        this.catalog = TopicCatalog.withPrefix(infra.topicPrefix());
        this.store = new AuditStore(infra.dataSource(), infra.schemaName());
        store.migrate();
        new TopicAdmin(infra.adminClient(), Duration.ofSeconds(30))
                .apply(List.of(catalog.runEvents(), catalog.stepEvents(), catalog.deadLetters()));
    }

    AuditSink sink(String group, AuditStore sinkStore) {
        return new AuditSink(catalog, AUDITED, sinkStore, infra.consumerProperties(group), infra.producerProperties(),
                meters, "it-" + group);
    }

    String groupId(String group) {
        return infra.topicPrefix() + group;
    }

    static RunEvent runEvent() {
        RunEvent event = EventSamples.sample(RunEvent.class);
        event.getMeta().setEventId(UUID.randomUUID().toString());
        return event;
    }

    static StepEvent stepEvent() {
        StepEvent event = EventSamples.sample(StepEvent.class);
        event.getMeta().setEventId(UUID.randomUUID().toString());
        return event;
    }

    /** Produces the event with this key and waits for the ack; returns where it was written. */
    <V> RecordMetadata send(Topic<String, V> topic, String key, V event) {
        return sendBytes(topic.name(), key, topic.valueSerde().serializer().serialize(topic.name(), event));
    }

    RecordMetadata sendBytes(String topic, String key, byte[] value) {
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(infra.producerProperties(),
                new StringSerializer(), new ByteArraySerializer())) {
            return producer.send(new ProducerRecord<>(topic, key, value)).get();
        } catch (InterruptedException | ExecutionException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Produces the records with one producer and waits for every ack; returns where they were written. Waits
     * first until every partition of their topics has a leader, and keeps one request in flight: pipelined
     * batches sent to partitions created a moment ago were seen to fail with OUT_OF_ORDER_SEQUENCE_NUMBER.
     */
    List<RecordMetadata> sendAll(List<ProducerRecord<String, byte[]>> records) {
        Set<String> topics = new HashSet<>();
        records.forEach(record -> topics.add(record.topic()));
        await().atMost(Duration.ofSeconds(60)).until(() -> infra.adminClient().describeTopics(topics)
                .allTopicNames().get().values().stream()
                .allMatch(topic -> topic.partitions().stream().allMatch(p -> p.leader() != null)));
        Map<String, Object> properties = infra.producerProperties();
        properties.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 1);
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(properties,
                new StringSerializer(), new ByteArraySerializer())) {
            List<Future<RecordMetadata>> acks = new ArrayList<>();
            records.forEach(record -> acks.add(producer.send(record)));
            List<RecordMetadata> result = new ArrayList<>();
            for (Future<RecordMetadata> ack : acks) {
                result.add(ack.get());
            }
            return result;
        } catch (InterruptedException | ExecutionException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Runs a sink of this group until it committed every audited partition up to its end, then closes it. */
    void sinkUntilCaughtUp(String group) {
        try (AuditSink sink = sink(group, store)) {
            sink.start();
            await().atMost(Duration.ofSeconds(120)).until(() -> caughtUp(group));
        }
    }

    /** The group's committed offsets on the audited topics (absent partitions: nothing committed). */
    Map<TopicPartition, Long> committed(String group) throws Exception {
        Map<TopicPartition, Long> result = new HashMap<>();
        Map<TopicPartition, OffsetAndMetadata> offsets = infra.adminClient().listConsumerGroupOffsets(groupId(group))
                .partitionsToOffsetAndMetadata().get();
        offsets.forEach((partition, offset) -> {
            if (offset != null) {
                result.put(partition, offset.offset());
            }
        });
        return result;
    }

    /** The end offsets of the audited topics' non-empty partitions. */
    Map<TopicPartition, Long> endOffsets() throws Exception {
        Map<TopicPartition, OffsetSpec> request = new HashMap<>();
        for (TopicPartition partition : auditedPartitions()) {
            request.put(partition, OffsetSpec.latest());
        }
        Map<TopicPartition, Long> result = new HashMap<>();
        infra.adminClient().listOffsets(request).all().get().forEach((partition, info) -> {
            if (info.offset() > 0) {
                result.put(partition, info.offset());
            }
        });
        return result;
    }

    List<TopicPartition> auditedPartitions() {
        List<TopicPartition> result = new ArrayList<>();
        for (Topic<?, ?> topic : List.of(catalog.runEvents(), catalog.stepEvents())) {
            for (int p = 0; p < topic.partitions(); p++) {
                result.add(new TopicPartition(topic.name(), p));
            }
        }
        return result;
    }

    /** Whether the group committed every audited partition up to its end. */
    boolean caughtUp(String group) throws Exception {
        Map<TopicPartition, Long> committed = committed(group);
        return endOffsets().entrySet().stream()
                .allMatch(end -> end.getValue().equals(committed.get(end.getKey())));
    }

    long rows() throws SQLException {
        try (Connection connection = infra.connection();
             PreparedStatement select = connection.prepareStatement("SELECT count(*) FROM audit_events");
             ResultSet rows = select.executeQuery()) {
            rows.next();
            return rows.getLong(1);
        }
    }

    /** The events of a chain in seq order: event type, offset and event id. */
    List<Link> chain(String chainId) throws SQLException {
        List<Link> result = new ArrayList<>();
        try (Connection connection = infra.connection();
             PreparedStatement select = connection.prepareStatement("SELECT event_type, partition, \"offset\", "
                     + "event_id FROM audit_events WHERE chain_id = ? ORDER BY seq")) {
            select.setString(1, chainId);
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    result.add(new Link(rows.getString(1), rows.getInt(2), rows.getLong(3), rows.getString(4)));
                }
            }
        }
        return result;
    }

    /** A TCP port that was free a moment ago, for a server that needs its port fixed before it starts. */
    static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free port", e);
        }
    }

    record Link(String eventType, int partition, long offset, String eventId) {
    }
}
