package io.greenlang.streams.plant;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import java.util.stream.Stream;

import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;

import io.greenlang.events.common.DeadLetter;
import io.greenlang.events.common.EventMeta;
import io.greenlang.events.common.Producer;
import io.greenlang.events.plant.PlantAlert;
import io.greenlang.events.plant.PlantState;
import io.greenlang.events.plant.TelemetryAggregate;
import io.greenlang.events.scada.ConnectionState;
import io.greenlang.events.scada.ScadaConnectionStatus;
import io.greenlang.events.scada.TagQuality;
import io.greenlang.events.scada.TagSample;
import io.greenlang.events.scada.TelemetryBatch;
import io.greenlang.streams.errors.DeadLetters;
import io.greenlang.topics.TopicCatalog;

/**
 * The plant topology in a {@link TopologyTestDriver}, with helpers that play the scada-bridge. Wall-clock time
 * only moves with {@link #advance(Duration)}; event time is whatever the samples say.
 */
final class PlantDriver implements AutoCloseable {

    static final Instant START = Instant.parse("2026-05-01T08:00:00Z");
    static final String TENANT = "tenant-a";
    static final String PLANT = "plant-1";
    static final long BAD_COMMUNICATION_ERROR = 0x80050000L;

    final TopicCatalog catalog = TopicCatalog.standard();
    final PlantMetrics metrics = new PlantMetrics();

    private final Path stateDir;
    private final TopologyTestDriver driver;
    private final TestInputTopic<String, TelemetryBatch> telemetry;
    private final TestInputTopic<byte[], byte[]> rawTelemetry;
    private final TestInputTopic<String, ScadaConnectionStatus> status;
    private final TestOutputTopic<String, PlantState> stateOut;
    private final TestOutputTopic<String, PlantAlert> alertsOut;
    private final TestOutputTopic<String, TelemetryAggregate> aggregatesOut;
    private final TestOutputTopic<byte[], DeadLetter> deadLettersOut;
    private final List<PlantState> states = new ArrayList<>();
    private final List<PlantAlert> alerts = new ArrayList<>();

    PlantDriver() {
        this(settings());
    }

    PlantDriver(PlantSettings settings) {
        try {
            stateDir = Files.createTempDirectory("plant-ttd-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "plant-test");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "localhost:1");
        props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        props.putAll(DeadLetters.streamsProperties(catalog, metrics));
        driver = new TopologyTestDriver(PlantStateTopology.build(catalog, settings, metrics), props, START);
        telemetry = driver.createInputTopic(catalog.scadaTelemetry().name(),
                catalog.scadaTelemetry().keySerde().serializer(), catalog.scadaTelemetry().valueSerde().serializer());
        rawTelemetry = driver.createInputTopic(catalog.scadaTelemetry().name(), new ByteArraySerializer(),
                new ByteArraySerializer());
        status = driver.createInputTopic(catalog.scadaStatus().name(),
                catalog.scadaStatus().keySerde().serializer(), catalog.scadaStatus().valueSerde().serializer());
        stateOut = driver.createOutputTopic(catalog.plantState().name(),
                catalog.plantState().keySerde().deserializer(), catalog.plantState().valueSerde().deserializer());
        alertsOut = driver.createOutputTopic(catalog.plantAlerts().name(),
                catalog.plantAlerts().keySerde().deserializer(), catalog.plantAlerts().valueSerde().deserializer());
        aggregatesOut = driver.createOutputTopic(catalog.plantTelemetry1m().name(),
                catalog.plantTelemetry1m().keySerde().deserializer(),
                catalog.plantTelemetry1m().valueSerde().deserializer());
        deadLettersOut = driver.createOutputTopic(catalog.deadLetters().name(),
                catalog.deadLetters().keySerde().deserializer(), catalog.deadLetters().valueSerde().deserializer());
    }

    /** Test settings: the defaults with a 10 s outage timeout (checked every second). */
    static PlantSettings settings() {
        return PlantSettings.defaults().withScadaOutageAfter(Duration.ofSeconds(10));
    }

    /** A good sample. */
    static TagSample good(String tag, double value, Instant at) {
        return sample(tag, value, 0L, "Good", at);
    }

    /** A sample with the given OPC UA status. */
    static TagSample sample(String tag, Double value, long statusCode, String statusName, Instant at) {
        return TagSample.newBuilder().setTag(tag).setValue(value)
                .setQuality(TagQuality.newBuilder().setStatusCode(statusCode).setName(statusName).build())
                .setSourceTimestamp(at).setServerTimestamp(at).build();
    }

    /** Sends one live batch of {@link #PLANT}. */
    void send(TagSample... samples) {
        send(PLANT, false, samples);
    }

    /** Sends one batch. */
    void send(String plant, boolean historical, TagSample... samples) {
        send(plant, plant, historical, samples);
    }

    /** Sends one live batch of {@code plant} under another key. */
    void sendKeyed(String key, String plant, TagSample... samples) {
        send(key, plant, false, samples);
    }

    private void send(String key, String plant, boolean historical, TagSample... samples) {
        Instant at = Stream.of(samples).map(TagSample::getSourceTimestamp).max(Comparator.naturalOrder())
                .orElse(START);
        telemetry.pipeInput(key, TelemetryBatch.newBuilder().setMeta(meta(at)).setPlantId(plant)
                .setSamples(List.of(samples)).setHistorical(historical).build(), at);
    }

    /** Sends raw bytes as a telemetry record. */
    void sendRaw(byte[] key, byte[] value) {
        rawTelemetry.pipeInput(key, value);
    }

    /** Sends the bridge's connection status of {@link #PLANT}. */
    void status(ConnectionState state) {
        status.pipeInput(PLANT, ScadaConnectionStatus.newBuilder().setMeta(meta(START)).setPlantId(PLANT)
                .setEndpoint("opc.tcp://plant-1:4840").setState(state).setSince(START).build(), START);
    }

    /** Moves wall-clock time (runs the punctuator). */
    void advance(Duration duration) {
        driver.advanceWallClockTime(duration);
    }

    /** Every state written so far. */
    List<PlantState> states() {
        states.addAll(stateOut.readValuesToList());
        return states;
    }

    /** The latest state written. */
    PlantState latestState() {
        List<PlantState> all = states();
        return all.isEmpty() ? null : all.get(all.size() - 1);
    }

    /** Every alert written so far. */
    List<PlantAlert> alerts() {
        alerts.addAll(alertsOut.readValuesToList());
        return alerts;
    }

    /** The aggregates written since the last call. */
    List<TelemetryAggregate> newAggregates() {
        return aggregatesOut.readValuesToList();
    }

    /** The dead letters written since the last call. */
    List<DeadLetter> newDeadLetters() {
        return deadLettersOut.readValuesToList();
    }

    private static EventMeta meta(Instant at) {
        return EventMeta.newBuilder().setEventId(UUID.randomUUID().toString()).setOccurredAt(at).setTenantId(TENANT)
                .setProducer(Producer.newBuilder().setService("scada-bridge").setInstance("test").build()).build();
    }

    @Override
    public void close() {
        driver.close();
        try (Stream<Path> files = Files.walk(stateDir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
