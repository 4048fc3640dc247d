package io.greenlang.scada.writeback;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.eclipse.milo.opcua.sdk.client.OpcUaClient;
import org.eclipse.milo.opcua.stack.core.StatusCodes;
import org.eclipse.milo.opcua.stack.core.UaException;
import org.eclipse.milo.opcua.stack.core.security.FileBasedTrustListManager;
import org.eclipse.milo.opcua.stack.core.types.builtin.DataValue;
import org.eclipse.milo.opcua.stack.core.types.builtin.NodeId;
import org.eclipse.milo.opcua.stack.core.types.builtin.StatusCode;
import org.eclipse.milo.opcua.stack.core.types.builtin.Variant;
import org.eclipse.milo.opcua.stack.core.types.enumerated.TimestampsToReturn;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.greenlang.common.error.ErrorCode;
import io.greenlang.events.common.EventMeta;
import io.greenlang.events.common.Producer;
import io.greenlang.events.plant.DispatchPlan;
import io.greenlang.events.plant.Setpoint;
import io.greenlang.events.scada.SetpointRefusal;
import io.greenlang.events.scada.SetpointWrite;
import io.greenlang.events.scada.SetpointWriteOutcome;
import io.greenlang.scada.pki.ApplicationIdentity;
import io.greenlang.scada.pki.OpcUaClients;
import io.greenlang.scada.tagmap.TagMap;
import io.greenlang.scada.tagmap.TagSpec;
import io.greenlang.topics.TopicCatalog;

/**
 * Writes the setpoints of one plant's non-advisory dispatch plans (gl.dispatch.plans, keyed by plant id) to the
 * plant's OPC UA server, and publishes one {@link SetpointWrite} per setpoint on gl.scada.setpoint-writes, where
 * the audit sink hash-chains it.
 *
 * <p>Advisory plans (the default: see GL_DISPATCH_CLOSED_LOOP_PLANTS) are skipped. A non-advisory plan is written
 * only when the tag map enables write-back, and only whole: each setpoint must name a dispatch asset the map maps to
 * a tag ({@code dispatch_asset_id}), that tag must be writable, the value within its {@code min..max}, and the
 * change from the node's current value at most {@code max_rate_per_minute} times the minutes since this writer's
 * last write to the tag (at most one minute's worth); the plan must be younger than the maximum plan age. If any
 * setpoint is refused, none is written: the others are refused with PLAN_REFUSED. A value is never clamped into
 * its limits. With write-back disabled the writer never connects to the server.
 *
 * <p>Every setpoint of a non-advisory plan gives an event (WRITTEN, REFUSED or FAILED); the plan's offset is
 * committed only after its events are acknowledged by the broker. If they cannot be published the writer stops
 * rather than write without an audit trail; a restarted writer handles the plan again.
 */
public final class SetpointWriter implements AutoCloseable {

    /** Service name in the events' metadata. */
    public static final String SERVICE = "scada-bridge";

    private static final Logger LOG = LoggerFactory.getLogger(SetpointWriter.class);
    private static final double EPSILON = 1e-9;

    private final TagMap tagMap;
    private final TopicCatalog catalog;
    private final Builder settings;
    private final ApplicationIdentity identity;
    private final FileBasedTrustListManager trustList;
    private final KafkaConsumer<String, byte[]> consumer;
    private final KafkaProducer<String, byte[]> producer;
    private final Map<String, Instant> lastWrite = new HashMap<>();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final AtomicLong written = new AtomicLong();
    private final AtomicLong refused = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final Thread thread;
    private volatile boolean running;
    private OpcUaClient client;

    private SetpointWriter(Builder builder) {
        this.settings = builder;
        this.tagMap = builder.tagMap;
        this.catalog = builder.catalog;
        this.identity = builder.identity != null ? builder.identity
                : ApplicationIdentity.generate("urn:greenlang:scada-bridge:" + tagMap.plantId() + ":setpoint-writer",
                        "GreenLang setpoint writer " + tagMap.plantId(), "localhost");
        try {
            Path pki = builder.pkiDir != null ? builder.pkiDir : Files.createTempDirectory("gl-setpoint-writer-pki");
            this.trustList = ApplicationIdentity.trustList(pki);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the setpoint writer's trust list directory", e);
        }
        Map<String, Object> consumerProps = new HashMap<>(builder.consumerProperties);
        consumerProps.putIfAbsent(ConsumerConfig.GROUP_ID_CONFIG, "greenlang-setpoint-writer-" + tagMap.plantId());
        consumerProps.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        consumerProps.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 20);
        this.consumer = new KafkaConsumer<>(consumerProps, new StringDeserializer(), new ByteArrayDeserializer());
        Map<String, Object> producerProps = new HashMap<>(builder.producerProperties);
        producerProps.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        producerProps.put(ProducerConfig.ACKS_CONFIG, "all");
        producerProps.putIfAbsent(ProducerConfig.CLIENT_ID_CONFIG, "setpoint-writer-" + tagMap.plantId());
        this.producer = new KafkaProducer<>(producerProps, new StringSerializer(), new ByteArraySerializer());
        this.thread = new Thread(this::run, "setpoint-writer-" + tagMap.plantId());
        this.thread.setDaemon(true);
    }

    /**
     * A builder for the setpoint writer of one plant.
     *
     * @param tagMap             the plant's validated tag map (its write-back switch, writable tags and limits)
     * @param consumerProperties consumer properties (at least bootstrap.servers); auto-commit is forced off and the
     *                           group id defaults to {@code greenlang-setpoint-writer-<plant>}
     * @param producerProperties producer properties (at least bootstrap.servers); idempotence and acks=all are forced
     * @param catalog            topics (gl.dispatch.plans, gl.scada.setpoint-writes)
     */
    public static Builder builder(TagMap tagMap, Map<String, Object> consumerProperties,
                                  Map<String, Object> producerProperties, TopicCatalog catalog) {
        return new Builder(tagMap, consumerProperties, producerProperties, catalog);
    }

    /**
     * Positions the consumer on every partition of gl.dispatch.plans (at the group's committed offset, else at the
     * end: plans published before the writer first started are never written) and starts the writer thread. Plans
     * published after this returns are seen.
     */
    public SetpointWriter start() {
        String topic = catalog.dispatchPlans().name();
        List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                .map(p -> new TopicPartition(topic, p.partition())).toList();
        if (partitions.isEmpty()) {
            throw new IllegalStateException("setpoint writer of " + tagMap.plantId() + ": topic " + topic
                    + " does not exist (create the catalog's topics first: gl topics apply)");
        }
        consumer.assign(partitions);
        Map<TopicPartition, OffsetAndMetadata> committed = consumer.committed(Set.copyOf(partitions),
                Duration.ofSeconds(30));
        for (TopicPartition tp : partitions) {
            OffsetAndMetadata offset = committed.get(tp);
            if (offset != null) {
                consumer.seek(tp, offset);
            } else {
                consumer.seekToEnd(List.of(tp));
                consumer.position(tp, Duration.ofSeconds(30));
            }
        }
        LOG.info("[{}] setpoint writer: write-back {} ({} writable tags), reading {}", tagMap.plantId(),
                tagMap.writeBackEnabled() ? "ENABLED" : "disabled",
                tagMap.tags().stream().filter(TagSpec::writable).count(), topic);
        running = true;
        thread.start();
        return this;
    }

    /** The writer's application certificate: the OPC UA server must trust it for Basic256Sha256. */
    public X509Certificate certificate() {
        return identity.certificate();
    }

    /** Adds a server certificate to the writer's trust list. */
    public void trust(X509Certificate serverCertificate) {
        trustList.addTrustedCertificate(serverCertificate);
    }

    /** Setpoints written so far. */
    public long written() {
        return written.get();
    }

    /** Setpoints refused so far. */
    public long refused() {
        return refused.get();
    }

    /** Setpoints whose write failed so far. */
    public long failed() {
        return failed.get();
    }

    /** Whether the writer thread is running (false after {@link #close()} or when events could not be published). */
    public boolean isRunning() {
        return running && thread.isAlive();
    }

    private void run() {
        try {
            while (running) {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    handle(record);
                    consumer.commitSync(Map.of(new TopicPartition(record.topic(), record.partition()),
                            new OffsetAndMetadata(record.offset() + 1)));
                }
            }
        } catch (WakeupException e) {
            LOG.debug("[{}] setpoint writer: woken up to stop", tagMap.plantId());
        } catch (AuditUnavailableException e) {
            LOG.error("[{}] setpoint writer: stopping, the outcome of plan {} could not be published to {}; the plan "
                    + "is handled again on restart", tagMap.plantId(), e.planId, catalog.setpointWrites().name(),
                    e.getCause());
        } catch (RuntimeException e) {
            LOG.error("[{}] setpoint writer: stopping on an unexpected error ({})", tagMap.plantId(),
                    ErrorCode.UNEXPECTED.code(), e);
        } finally {
            running = false;
        }
    }

    private void handle(ConsumerRecord<String, byte[]> record) {
        if (!tagMap.plantId().equals(record.key()) || record.value() == null) {
            return;
        }
        DispatchPlan plan;
        try {
            plan = catalog.dispatchPlans().valueSerde().deserializer().deserialize(record.topic(), record.value());
        } catch (SerializationException e) {
            LOG.error("[{}] setpoint writer: skipping undecodable plan at {}-{}@{} ({})", tagMap.plantId(),
                    record.topic(), record.partition(), record.offset(), ErrorCode.DATA_SCHEMA.code(), e);
            return;
        }
        if (plan.getAdvisory()) {
            LOG.debug("[{}] setpoint writer: plan {} is advisory; not written", tagMap.plantId(), plan.getPlanId());
            return;
        }
        List<SetpointWrite> events = apply(plan);
        publish(plan, events);
    }

    /** Decides, reads, checks and writes one plan; returns one event per setpoint, in plan order. */
    private List<SetpointWrite> apply(DispatchPlan plan) {
        List<Attempt> attempts = new ArrayList<>();
        Instant now = settings.clock.instant();
        boolean stale = plan.getMeta().getOccurredAt().isBefore(now.minus(settings.maxPlanAge));
        for (Setpoint sp : plan.getSetpoints()) {
            Attempt a = new Attempt(sp, tagMap.setpointTag(sp.getAssetId()).orElse(null));
            if (!tagMap.writeBackEnabled()) {
                a.refuse(SetpointRefusal.WRITE_BACK_DISABLED, ErrorCode.YAML_POLICY,
                        "write-back is disabled in the tag map of " + tagMap.plantId() + " (write_back.enabled)");
            } else if (stale) {
                a.refuse(SetpointRefusal.STALE_PLAN, null, "the plan is from " + plan.getMeta().getOccurredAt()
                        + ", older than the " + settings.maxPlanAge + " accepted");
            } else if (a.tag == null) {
                a.refuse(SetpointRefusal.UNKNOWN_ASSET, null, "no tag of the tag map carries the setpoint of asset '"
                        + sp.getAssetId() + "' (dispatch_asset_id)");
            } else if (!a.tag.writable()) {
                a.refuse(SetpointRefusal.NOT_WRITABLE, ErrorCode.YAML_POLICY, "tag " + a.tag.tag()
                        + " is not marked writable in the tag map");
            } else if (a.requested() < a.tag.limits().min() || a.requested() > a.tag.limits().max()) {
                a.refuse(SetpointRefusal.OUT_OF_RANGE, ErrorCode.PARAM_RANGE, a.requested() + " is outside "
                        + a.tag.limits().min() + ".." + a.tag.limits().max());
            }
            attempts.add(a);
        }
        if (tagMap.writeBackEnabled() && !stale) {
            readAndWrite(attempts, now);
        }
        return attempts.stream().map(a -> a.event(plan)).toList();
    }

    private void readAndWrite(List<Attempt> attempts, Instant now) {
        List<Attempt> mapped = attempts.stream().filter(a -> a.tag != null).toList();
        if (mapped.isEmpty()) {
            return;
        }
        List<DataValue> current;
        try {
            current = connected().readValues(0.0, TimestampsToReturn.Neither,
                    mapped.stream().map(a -> NodeId.parse(a.tag.nodeId())).toList());
        } catch (UaException | RuntimeException e) {
            failConnection(attempts, e);
            return;
        }
        for (int i = 0; i < mapped.size(); i++) {
            Attempt a = mapped.get(i);
            DataValue value = current.get(i);
            Object raw = value.getValue() == null ? null : value.getValue().getValue();
            if (value.getStatusCode() != null && value.getStatusCode().isBad() || !(raw instanceof Number)) {
                if (a.outcome == null) {
                    a.fail(value.getStatusCode(), null, "cannot read the current value of " + a.tag.tag()
                            + ", so the rate of change cannot be checked");
                }
                continue;
            }
            a.previous = ((Number) raw).doubleValue();
            if (a.outcome == null) {
                checkRate(a, now);
            }
        }
        if (attempts.stream().anyMatch(a -> a.outcome != null)) {
            attempts.stream().filter(a -> a.outcome == null).forEach(a -> a.refuse(SetpointRefusal.PLAN_REFUSED, null,
                    "not written: another setpoint of the plan was refused or could not be checked, and a plan is "
                            + "written whole or not at all"));
            return;
        }
        List<StatusCode> results;
        try {
            results = connected().writeValues(attempts.stream().map(a -> NodeId.parse(a.tag.nodeId())).toList(),
                    attempts.stream().map(a -> DataValue.valueOnly(new Variant(a.requested()))).toList());
        } catch (UaException | RuntimeException e) {
            failConnection(attempts, e);
            return;
        }
        for (int i = 0; i < attempts.size(); i++) {
            Attempt a = attempts.get(i);
            StatusCode status = results.get(i);
            if (status.isGood()) {
                a.written(status);
                lastWrite.put(a.tag.tag(), now);
            } else {
                a.fail(status, null, "the server refused the write of " + a.tag.tag());
            }
        }
    }

    /** A change of at most {@code rate * min(1, minutes since this writer's last write to the tag)}. */
    private void checkRate(Attempt a, Instant now) {
        double rate = a.tag.limits().maxRatePerMinute();
        Instant last = lastWrite.get(a.tag.tag());
        double minutes = last == null ? 1.0 : Math.min(1.0, Math.max(0, Duration.between(last, now).toMillis()) / 60_000.0);
        double allowed = rate * minutes;
        double change = Math.abs(a.requested() - a.previous);
        if (change > allowed + EPSILON) {
            a.refuse(SetpointRefusal.RATE_EXCEEDED, ErrorCode.PARAM_RANGE, String.format(Locale.ROOT,
                    "a change of %.3f from %.3f is more than the %.3f allowed (%.3f per minute, %s)", change,
                    a.previous, allowed, rate, last == null ? "not written before" : "last written "
                            + Duration.between(last, now).toMillis() + " ms ago"));
        }
    }

    private void failConnection(List<Attempt> attempts, Exception e) {
        StatusCode status = e instanceof UaException ua ? ua.getStatusCode() : null;
        long code = status == null ? 0 : status.getValue();
        ErrorCode error = code == StatusCodes.Bad_Timeout || code == StatusCodes.Bad_RequestTimeout
                ? ErrorCode.NETWORK_TIMEOUT : ErrorCode.NETWORK_REFUSED;
        LOG.warn("[{}] setpoint writer: cannot reach {} ({})", tagMap.plantId(), tagMap.endpoint(), e.toString());
        disconnect();
        attempts.stream().filter(a -> a.outcome == null).forEach(a -> a.fail(status, error,
                "no answer from the OPC UA server at " + tagMap.endpoint() + ": " + e.getMessage()));
    }

    private OpcUaClient connected() throws UaException {
        if (client == null) {
            OpcUaClient c = OpcUaClients.create(tagMap, identity, trustList);
            try {
                c.connect();
            } catch (UaException | RuntimeException e) {
                disconnect(c);
                throw e;
            }
            client = c;
        }
        return client;
    }

    private void publish(DispatchPlan plan, List<SetpointWrite> events) {
        String topic = catalog.setpointWrites().name();
        List<Future<RecordMetadata>> sent = new ArrayList<>();
        for (SetpointWrite event : events) {
            byte[] value = catalog.setpointWrites().valueSerde().serializer().serialize(topic, event);
            sent.add(producer.send(new ProducerRecord<>(topic, tagMap.plantId(), value)));
            switch (event.getOutcome()) {
                case WRITTEN -> written.incrementAndGet();
                case REFUSED -> refused.incrementAndGet();
                case FAILED -> failed.incrementAndGet();
            }
            LOG.info("[{}] setpoint writer: plan {} asset {} -> {} {} {}", tagMap.plantId(), plan.getPlanId(),
                    event.getAssetId(), event.getRequestedValue(), event.getOutcome(),
                    event.getDetail() == null ? "" : (event.getReason() == null ? "" : event.getReason() + ": ")
                            + event.getDetail());
        }
        try {
            for (Future<RecordMetadata> f : sent) {
                f.get();
            }
        } catch (ExecutionException e) {
            throw new AuditUnavailableException(plan.getPlanId(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AuditUnavailableException(plan.getPlanId(), e);
        }
    }

    private EventMeta meta(DispatchPlan plan) {
        return EventMeta.newBuilder()
                .setEventId(UUID.randomUUID().toString())
                .setOccurredAt(settings.clock.instant())
                .setTenantId(plan.getMeta().getTenantId())
                .setProducer(Producer.newBuilder().setService(SERVICE).setInstance(settings.instance).build())
                .setTraceId(plan.getMeta().getTraceId())
                .build();
    }

    /** Stops the thread, then disconnects from the server and closes the Kafka clients. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        running = false;
        consumer.wakeup();
        if (thread.isAlive()) {
            try {
                thread.join(Duration.ofSeconds(30).toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        disconnect();
        consumer.close(Duration.ofSeconds(10));
        producer.close(Duration.ofSeconds(10));
        try {
            trustList.close();
        } catch (IOException e) {
            LOG.warn("[{}] setpoint writer: closing the trust list failed", tagMap.plantId(), e);
        }
    }

    private void disconnect() {
        OpcUaClient c = client;
        client = null;
        if (c != null) {
            disconnect(c);
        }
    }

    private void disconnect(OpcUaClient c) {
        try {
            c.disconnect();
        } catch (UaException | RuntimeException e) {
            LOG.debug("[{}] setpoint writer: disconnect failed", tagMap.plantId(), e);
        }
    }

    private static String statusName(StatusCode status) {
        long code = status.getValue() & 0xFFFFFFFFL;
        return status.isGood() && (code & 0xFFFF0000L) == 0 ? "Good"
                : StatusCodes.lookup(code & 0xFFFF0000L).map(n -> n[0]).orElse("0x" + Long.toHexString(code));
    }

    /** What happens to one setpoint; an outcome of null means "not decided yet". */
    private final class Attempt {
        final Setpoint setpoint;
        final TagSpec tag;
        Double previous;
        SetpointWriteOutcome outcome;
        SetpointRefusal reason;
        ErrorCode error;
        String detail;
        StatusCode status;

        Attempt(Setpoint setpoint, TagSpec tag) {
            this.setpoint = setpoint;
            this.tag = tag;
        }

        double requested() {
            return setpoint.getLoadMw();
        }

        void refuse(SetpointRefusal why, ErrorCode code, String text) {
            outcome = SetpointWriteOutcome.REFUSED;
            reason = why;
            error = code;
            detail = text;
        }

        void fail(StatusCode statusCode, ErrorCode code, String text) {
            outcome = SetpointWriteOutcome.FAILED;
            reason = null;
            error = code;
            detail = text;
            status = statusCode;
        }

        void written(StatusCode statusCode) {
            outcome = SetpointWriteOutcome.WRITTEN;
            status = statusCode;
        }

        SetpointWrite event(DispatchPlan plan) {
            TagSpec.WriteLimits limits = tag == null ? null : tag.limits();
            return SetpointWrite.newBuilder()
                    .setMeta(meta(plan))
                    .setPlantId(tagMap.plantId())
                    .setPlanId(plan.getPlanId())
                    .setAssetId(setpoint.getAssetId())
                    .setTag(tag == null ? null : tag.tag())
                    .setNodeId(tag == null ? null : tag.nodeId())
                    .setRequestedValue(requested())
                    .setPreviousValue(previous)
                    .setMinValue(limits == null ? null : limits.min())
                    .setMaxValue(limits == null ? null : limits.max())
                    .setMaxRatePerMinute(limits == null ? null : limits.maxRatePerMinute())
                    .setOutcome(outcome)
                    .setReason(reason)
                    .setErrorCode(error == null ? null : error.code())
                    .setDetail(detail)
                    .setStatusCode(status == null ? null : status.getValue() & 0xFFFFFFFFL)
                    .setStatusName(status == null ? null : statusName(status))
                    .build();
        }
    }

    /** The events of a plan could not be published. */
    private static final class AuditUnavailableException extends RuntimeException {
        private static final long serialVersionUID = 1L;
        private final String planId;

        AuditUnavailableException(String planId, Throwable cause) {
            super("cannot publish the setpoint writes of plan " + planId, cause);
            this.planId = planId;
        }
    }

    /** Settings of a {@link SetpointWriter}. */
    public static final class Builder {
        private final TagMap tagMap;
        private final Map<String, Object> consumerProperties;
        private final Map<String, Object> producerProperties;
        private final TopicCatalog catalog;
        private ApplicationIdentity identity;
        private Path pkiDir;
        private String instance = SERVICE + "-" + ProcessHandle.current().pid();
        private Clock clock = Clock.systemUTC();
        private Duration maxPlanAge = Duration.ofMinutes(5);

        private Builder(TagMap tagMap, Map<String, Object> consumerProperties, Map<String, Object> producerProperties,
                        TopicCatalog catalog) {
            this.tagMap = tagMap;
            this.consumerProperties = Map.copyOf(consumerProperties);
            this.producerProperties = Map.copyOf(producerProperties);
            this.catalog = catalog;
        }

        /** The application identity (default: a certificate generated at start-up). */
        public Builder identity(ApplicationIdentity id) {
            this.identity = id;
            return this;
        }

        /** Trust list directory: server certificates in {@code trusted/certs} are accepted (default: a temp dir). */
        public Builder pkiDir(Path dir) {
            this.pkiDir = dir;
            return this;
        }

        /** Producer instance name in the events (default scada-bridge-&lt;pid&gt;). */
        public Builder instance(String name) {
            this.instance = name;
            return this;
        }

        /** Clock of the rate limit, the plan age and the events' time (default: the system clock, UTC). */
        public Builder clock(Clock c) {
            this.clock = c;
            return this;
        }

        /** Plans older than this (by their {@code meta.occurred_at}) are refused as STALE_PLAN (default 5 minutes). */
        public Builder maxPlanAge(Duration age) {
            this.maxPlanAge = age;
            return this;
        }

        /** A writer with these settings; {@link SetpointWriter#start()} starts it. */
        public SetpointWriter build() {
            return new SetpointWriter(this);
        }
    }
}
