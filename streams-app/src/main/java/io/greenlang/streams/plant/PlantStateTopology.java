package io.greenlang.streams.plant;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.UUID;
import java.util.function.BiFunction;
import java.util.stream.Collectors;

import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Branched;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.EmitStrategy;
import org.apache.kafka.streams.kstream.Grouped;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.Repartitioned;
import org.apache.kafka.streams.kstream.TimeWindowedKStream;
import org.apache.kafka.streams.kstream.TimeWindows;
import org.apache.kafka.streams.processor.api.FixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;
import org.apache.kafka.streams.state.Stores;
import org.apache.kafka.streams.state.WindowStore;

import io.greenlang.events.common.EventMeta;
import io.greenlang.events.common.Producer;
import io.greenlang.events.plant.PlantAlert;
import io.greenlang.events.plant.PlantState;
import io.greenlang.events.plant.TelemetryAggregate;
import io.greenlang.events.scada.ScadaConnectionStatus;
import io.greenlang.events.scada.TagSample;
import io.greenlang.events.scada.TelemetryBatch;
import io.greenlang.streams.errors.DeadLetters;
import io.greenlang.streams.serde.StoreSerde;
import io.greenlang.topics.Topic;
import io.greenlang.topics.TopicCatalog;

/**
 * The plant topology (ARCHITECTURE §5 "Plants and agents", step 2), run with {@code exactly_once_v2}. Reads
 * {@code gl.scada.telemetry} and {@code gl.scada.status} (keyed by plant id) and writes {@code gl.plant.state},
 * {@code gl.plant.alerts} and {@code gl.plant.telemetry-1m}.
 *
 * <p><b>State.</b> {@code gl.scada.status} has fewer partitions than the telemetry, so it is first repartitioned
 * to the telemetry's partition count ({@link #STATUS_REPARTITION}); then one processor keeps a plant record per
 * plant in {@link #PLANT_STORE}: the last good value, source time and latest quality of every tag (tag names:
 * {@link PlantTags}). A sample counts only if its OPC UA status is Good (severity bits 00) and it has a value;
 * any other sample changes nothing but the tag's quality and {@code bad_quality_samples}. A sample older than the
 * tag's last value (a back-filled one) does not replace it. Derived: heat supply (sum of the heat outputs of
 * boilers not tripped), heat demand, efficiency (supply over fuel input; 0 when no fuel input is reported). A
 * {@code PlantState} is written when any of its fields changed.
 *
 * <p><b>Alerts</b>, one {@code PlantAlert} RAISED when the condition starts and one CLEARED when it ends
 * (thresholds: {@link PlantSettings}):
 * <ul>
 *   <li>HEAT_LOSS (CRITICAL): supply below the critical demand; evaluated once the plant reports its demand.</li>
 *   <li>PRESSURE_HIGH (CRITICAL): a boiler's drum pressure above its limit; the value is the highest pressure
 *       relative to its limit.</li>
 *   <li>SCADA_OUTAGE (WARNING): the last status was not CONNECTED, or no telemetry for
 *       {@link PlantSettings#scadaOutageAfter()} (wall-clock, checked every
 *       {@link PlantSettings#punctuationInterval()}); cleared by live telemetry or a CONNECTED status while data
 *       flows. While it is raised {@code scada_connected} is false.</li>
 *   <li>EFFICIENCY_LOW (WARNING): efficiency below {@link PlantSettings#minEfficiency()}; evaluated once fuel input
 *       is reported.</li>
 * </ul>
 *
 * <p><b>Aggregates.</b> Every good sample is placed at its source time in a tumbling one-minute window per plant;
 * each closed window gives one {@code TelemetryAggregate} per tag. Live samples: a window is written once, when
 * stream time passes its end plus {@link PlantSettings#aggregateGrace()}; samples later than that are dropped
 * (Kafka Streams counts them in its {@code dropped-records} metric). Back-filled ({@code historical}) batches go
 * through their own windows with their own stream time and a grace of {@link PlantSettings#historicalGrace()},
 * written (flagged historical) on every update, the latest superseding earlier ones: a backfill after an outage
 * is never dropped for being older than the live data.
 *
 * <p><b>Bad records</b> (undecodable, a tombstone, a key that is not the event's plant id) go to {@code gl.dlq}
 * through {@link DeadLetters}' handlers. Every node, store and internal topic has a constant name;
 * {@code PlantStateTopologyDescriptionTest} pins {@code describe()}.
 */
public final class PlantStateTopology {

    /** Source of {@code gl.scada.telemetry}. */
    public static final String TELEMETRY_SOURCE = "plant-telemetry-source";
    /** Source of {@code gl.scada.status}. */
    public static final String STATUS_SOURCE = "plant-status-source";
    /** Repartition of the status onto the telemetry's partition count (internal topic name stem). */
    public static final String STATUS_REPARTITION = "plant-status-by-plant";
    /** The plant-state processor. */
    public static final String PLANT_PROCESSOR = "plant-state";
    /** Plant id to its {@link PlantRecord}. */
    public static final String PLANT_STORE = "plant-state-store";
    /** One-minute windows of live samples. */
    public static final String LIVE_WINDOW_STORE = "plant-telemetry-1m-store";
    /** One-minute windows of back-filled samples. */
    public static final String HISTORICAL_WINDOW_STORE = "plant-telemetry-1m-historical-store";
    /** Sink of {@code gl.plant.state}. */
    public static final String STATE_SINK = "plant-state-sink";
    /** Sink of {@code gl.plant.alerts}. */
    public static final String ALERTS_SINK = "plant-alerts-sink";
    /** Sink of the live aggregates on {@code gl.plant.telemetry-1m}. */
    public static final String AGGREGATES_SINK = "plant-telemetry-1m-sink";
    /** Sink of the historical aggregates on {@code gl.plant.telemetry-1m}. */
    public static final String HISTORICAL_AGGREGATES_SINK = "plant-telemetry-1m-historical-sink";
    /** Window size of the aggregates. */
    public static final Duration WINDOW = Duration.ofMinutes(1);

    private static final String SERVICE = "streams-app";

    private PlantStateTopology() {
    }

    /**
     * Builds the topology.
     *
     * @param catalog  where the topics (names and serdes) come from
     * @param settings thresholds and timers
     * @param metrics  where counts go (shared by all tasks)
     * @return the topology
     */
    public static Topology build(TopicCatalog catalog, PlantSettings settings, PlantMetrics metrics) {
        Objects.requireNonNull(catalog, "catalog");
        Objects.requireNonNull(settings, "settings");
        Objects.requireNonNull(metrics, "metrics");
        StreamsBuilder builder = new StreamsBuilder();
        Topic<String, TelemetryBatch> telemetryTopic = catalog.scadaTelemetry();
        Topic<String, ScadaConnectionStatus> statusTopic = catalog.scadaStatus();

        KStream<String, TelemetryBatch> telemetry = builder.stream(telemetryTopic.name(),
                Consumed.with(telemetryTopic.keySerde(), telemetryTopic.valueSerde()).withName(TELEMETRY_SOURCE));
        KStream<String, ScadaConnectionStatus> status = builder.stream(statusTopic.name(),
                        Consumed.with(statusTopic.keySerde(), statusTopic.valueSerde()).withName(STATUS_SOURCE))
                .repartition(Repartitioned.<String, ScadaConnectionStatus>as(STATUS_REPARTITION)
                        .withKeySerde(statusTopic.keySerde()).withValueSerde(statusTopic.valueSerde())
                        .withNumberOfPartitions(telemetryTopic.partitions()));

        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(PLANT_STORE),
                Serdes.String(), new StoreSerde<>(PlantRecord.class)).withCachingEnabled());
        KStream<String, SpecificRecord> inputs = telemetry
                .<SpecificRecord>mapValues(batch -> batch, Named.as("plant-telemetry-input"))
                .merge(status.<SpecificRecord>mapValues(s -> s, Named.as("plant-status-input")),
                        Named.as("plant-inputs"));
        inputs.process(() -> new PlantStateProcessor(settings, metrics), Named.as(PLANT_PROCESSOR), PLANT_STORE)
                .split(Named.as("plant-output-"))
                .branch((plant, event) -> event instanceof PlantState, Branched.withConsumer(states -> states
                        .mapValues(event -> (PlantState) event, Named.as("plant-state-output"))
                        .to(catalog.plantState().name(), Produced.with(catalog.plantState().keySerde(),
                                catalog.plantState().valueSerde()).withName(STATE_SINK)), "state"))
                .branch((plant, event) -> event instanceof PlantAlert, Branched.withConsumer(alerts -> alerts
                        .mapValues(event -> (PlantAlert) event, Named.as("plant-alert-output"))
                        .to(catalog.plantAlerts().name(), Produced.with(catalog.plantAlerts().keySerde(),
                                catalog.plantAlerts().valueSerde()).withName(ALERTS_SINK)), "alerts"))
                .noDefaultBranch();

        aggregates(telemetry, false, settings, catalog);
        aggregates(telemetry, true, settings, catalog);
        return builder.build();
    }

    private static void aggregates(KStream<String, TelemetryBatch> telemetry, boolean historical,
                                   PlantSettings settings, TopicCatalog catalog) {
        String kind = historical ? "historical" : "live";
        Topic<String, TelemetryAggregate> out = catalog.plantTelemetry1m();
        TimeWindowedKStream<String, List<Sample>> windowed = telemetry
                .filter((plant, batch) -> batch.getHistorical() == historical, Named.as("plant-" + kind + "-batches"))
                .processValues(SampleSplitter::new, Named.as("plant-" + kind + "-samples"))
                .groupByKey(Grouped.as("plant-" + kind + "-samples-by-plant"))
                .windowedBy(TimeWindows.ofSizeAndGrace(WINDOW,
                        historical ? settings.historicalGrace() : settings.aggregateGrace()));
        if (!historical) {
            windowed = windowed.emitStrategy(EmitStrategy.onWindowClose());
        }
        BiFunction<String, Long, EventMeta> meta = (tenant, windowEnd) -> EventMeta.newBuilder()
                .setEventId(UUID.randomUUID().toString())
                .setOccurredAt(Instant.ofEpochMilli(windowEnd))
                .setTenantId(tenant == null ? DeadLetters.UNKNOWN_TENANT : tenant)
                .setProducer(Producer.newBuilder().setService(SERVICE).setInstance(settings.instance()).build())
                .build();
        Materialized<String, TagWindow, WindowStore<Bytes, byte[]>> store = Materialized
                .<String, TagWindow, WindowStore<Bytes, byte[]>>as(historical ? HISTORICAL_WINDOW_STORE : LIVE_WINDOW_STORE)
                .withKeySerde(Serdes.String())
                .withValueSerde(new StoreSerde<>(TagWindow.class));
        if (!historical) {
            // Emitting on window close scans the store from the last emitted window (the epoch at first); through
            // the record cache that scan visits every possible segment since then, one cache range per segment.
            // The store proper visits only the segments that exist, and emission needs no cache to coalesce.
            store = store.withCachingDisabled();
        }
        windowed.aggregate(TagWindow::new,
                        (plant, slice, window) -> {
                            for (Sample sample : slice) {
                                window.add(sample.tenant(), sample.tag(), sample.value(), sample.at());
                            }
                            return window;
                        },
                        Named.as("plant-" + kind + "-1m-aggregate"),
                        store)
                .toStream(Named.as("plant-" + kind + "-1m-windows"))
                .flatMap((window, stats) -> stats.aggregates(window.key(), window.window().start(),
                                window.window().end(), historical, meta).stream()
                        .map(aggregate -> KeyValue.pair(window.key(), aggregate))
                        .collect(Collectors.toList()),
                        Named.as("plant-" + kind + "-1m-per-tag"))
                .to(out.name(), Produced.with(out.keySerde(), out.valueSerde())
                        .withName(historical ? HISTORICAL_AGGREGATES_SINK : AGGREGATES_SINK));
    }

    /** One good sample on its way to a window: the tenant of its batch, tag, value and source time. */
    record Sample(String tenant, String tag, double value, long at) {
    }

    /**
     * Forwards the good samples of a batch ({@link PlantStateProcessor#isGood}) as one slice per one-minute window of
     * their source times, timestamped with the newest source time in the slice, so that each slice lands in the
     * window of when it was measured and the window aggregate reads and writes its state once per slice instead of
     * once per sample; the key (plant id) is unchanged.
     */
    private static final class SampleSplitter implements FixedKeyProcessor<String, TelemetryBatch, List<Sample>> {

        private FixedKeyProcessorContext<String, List<Sample>> context;

        @Override
        public void init(FixedKeyProcessorContext<String, List<Sample>> context) {
            this.context = context;
        }

        @Override
        public void process(FixedKeyRecord<String, TelemetryBatch> record) {
            TelemetryBatch batch = record.value();
            if (batch == null) {
                return;
            }
            String tenant = batch.getMeta().getTenantId();
            Map<Long, List<Sample>> byWindow = new TreeMap<>();
            Map<Long, Long> maxAt = new HashMap<>();
            for (TagSample sample : batch.getSamples()) {
                if (PlantStateProcessor.isGood(sample)) {
                    long at = sample.getSourceTimestamp().toEpochMilli();
                    long window = at - Math.floorMod(at, WINDOW.toMillis());
                    byWindow.computeIfAbsent(window, w -> new ArrayList<>())
                            .add(new Sample(tenant, sample.getTag(), sample.getValue(), at));
                    maxAt.merge(window, at, Math::max);
                }
            }
            byWindow.forEach((window, slice) -> context.forward(record.withValue(slice)
                    .withTimestamp(maxAt.get(window))));
        }
    }
}
