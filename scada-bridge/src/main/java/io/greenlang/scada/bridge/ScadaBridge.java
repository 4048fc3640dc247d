package io.greenlang.scada.bridge;

import static org.eclipse.milo.opcua.stack.core.types.builtin.unsigned.Unsigned.uint;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
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
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.eclipse.milo.opcua.sdk.client.OpcUaClient;
import org.eclipse.milo.opcua.sdk.client.SessionActivityListener;
import org.eclipse.milo.opcua.sdk.client.UaSession;
import org.eclipse.milo.opcua.sdk.client.subscriptions.OpcUaMonitoredItem;
import org.eclipse.milo.opcua.sdk.client.subscriptions.OpcUaSubscription;
import org.eclipse.milo.opcua.stack.core.UaException;
import org.eclipse.milo.opcua.stack.core.security.FileBasedTrustListManager;
import org.eclipse.milo.opcua.stack.core.types.builtin.DataValue;
import org.eclipse.milo.opcua.stack.core.types.builtin.NodeId;
import org.eclipse.milo.opcua.stack.core.types.builtin.StatusCode;
import org.eclipse.milo.opcua.stack.core.types.enumerated.DataChangeTrigger;
import org.eclipse.milo.opcua.stack.core.types.enumerated.DeadbandType;
import org.eclipse.milo.opcua.stack.core.types.structured.DataChangeFilter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.greenlang.common.config.GlConfig;
import io.greenlang.common.metrics.GlMeters;
import io.greenlang.common.metrics.GlMetrics;
import io.greenlang.events.common.EventMeta;
import io.greenlang.events.common.Producer;
import io.greenlang.events.scada.ConnectionState;
import io.greenlang.events.scada.ScadaConnectionStatus;
import io.greenlang.events.scada.TagSample;
import io.greenlang.events.scada.TelemetryBatch;
import io.greenlang.scada.pki.ApplicationIdentity;
import io.greenlang.scada.pki.OpcUaClients;
import io.greenlang.scada.spool.Spool;
import io.greenlang.scada.tagmap.TagMap;
import io.greenlang.scada.tagmap.TagSpec;
import io.greenlang.topics.TopicCatalog;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

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
 *
 * <p>Store and forward: while Kafka does not take telemetry, batches go to a bounded disk spool (one directory
 * per plant, {@link Builder#spool(Path, long)}; {@code GL_SCADA_SPOOL_DIR}, {@code GL_SCADA_SPOOL_MAX_BYTES}) and
 * are sent in order, flagged {@code historical = true}, once it does; once any send fails everything goes through
 * the spool until it is drained, so the order per plant holds across live, spooled and failed batches (a batch
 * whose outcome was unknown may arrive twice, with the same {@code meta.event_id}). Batches that do not fit into
 * the full spool are counted, logged and reported on gl.scada.telemetry as a loss report ({@code gap = true},
 * {@code lost_batches}, {@code lost_samples}) where they went missing. The spool survives a restart: what is left
 * in it is sent before anything read after the start. Connection status is not spooled: while Kafka is away only
 * the latest is kept and sent once it is back. See docs/scada-bridge.md.
 *
 * <p>Metrics ({@link Builder#meters(GlMeters)}): readings, batch size, reconnects, spooled batches and bytes,
 * spool losses, all labelled with the plant id.
 */
public final class ScadaBridge implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ScadaBridge.class);
    private static final String SERVICE = "scada-bridge";

    private final TagMap tagMap;
    private final TopicCatalog catalog;
    private final Builder settings;
    private final ApplicationIdentity identity;
    private final FileBasedTrustListManager trustList;
    private final TelemetryForwarder forwarder;
    private final ScheduledExecutorService executor;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final AtomicBoolean gapPending = new AtomicBoolean();
    private final AtomicLong reconnects = new AtomicLong();
    private final Counter readingsMeter;
    private final DistributionSummary batchSizeMeter;
    private final Counter reconnectsMeter;
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
        // how long before an unreachable Kafka sends telemetry to the spool (the client defaults: 60 s and 2 min)
        props.putIfAbsent(ProducerConfig.MAX_BLOCK_MS_CONFIG, 10_000);
        props.putIfAbsent(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
        props.putIfAbsent(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 30_000);
        GlMeters meters = builder.meters != null ? builder.meters : new GlMeters(new SimpleMeterRegistry());
        String plant = tagMap.plantId();
        this.readingsMeter = meters.counter(GlMetrics.SCADA_READINGS, plant);
        this.batchSizeMeter = meters.distribution(GlMetrics.SCADA_BATCH_SIZE, plant);
        this.reconnectsMeter = meters.counter(GlMetrics.SCADA_RECONNECTS, plant);
        this.executor = daemonThread("scada-bridge-" + plant);
        Spool spool;
        try {
            Path base = builder.spoolDir != null ? builder.spoolDir : Files.createTempDirectory("gl-scada-spool");
            spool = Spool.open(base.resolve(directoryName(plant)), builder.spoolMaxBytes);
        } catch (IOException e) {
            executor.shutdownNow();
            throw new UncheckedIOException("cannot open the spool of plant " + plant, e);
        }
        this.forwarder = new TelemetryForwarder(plant, catalog.scadaTelemetry(), catalog.scadaStatus(),
                () -> new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer()), this::meta, spool,
                builder.spoolRetry, Duration.ofSeconds(10), daemonThread("scada-forwarder-" + plant), meters);
    }

    private static ScheduledExecutorService daemonThread(String name) {
        return Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        });
    }

    /** The plant id as one file name: percent-encoded, so distinct plants never share a spool. */
    private static String directoryName(String plantId) {
        String name = URLEncoder.encode(plantId, StandardCharsets.UTF_8);
        return name.equals(".") || name.equals("..") ? name.replace(".", "%2E") : name;
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
        forwarder.start();
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

    /** Telemetry batches Kafka acknowledged so far, live or from the spool (gap markers and loss reports included). */
    public long batchesSent() {
        return forwarder.batchesDelivered();
    }

    /** Samples in the telemetry batches Kafka acknowledged so far. */
    public long samplesSent() {
        return forwarder.samplesDelivered();
    }

    /** Telemetry batches waiting in the disk spool for Kafka. */
    public long spooledBatches() {
        return forwarder.spooledBatches();
    }

    /** Bytes of the batches waiting in the disk spool. */
    public long spooledBytes() {
        return forwarder.spooledBytes();
    }

    /** Telemetry batches lost since the start (spool full, corrupt, unwritable, or refused by Kafka); each reported. */
    public long batchesLost() {
        return forwarder.batchesLost();
    }

    /** Samples in the lost batches, where known (a corrupt spool record's are not). */
    public long samplesLost() {
        return forwarder.samplesLost();
    }

    /** Times the session was lost and re-established. */
    public long reconnects() {
        return reconnects.get();
    }

    /** Sends the producer reported as failed; the telemetry among them went to the spool. */
    public long produceErrors() {
        return forwarder.produceErrors();
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
        return OpcUaClients.create(tagMap, identity, trustList);
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
        if (closed.get()) {
            return;
        }
        TelemetryBatch batch = TelemetryBatch.newBuilder()
                .setMeta(meta())
                .setPlantId(tagMap.plantId())
                .setSamples(batchSamples)
                .setHistorical(false)
                .setGap(gap)
                .build();
        if (!gap) {
            readingsMeter.increment(batchSamples.size());
            batchSizeMeter.record(batchSamples.size());
        }
        forwarder.submit(batch);
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
        if (!closed.get()) {
            forwarder.status(status);
        }
        LOG.info("[{}] scada-bridge: {} {}", tagMap.plantId(), newState, detail == null ? "" : detail);
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

    /**
     * Disconnects from the server, then waits (up to 10 s) for Kafka to acknowledge what was sent, spools what it
     * did not take, and closes the producer and the spool.
     */
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
        forwarder.close();
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
                reconnectsMeter.increment();
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
        private Path spoolDir;
        private long spoolMaxBytes = (Long) GlConfig.configDef().defaultValues().get(GlConfig.SCADA_SPOOL_MAX_BYTES);
        private Duration spoolRetry = Duration.ofSeconds(2);
        private GlMeters meters;

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

        /**
         * The disk spool: the plant's batches wait in {@code directory/<plant id>} while Kafka does not take them,
         * in at most {@code maxBytes} (default: a new temporary directory, which does not survive a restart, and
         * the default of {@code GL_SCADA_SPOOL_MAX_BYTES}).
         */
        public Builder spool(Path directory, long maxBytes) {
            this.spoolDir = directory;
            this.spoolMaxBytes = maxBytes;
            return this;
        }

        /** The spool of {@link GlConfig#scadaSpoolDir()} and {@link GlConfig#scadaSpoolMaxBytes()}. */
        public Builder spool(GlConfig config) {
            return spool(config.scadaSpoolDir(), config.scadaSpoolMaxBytes());
        }

        /** How long to wait before trying Kafka again while batches wait in the spool (default 2 s). */
        public Builder spoolRetry(Duration interval) {
            this.spoolRetry = interval;
            return this;
        }

        /** Where the bridge's metrics go (default: a registry nobody reads). */
        public Builder meters(GlMeters registry) {
            this.meters = registry;
            return this;
        }

        /** A bridge with these settings; {@link ScadaBridge#start()} starts it. */
        public ScadaBridge build() {
            return new ScadaBridge(this);
        }
    }
}
