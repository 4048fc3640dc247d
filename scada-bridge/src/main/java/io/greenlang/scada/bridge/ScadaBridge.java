package io.greenlang.scada.bridge;

import static org.eclipse.milo.opcua.stack.core.types.builtin.unsigned.Unsigned.uint;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.eclipse.milo.opcua.sdk.client.OpcUaClient;
import org.eclipse.milo.opcua.sdk.client.SessionActivityListener;
import org.eclipse.milo.opcua.sdk.client.UaSession;
import org.eclipse.milo.opcua.sdk.client.subscriptions.OpcUaMonitoredItem;
import org.eclipse.milo.opcua.sdk.client.subscriptions.OpcUaSubscription;
import org.eclipse.milo.opcua.stack.core.UaException;
import org.eclipse.milo.opcua.stack.core.security.DefaultClientCertificateValidator;
import org.eclipse.milo.opcua.stack.core.security.FileBasedTrustListManager;
import org.eclipse.milo.opcua.stack.core.security.MemoryCertificateQuarantine;
import org.eclipse.milo.opcua.stack.core.security.SecurityPolicy;
import org.eclipse.milo.opcua.stack.core.types.builtin.DataValue;
import org.eclipse.milo.opcua.stack.core.types.builtin.LocalizedText;
import org.eclipse.milo.opcua.stack.core.types.builtin.NodeId;
import org.eclipse.milo.opcua.stack.core.types.builtin.StatusCode;
import org.eclipse.milo.opcua.stack.core.types.enumerated.DataChangeTrigger;
import org.eclipse.milo.opcua.stack.core.types.enumerated.DeadbandType;
import org.eclipse.milo.opcua.stack.core.types.enumerated.MessageSecurityMode;
import org.eclipse.milo.opcua.stack.core.types.structured.DataChangeFilter;
import org.eclipse.milo.opcua.stack.core.types.structured.EndpointDescription;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.greenlang.events.common.EventMeta;
import io.greenlang.events.common.Producer;
import io.greenlang.events.scada.ConnectionState;
import io.greenlang.events.scada.ScadaConnectionStatus;
import io.greenlang.events.scada.TagSample;
import io.greenlang.events.scada.TelemetryBatch;
import io.greenlang.scada.pki.ApplicationIdentity;
import io.greenlang.scada.tagmap.TagMap;
import io.greenlang.scada.tagmap.TagSpec;
import io.greenlang.topics.TopicCatalog;

/**
 * The bridge of one plant: a Milo OPC UA client connected with the tag map's security, one subscription over the
 * map's tags (the map's sampling and publishing intervals, queue size and absolute deadband), and an idempotent
 * Kafka producer (acks=all). Each publishing cycle's notifications become one {@link TelemetryBatch} on
 * gl.scada.telemetry keyed by plant id (the batch's {@code meta.occurred_at} is the ingest time); every change
 * of the connection becomes a {@link ScadaConnectionStatus} on gl.scada.status.
 *
 * <p>Connection handling: the first connection is retried with exponential backoff (DISCONNECTED until it
 * succeeds); a lost session is RECONNECTING while Milo re-establishes it; when the server no longer knows the
 * subscription (transfer failed, e.g. after a server restart) it is created anew; the first batch after an
 * outage is an empty gap marker ({@code gap = true}) so consumers know the interval without data is incomplete.
 * Not covered here: spooling to disk while Kafka is unreachable (records wait in the producer's buffer only).
 */
public final class ScadaBridge implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ScadaBridge.class);
    private static final String SERVICE = "scada-bridge";

    private final TagMap tagMap;
    private final TopicCatalog catalog;
    private final Builder settings;
    private final ApplicationIdentity identity;
    private final FileBasedTrustListManager trustList;
    private final KafkaProducer<String, byte[]> producer;
    private final ScheduledExecutorService executor;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final AtomicBoolean gapPending = new AtomicBoolean();
    private final AtomicLong batches = new AtomicLong();
    private final AtomicLong samples = new AtomicLong();
    private final AtomicLong reconnects = new AtomicLong();
    private final AtomicLong produceErrors = new AtomicLong();
    private volatile ConnectionState state;
    private volatile OpcUaClient client;
    private volatile OpcUaSubscription subscription;
    private int attempt;

    private ScadaBridge(Builder builder) {
        this.settings = builder;
        this.tagMap = builder.tagMap;
        this.catalog = builder.catalog;
        this.identity = builder.identity != null ? builder.identity
                : ApplicationIdentity.generate("urn:greenlang:scada-bridge:" + tagMap.plantId(),
                        "GreenLang scada-bridge " + tagMap.plantId(), "localhost");
        try {
            Path pki = builder.pkiDir != null ? builder.pkiDir : Files.createTempDirectory("gl-scada-bridge-pki");
            this.trustList = ApplicationIdentity.trustList(pki);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the bridge's trust list directory", e);
        }
        Map<String, Object> props = new HashMap<>(builder.kafkaProperties);
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.putIfAbsent(ProducerConfig.LINGER_MS_CONFIG, 5);
        props.putIfAbsent(ProducerConfig.CLIENT_ID_CONFIG, SERVICE + "-" + tagMap.plantId());
        this.producer = new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer());
        this.executor = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "scada-bridge-" + tagMap.plantId());
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * A builder for the bridge of one plant.
     *
     * @param tagMap          the plant's validated tag map
     * @param kafkaProperties producer properties (at least bootstrap.servers); idempotence and acks=all are forced
     * @param catalog         the topic catalog (names and serdes of gl.scada.telemetry and gl.scada.status)
     */
    public static Builder builder(TagMap tagMap, Map<String, Object> kafkaProperties, TopicCatalog catalog) {
        return new Builder(tagMap, kafkaProperties, catalog);
    }

    /** Starts connecting in the background; returns at once. */
    public ScadaBridge start() {
        LOG.info("[{}] scada-bridge: connecting to {} ({} / {}), {} tags", tagMap.plantId(), tagMap.endpoint(),
                tagMap.securityPolicy().yamlName(), tagMap.securityMode().yamlName(), tagMap.tags().size());
        executor.execute(this::connect);
        return this;
    }

    /** The bridge's application certificate: the OPC UA server must trust it for Basic256Sha256. */
    public X509Certificate certificate() {
        return identity.certificate();
    }

    /** Adds a server certificate to the bridge's trust list (written to its trust list directory). */
    public void trust(X509Certificate serverCertificate) {
        trustList.addTrustedCertificate(serverCertificate);
    }

    /** The current connection state; null before the first attempt finished. */
    public ConnectionState state() {
        return state;
    }

    /** Telemetry batches handed to the producer so far (gap markers included). */
    public long batchesSent() {
        return batches.get();
    }

    /** Samples handed to the producer so far. */
    public long samplesSent() {
        return samples.get();
    }

    /** Times the session was lost and re-established. */
    public long reconnects() {
        return reconnects.get();
    }

    /** Records the producer failed to write. */
    public long produceErrors() {
        return produceErrors.get();
    }

    private void connect() {
        if (closed.get()) {
            return;
        }
        OpcUaClient newClient = null;
        try {
            newClient = newClient();
            newClient.addSessionActivityListener(new SessionListener());
            newClient.connect();
            client = newClient;
            subscribe(newClient);
            attempt = 0;
        } catch (UaException | RuntimeException e) {
            if (newClient != null) {
                disconnectQuietly(newClient);
            }
            client = null;
            String detail = e instanceof UaException ua ? ua.getStatusCode().toString() + " " + ua.getMessage()
                    : e.toString();
            publishStatus(ConnectionState.DISCONNECTED, detail);
            long delay = Math.min(settings.maxBackoff.toMillis(), settings.minBackoff.toMillis() << Math.min(attempt, 16));
            attempt++;
            LOG.warn("[{}] scada-bridge: cannot connect to {} ({}); retrying in {} ms", tagMap.plantId(),
                    tagMap.endpoint(), detail, delay);
            if (!closed.get()) {
                executor.schedule(this::connect, delay, TimeUnit.MILLISECONDS);
            }
        }
    }

    private OpcUaClient newClient() throws UaException {
        SecurityPolicy policy = tagMap.securityPolicy() == TagMap.SecurityPolicy.NONE ? SecurityPolicy.None
                : SecurityPolicy.Basic256Sha256;
        MessageSecurityMode mode = switch (tagMap.securityMode()) {
            case NONE -> MessageSecurityMode.None;
            case SIGN -> MessageSecurityMode.Sign;
            case SIGN_AND_ENCRYPT -> MessageSecurityMode.SignAndEncrypt;
        };
        return OpcUaClient.create(tagMap.endpoint(),
                endpoints -> selectEndpoint(endpoints, policy, mode),
                transport -> { },
                config -> config
                        .setApplicationName(LocalizedText.english("GreenLang scada-bridge"))
                        .setApplicationUri(identity.applicationUri())
                        .setProductUri("urn:greenlang:scada-bridge")
                        .setKeyPair(identity.keyPair())
                        .setCertificate(identity.certificate())
                        .setCertificateChain(new X509Certificate[] {identity.certificate()})
                        .setCertificateValidator(new DefaultClientCertificateValidator(trustList,
                                new MemoryCertificateQuarantine()))
                        .setRequestTimeout(uint(5_000))
                        .setKeepAliveInterval(uint(1_000)));
    }

    /** The server endpoint with exactly the policy and mode of the tag map; never a weaker one. */
    private Optional<EndpointDescription> selectEndpoint(List<EndpointDescription> endpoints, SecurityPolicy policy,
                                                         MessageSecurityMode mode) {
        return endpoints.stream()
                .filter(e -> policy.getUri().equals(e.getSecurityPolicyUri()) && e.getSecurityMode() == mode)
                .findFirst();
    }

    private void subscribe(OpcUaClient c) throws UaException {
        OpcUaSubscription s = new OpcUaSubscription(c, tagMap.publishingIntervalMs());
        s.setSubscriptionListener(new Listener());
        s.create();
        List<OpcUaMonitoredItem> items = new ArrayList<>();
        for (TagSpec tag : tagMap.tags()) {
            OpcUaMonitoredItem item = OpcUaMonitoredItem.newDataItem(NodeId.parse(tag.nodeId()));
            item.setSamplingInterval(tag.samplingIntervalMs());
            item.setQueueSize(uint(tagMap.queueSize()));
            item.setDiscardOldest(true);
            item.setFilter(new DataChangeFilter(DataChangeTrigger.StatusValue, uint(DeadbandType.Absolute.getValue()),
                    tag.deadband()));
            item.setUserObject(tag);
            items.add(item);
        }
        s.addMonitoredItems(items);
        try {
            s.synchronizeMonitoredItems();
        } catch (RuntimeException | UaException e) {
            LOG.warn("[{}] scada-bridge: some monitored items were refused: {}", tagMap.plantId(), e.getMessage());
        }
        items.stream().filter(i -> i.getCreateResult().map(StatusCode::isBad).orElse(false)).forEach(i ->
                LOG.warn("[{}] scada-bridge: tag {} refused: {}", tagMap.plantId(),
                        ((TagSpec) i.getUserObject().orElseThrow()).tag(), i.getCreateResult().orElseThrow()));
        subscription = s;
        LOG.info("[{}] scada-bridge: subscribed to {} tags, publishing every {} ms", tagMap.plantId(), items.size(),
                s.getRevisedPublishingInterval().orElse(tagMap.publishingIntervalMs()));
    }

    private void resubscribe() {
        OpcUaClient c = client;
        if (c == null || closed.get()) {
            return;
        }
        try {
            subscribe(c);
        } catch (UaException | RuntimeException e) {
            LOG.warn("[{}] scada-bridge: recreating the subscription failed ({}); retrying", tagMap.plantId(),
                    e.toString());
            executor.schedule(this::resubscribe, settings.minBackoff.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    private void publishBatch(List<TagSample> batchSamples, boolean gap) {
        TelemetryBatch batch = TelemetryBatch.newBuilder()
                .setMeta(meta())
                .setPlantId(tagMap.plantId())
                .setSamples(batchSamples)
                .setHistorical(false)
                .setGap(gap)
                .build();
        String topic = catalog.scadaTelemetry().name();
        byte[] value = catalog.scadaTelemetry().valueSerde().serializer().serialize(topic, batch);
        send(topic, value);
        batches.incrementAndGet();
        samples.addAndGet(batchSamples.size());
    }

    private synchronized void publishStatus(ConnectionState newState, String detail) {
        if (newState == state) {
            return;
        }
        state = newState;
        ScadaConnectionStatus status = ScadaConnectionStatus.newBuilder()
                .setMeta(meta())
                .setPlantId(tagMap.plantId())
                .setEndpoint(tagMap.endpoint())
                .setState(newState)
                .setSince(Instant.now())
                .setDetail(newState == ConnectionState.CONNECTED ? null : detail)
                .build();
        String topic = catalog.scadaStatus().name();
        send(topic, catalog.scadaStatus().valueSerde().serializer().serialize(topic, status));
        LOG.info("[{}] scada-bridge: {} {}", tagMap.plantId(), newState, detail == null ? "" : detail);
    }

    private void send(String topic, byte[] value) {
        if (closed.get()) {
            return;
        }
        producer.send(new ProducerRecord<>(topic, tagMap.plantId(), value), (metadata, error) -> {
            if (error != null) {
                produceErrors.incrementAndGet();
                LOG.error("[{}] scada-bridge: writing to {} failed", tagMap.plantId(), topic, error);
            }
        });
    }

    private EventMeta meta() {
        return EventMeta.newBuilder()
                .setEventId(UUID.randomUUID().toString())
                .setOccurredAt(Instant.now())
                .setTenantId(settings.tenantId)
                .setProducer(Producer.newBuilder().setService(SERVICE).setInstance(settings.instance).build())
                .setTraceId(null)
                .build();
    }

    /** Disconnects from the server, flushes and closes the producer. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        executor.shutdownNow();
        OpcUaClient c = client;
        if (c != null) {
            disconnectQuietly(c);
        }
        producer.close(Duration.ofSeconds(10));
        try {
            trustList.close();
        } catch (IOException e) {
            LOG.warn("[{}] scada-bridge: closing the trust list failed", tagMap.plantId(), e);
        }
    }

    private void disconnectQuietly(OpcUaClient c) {
        try {
            c.disconnect();
        } catch (UaException | RuntimeException e) {
            LOG.debug("[{}] scada-bridge: disconnect failed", tagMap.plantId(), e);
        }
    }

    /** Publishing cycles to batches. */
    private final class Listener implements OpcUaSubscription.SubscriptionListener {
        @Override
        public void onDataReceived(OpcUaSubscription s, List<OpcUaMonitoredItem> items, List<DataValue> values) {
            Instant received = Instant.now();
            List<TagSample> out = new ArrayList<>(items.size());
            for (int i = 0; i < items.size(); i++) {
                Optional<Object> tag = items.get(i).getUserObject();
                if (tag.isPresent()) {
                    out.add(Samples.of(((TagSpec) tag.get()).tag(), values.get(i), received));
                }
            }
            if (gapPending.compareAndSet(true, false)) {
                publishBatch(List.of(), true);
            }
            publishBatch(out, false);
        }

        @Override
        public void onTransferFailed(OpcUaSubscription s, StatusCode status) {
            LOG.info("[{}] scada-bridge: subscription not transferred ({}); creating it anew", tagMap.plantId(),
                    status);
            executor.execute(ScadaBridge.this::resubscribe);
        }
    }

    /** Session changes to connection status. */
    private final class SessionListener implements SessionActivityListener {
        private final AtomicBoolean everActive = new AtomicBoolean();

        @Override
        public void onSessionActive(UaSession session) {
            if (!everActive.compareAndSet(false, true)) {
                reconnects.incrementAndGet();
            }
            publishStatus(ConnectionState.CONNECTED, null);
        }

        @Override
        public void onSessionInactive(UaSession session) {
            if (closed.get()) {
                return;
            }
            gapPending.set(true);
            publishStatus(ConnectionState.RECONNECTING, "session lost");
        }
    }

    /** Settings of a {@link ScadaBridge}. */
    public static final class Builder {
        private final TagMap tagMap;
        private final Map<String, Object> kafkaProperties;
        private final TopicCatalog catalog;
        private ApplicationIdentity identity;
        private Path pkiDir;
        private String tenantId = "default";
        private String instance = SERVICE + "-" + ProcessHandle.current().pid();
        private Duration minBackoff = Duration.ofMillis(500);
        private Duration maxBackoff = Duration.ofSeconds(30);

        private Builder(TagMap tagMap, Map<String, Object> kafkaProperties, TopicCatalog catalog) {
            this.tagMap = tagMap;
            this.kafkaProperties = Map.copyOf(kafkaProperties);
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

        /** Tenant of the events (default {@code default}). */
        public Builder tenantId(String tenant) {
            this.tenantId = tenant;
            return this;
        }

        /** Producer instance name in the events (default scada-bridge-&lt;pid&gt;). */
        public Builder instance(String name) {
            this.instance = name;
            return this;
        }

        /** Backoff of the connection retries: doubling from {@code min} up to {@code max}. */
        public Builder reconnectBackoff(Duration min, Duration max) {
            this.minBackoff = min;
            this.maxBackoff = max;
            return this;
        }

        /** A bridge with these settings; {@link ScadaBridge#start()} starts it. */
        public ScadaBridge build() {
            return new ScadaBridge(this);
        }
    }
}
