package io.greenlang.gateway.submit;

import java.nio.ByteBuffer;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import javax.sql.DataSource;

import io.debezium.embedded.Connect;
import io.debezium.engine.DebeziumEngine;
import io.debezium.engine.RecordChangeEvent;
import io.debezium.engine.format.ChangeEventFormat;
import io.greenlang.common.http.HealthCheck;
import io.greenlang.common.metrics.GlMeters;
import io.greenlang.common.metrics.GlMetrics;
import io.greenlang.topics.TopicCatalog;
import io.micrometer.core.instrument.Timer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.source.SourceRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes the rows inserted into the gateway's outbox table to Kafka: a Debezium embedded engine (PostgreSQL,
 * pgoutput) reads the inserts from the replication slot, and every batch is sent with an idempotent
 * {@code acks=all} producer; only when every record of the batch is acknowledged are its offsets marked, and the
 * offsets are committed after every batch ({@link PostgresOffsetBackingStore}, {@code outbox_offsets}). Delivery
 * is at-least-once: a crash between the acknowledgement and the offset commit re-publishes at most that batch,
 * which consumers ignore (the orchestrator deduplicates run requests by run id).
 *
 * <p>The slot and the publication are created before the engine starts ({@link #start()}), so rows committed
 * while the engine is down or still starting are in the slot's WAL and published once it streams.
 *
 * <p>The table stays empty: {@link RunStore} deletes each outbox row in the transaction that inserts it (the
 * insert is in the WAL, which is what is published), and the publication carries inserts only. Nothing prunes
 * the table because nothing accumulates in it; the slot's retained WAL is what grows while the engine is down.
 */
final class OutboxPublisher implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(OutboxPublisher.class);
    private static final Duration SEND_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);

    private final DataSource dataSource;
    private final SubmitSettings settings;
    private final TopicCatalog catalog;
    private final KafkaProducer<byte[], byte[]> producer;
    private final Timer lag;
    private final AtomicReference<DebeziumEngine<RecordChangeEvent<SourceRecord>>> engine = new AtomicReference<>();
    private final AtomicReference<ExecutorService> executor = new AtomicReference<>();
    private final AtomicReference<String> failure = new AtomicReference<>();
    private volatile boolean taskRunning;
    private volatile boolean polling;
    private final AtomicLong published = new AtomicLong();
    private volatile Instant lastPublished;

    OutboxPublisher(DataSource dataSource, SubmitSettings settings, TopicCatalog catalog,
            KafkaProducer<byte[], byte[]> producer, GlMeters meters) {
        this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.catalog = Objects.requireNonNull(catalog, "catalog");
        this.producer = Objects.requireNonNull(producer, "producer");
        this.lag = meters == null ? null : meters.timer(GlMetrics.OUTBOX_PUBLISH_LAG);
    }

    /** Creates the slot and publication if missing, then starts the engine on its own thread. */
    synchronized void start() {
        if (engine.get() != null) {
            throw new IllegalStateException("The outbox publisher is already running");
        }
        ensureSlotAndPublication();
        failure.set(null);
        DebeziumEngine<RecordChangeEvent<SourceRecord>> built = DebeziumEngine
                .create(ChangeEventFormat.of(Connect.class))
                .using(engineProperties())
                .using(new DebeziumEngine.ConnectorCallback() {
                    @Override
                    public void taskStarted() {
                        taskRunning = true;
                    }

                    @Override
                    public void taskStopped() {
                        taskRunning = false;
                    }

                    @Override
                    public void pollingStarted() {
                        polling = true;
                    }

                    @Override
                    public void pollingStopped() {
                        polling = false;
                    }
                })
                .using((success, message, error) -> {
                    taskRunning = false;
                    polling = false;
                    if (!success) {
                        failure.set(message);
                        LOG.error("The outbox engine stopped with a failure: {}", message, error);
                    } else {
                        LOG.info("The outbox engine stopped: {}", message);
                    }
                })
                .notifying(this::handleBatch)
                .build();
        ExecutorService thread = Executors.newSingleThreadExecutor(runnable -> {
            Thread t = new Thread(runnable, "gl-outbox-" + settings.slotName());
            t.setDaemon(true);
            return t;
        });
        engine.set(built);
        executor.set(thread);
        thread.execute(built);
        LOG.info("Outbox engine started on slot {} for {}", settings.slotName(), outboxTable());
    }

    /** Stops the engine (the slot stays, so nothing committed meanwhile is lost). Idempotent. */
    synchronized void stop() {
        DebeziumEngine<RecordChangeEvent<SourceRecord>> running = engine.getAndSet(null);
        ExecutorService thread = executor.getAndSet(null);
        if (running == null) {
            return;
        }
        try {
            running.close();
        } catch (Exception e) {
            LOG.warn("Closing the outbox engine failed", e);
        }
        thread.shutdown();
        try {
            if (!thread.awaitTermination(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                LOG.warn("The outbox engine did not stop within {}", STOP_TIMEOUT);
                thread.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        taskRunning = false;
        polling = false;
    }

    @Override
    public void close() {
        stop();
    }

    /** Whether the engine runs and its task streams from the slot. */
    HealthCheck healthCheck() {
        return HealthCheck.of("debezium", () -> {
            String slot = settings.slotName();
            if (engine.get() == null) {
                return HealthCheck.Result.down("outbox engine not running (slot " + slot + ")"
                        + (failure.get() == null ? "" : ": " + failure.get()));
            }
            if (!taskRunning || !polling) {
                return HealthCheck.Result.down("outbox engine starting or failed (slot " + slot + ")"
                        + (failure.get() == null ? "" : ": " + failure.get()));
            }
            try (Connection connection = dataSource.getConnection();
                    PreparedStatement query = connection.prepareStatement(
                            "SELECT active, confirmed_flush_lsn::text FROM pg_replication_slots WHERE slot_name = ?")) {
                query.setString(1, slot);
                try (ResultSet row = query.executeQuery()) {
                    if (!row.next()) {
                        return HealthCheck.Result.down("replication slot " + slot + " is missing");
                    }
                    if (!row.getBoolean(1)) {
                        return HealthCheck.Result.down("replication slot " + slot + " is not streaming");
                    }
                    return HealthCheck.Result.up("streaming " + outboxTable() + " from slot " + slot
                            + ", confirmed LSN " + row.getString(2) + ", " + published.get() + " published"
                            + (lastPublished == null ? "" : ", last at " + lastPublished));
                }
            }
        });
    }

    long publishedCount() {
        return published.get();
    }

    private void handleBatch(List<RecordChangeEvent<SourceRecord>> records,
            DebeziumEngine.RecordCommitter<RecordChangeEvent<SourceRecord>> committer) throws InterruptedException {
        List<Future<RecordMetadata>> sends = new ArrayList<>(records.size());
        List<Long> commitMillis = new ArrayList<>(records.size());
        for (RecordChangeEvent<SourceRecord> event : records) {
            Struct value = event.record().value() instanceof Struct struct ? struct : null;
            if (value == null || !"c".equals(value.getString("op"))) {
                sends.add(null); // a tombstone, heartbeat or non-insert: nothing to publish
                commitMillis.add(null);
                continue;
            }
            Struct after = value.getStruct("after");
            String eventType = after.getString("event_type");
            String topic = catalog.all().stream().filter(t -> t.valueType().getSimpleName().equals(eventType))
                    .findFirst().orElseThrow(() -> new IllegalStateException("Outbox row " + after.get("id")
                            + " has the unknown event type " + eventType)).name();
            byte[] key = after.getString("record_key") == null ? null
                    : catalog.runRequests().keySerde().serializer().serialize(topic, after.getString("record_key"));
            sends.add(producer.send(new ProducerRecord<>(topic, key, bytes(after.get("payload")))));
            Struct source = value.getStruct("source");
            commitMillis.add(source == null ? null : source.getInt64("ts_ms"));
        }
        for (int i = 0; i < records.size(); i++) {
            Future<RecordMetadata> send = sends.get(i);
            if (send != null) {
                try {
                    send.get(SEND_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
                } catch (ExecutionException | TimeoutException e) {
                    // the engine stops with this failure (health DOWN); the batch's offsets are not committed,
                    // so a restart publishes it again
                    throw new IllegalStateException("Publishing outbox batch failed", e);
                }
                long now = System.currentTimeMillis();
                Long committedAt = commitMillis.get(i);
                if (lag != null && committedAt != null) {
                    lag.record(Duration.ofMillis(Math.max(0, now - committedAt)));
                }
                published.incrementAndGet();
                lastPublished = Instant.ofEpochMilli(now);
            }
            committer.markProcessed(records.get(i));
        }
        committer.markBatchFinished();
    }

    private static byte[] bytes(Object value) {
        if (value instanceof byte[] array) {
            return array;
        }
        if (value instanceof ByteBuffer buffer) {
            ByteBuffer copy = buffer.duplicate();
            byte[] result = new byte[copy.remaining()];
            copy.get(result);
            return result;
        }
        throw new IllegalStateException("outbox payload is not bytes: " + (value == null ? null : value.getClass()));
    }

    private String outboxTable() {
        return settings.schema() + ".outbox";
    }

    private void ensureSlotAndPublication() {
        String slot = settings.slotName();
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(true);
            boolean publication;
            try (PreparedStatement query = connection.prepareStatement(
                    "SELECT 1 FROM pg_publication WHERE pubname = ?")) {
                query.setString(1, slot);
                try (ResultSet row = query.executeQuery()) {
                    publication = row.next();
                }
            }
            try (Statement create = connection.createStatement()) {
                // slot and schema are validated identifiers (SqlIdentifier / GatewayDatabase); inserts only: the
                // outbox rows are deleted in the transaction that inserts them, and those deletes carry nothing
                if (!publication) {
                    create.execute("CREATE PUBLICATION " + slot + " FOR TABLE " + outboxTable()
                            + " WITH (publish = 'insert')");
                } else {
                    create.execute("ALTER PUBLICATION " + slot + " SET (publish = 'insert')");
                }
            }
            boolean exists;
            try (PreparedStatement query = connection.prepareStatement(
                    "SELECT 1 FROM pg_replication_slots WHERE slot_name = ?")) {
                query.setString(1, slot);
                try (ResultSet row = query.executeQuery()) {
                    exists = row.next();
                }
            }
            if (!exists) {
                try (PreparedStatement create = connection.prepareStatement(
                        "SELECT pg_create_logical_replication_slot(?, 'pgoutput')")) {
                    create.setString(1, slot);
                    create.execute();
                }
                LOG.info("Created replication slot {} and publication for {}", slot, outboxTable());
            }
        } catch (SQLException e) {
            throw new IllegalStateException("Cannot prepare replication slot " + slot + " (wal_level must be logical"
                    + " and the user needs REPLICATION): " + e.getMessage(), e);
        }
    }

    private Properties engineProperties() {
        Properties p = new Properties();
        p.setProperty("name", "gl-outbox-" + settings.slotName());
        p.setProperty("connector.class", "io.debezium.connector.postgresql.PostgresConnector");
        p.setProperty("plugin.name", "pgoutput");
        p.setProperty("slot.name", settings.slotName());
        p.setProperty("publication.name", settings.slotName());
        p.setProperty("publication.autocreate.mode", "filtered");
        p.setProperty("table.include.list", outboxTable());
        p.setProperty("topic.prefix", "gl_outbox_" + settings.slotName());
        p.setProperty("snapshot.mode", "no_data");
        p.setProperty("database.hostname", settings.host());
        p.setProperty("database.port", Integer.toString(settings.port()));
        p.setProperty("database.user", settings.user());
        p.setProperty("database.password", settings.password());
        p.setProperty("database.dbname", settings.database());
        p.setProperty("poll.interval.ms", Long.toString(settings.pollInterval().toMillis()));
        p.setProperty("binary.handling.mode", "bytes");
        p.setProperty("slot.drop.on.stop", "false");
        p.setProperty("offset.storage", PostgresOffsetBackingStore.class.getName());
        p.setProperty(PostgresOffsetBackingStore.TABLE_CONFIG, settings.schema() + ".outbox_offsets");
        p.setProperty("offset.flush.interval.ms", "0");
        p.setProperty("key.converter.schemas.enable", "false");
        p.setProperty("value.converter.schemas.enable", "false");
        return p;
    }

    static Map<String, Object> producerProperties(Map<String, Object> kafka, String clientId) {
        Map<String, Object> props = new HashMap<>(kafka);
        props.put("acks", "all");
        props.put("enable.idempotence", true);
        props.put("linger.ms", 0);
        props.put("client.id", clientId);
        return props;
    }
}
