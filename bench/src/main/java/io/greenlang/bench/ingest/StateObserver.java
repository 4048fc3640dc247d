package io.greenlang.bench.ingest;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicBoolean;

import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

import io.greenlang.bench.measure.TailTimeline;
import io.greenlang.events.plant.PlantState;
import io.greenlang.events.scada.TagSample;
import io.greenlang.events.scada.TelemetryBatch;
import io.greenlang.topics.TopicCatalog;

/**
 * Watches gl.scada.telemetry and gl.plant.state ({@code read_committed}, so a state counts only once its
 * transaction committed) and measures, per reading, the <b>source-to-state latency</b>: from the reading's OPC UA
 * source timestamp to the wall-clock moment this consumer received the first PlantState of its plant whose
 * {@code updated_at} (the newest source time the state reflects) is at or after it. The plant topology applies a
 * plant's batches in order and {@code updated_at} only grows, so that state is the first that includes the reading.
 * A reading counts towards readings/s when that moment falls in the measured window.
 *
 * <p>Also measured: source to the batch being readable on gl.scada.telemetry (the OPC UA and bridge part of the
 * latency), batch sizes in samples and bytes. Runs on its own thread; the figures are read after {@link #stop()}.
 *
 * <p>It shares the cores with what it measures, so it decodes only the fields it needs ({@link Projection}): a
 * full decode of every batch and state took about a quarter of the CPU of a saturated run.
 */
final class StateObserver implements Runnable {

    /** States older than this are no longer looked up for late telemetry. */
    private static final long STATE_MEMORY_MS = 30_000;

    private final KafkaConsumer<byte[], byte[]> consumer;
    private final String telemetryTopic;
    private final Projection telemetry;
    private final Projection states;
    private final Map<String, Plant> plants = new HashMap<>();
    private final AtomicBoolean running = new AtomicBoolean(true);
    private volatile long windowStartMs = Long.MAX_VALUE;
    private volatile long windowEndMs = Long.MAX_VALUE;
    private volatile RuntimeException failure;

    /** What was seen in the measured window. */
    final Figures window = new Figures();
    /**
     * What was seen outside it, discarded: measured all the same, so that the code that runs in the window is the
     * code the JIT compiled during the warm-up (a path first taken when the window opens would run interpreted,
     * slowing this observer and adding its own delay to the first latencies of the window).
     */
    private final Figures outside = new Figures();
    long unresolvedAtStop;

    StateObserver(String bootstrapServers, TopicCatalog catalog) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5000);
        this.consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        this.telemetryTopic = catalog.scadaTelemetry().name();
        this.telemetry = new Projection(TelemetryBatch.getClassSchema(), SchemaBuilder
                .record(TelemetryBatch.getClassSchema().getFullName()).fields()
                .requiredString("plant_id")
                .name("samples").type().array().items(SchemaBuilder.record(TagSample.getClassSchema().getFullName())
                        .fields().requiredLong("source_timestamp").endRecord()).noDefault()
                .endRecord());
        this.states = new Projection(PlantState.getClassSchema(), SchemaBuilder
                .record(PlantState.getClassSchema().getFullName()).fields()
                .requiredString("plant_id")
                .requiredLong("updated_at")
                .endRecord());
        List<TopicPartition> partitions = new ArrayList<>();
        for (String topic : List.of(telemetryTopic, catalog.plantState().name())) {
            consumer.partitionsFor(topic).forEach(p -> partitions.add(new TopicPartition(topic, p.partition())));
        }
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
    }

    /** Counts what is received from {@code startMs} to {@code endMs} (wall clock). */
    void window(long startMs, long endMs) {
        windowEndMs = endMs;
        windowStartMs = startMs;
    }

    /** Stops the thread's loop; the caller joins the thread, then reads the figures. */
    void stop() {
        running.set(false);
    }

    /** The error that ended the loop, if any. */
    RuntimeException failure() {
        return failure;
    }

    @Override
    public void run() {
        try (consumer) {
            while (running.get()) {
                var records = consumer.poll(Duration.ofMillis(50));
                long now = System.currentTimeMillis();
                for (ConsumerRecord<byte[], byte[]> r : records) {
                    if (r.topic().equals(telemetryTopic)) {
                        onTelemetry(telemetry.read(r.topic(), r.value()), r.value().length, now);
                    } else {
                        onState(states.read(r.topic(), r.value()), now);
                    }
                }
                for (Plant plant : plants.values()) {
                    resolve(plant, now);
                }
            }
            for (Plant plant : plants.values()) {
                for (long[] batch : plant.pending) {
                    unresolvedAtStop += batch.length - 1;
                }
            }
        } catch (RuntimeException e) {
            failure = e;
        }
    }

    private Figures figures(long ms) {
        return ms >= windowStartMs && ms < windowEndMs ? window : outside;
    }

    private void onTelemetry(GenericRecord batch, int bytes, long now) {
        List<?> samples = (List<?>) batch.get("samples");
        if (samples.isEmpty()) {
            return;
        }
        Figures figures = figures(now);
        long[] entry = new long[samples.size() + 1];
        long max = Long.MIN_VALUE;
        for (int i = 0; i < samples.size(); i++) {
            long source = (Long) ((GenericRecord) samples.get(i)).get("source_timestamp");
            entry[i + 1] = source;
            max = Math.max(max, source);
            figures.sourceToTelemetry.record(now - source, 1);
        }
        entry[0] = max;
        figures.batches++;
        figures.batchSamples += samples.size();
        figures.batchBytes += bytes;
        plants.computeIfAbsent(batch.get("plant_id").toString(), id -> new Plant()).pending.add(entry);
    }

    private void onState(GenericRecord state, long now) {
        Plant plant = plants.computeIfAbsent(state.get("plant_id").toString(), id -> new Plant());
        long updatedAt = (Long) state.get("updated_at");
        figures(now).states++;
        if (plant.size == 0 || updatedAt > plant.updatedAt[plant.size - 1]) {
            plant.add(updatedAt, now);
        }
    }

    /** Resolves every pending batch of the plant whose newest reading is already reflected by a state seen. */
    private void resolve(Plant plant, long now) {
        while (!plant.pending.isEmpty() && plant.size > 0 && plant.pending.peek()[0] <= plant.updatedAt[plant.size - 1]) {
            long[] batch = plant.pending.poll();
            for (int i = 1; i < batch.length; i++) {
                long seenAt = plant.seenAt[plant.firstAtOrAfter(batch[i])];
                Figures figures = figures(seenAt);
                figures.readings++;
                figures.sourceToState.record(seenAt - batch[i], 1);
                figures.sourceToStateBySecond.record(seenAt - windowStartMs, seenAt - batch[i]);
            }
        }
        plant.forgetBefore(now - STATE_MEMORY_MS);
    }

    /** What was seen in one period (the window, or outside it). */
    static final class Figures {
        final LatencyHistogram sourceToState = new LatencyHistogram();
        final LatencyHistogram sourceToTelemetry = new LatencyHistogram();
        /** Per second of the window (by when the state was seen): the slowest reading, how many took over 100 ms. */
        final TailTimeline sourceToStateBySecond = new TailTimeline(100);
        /** Readings whose first reflecting state was seen in the period. */
        long readings;
        long batches;
        long batchSamples;
        long batchBytes;
        long states;
    }

    /**
     * Reads the fields of a projection of an event's schema: Avro's schema resolution skips the others (tag names,
     * values, qualities) without building them. Every record here was written by this build's bridges and
     * topology, so with the current schema; anything else is an error.
     */
    private static final class Projection {
        private static final int HEADER_LENGTH = 10;

        private final long fingerprint;
        private final GenericDatumReader<GenericRecord> reader;
        private BinaryDecoder decoder;

        Projection(Schema writer, Schema projection) {
            this.fingerprint = SchemaNormalization.parsingFingerprint64(writer);
            this.reader = new GenericDatumReader<>(writer, projection, GenericData.get());
        }

        GenericRecord read(String topic, byte[] bytes) {
            if (bytes == null || bytes.length < HEADER_LENGTH
                    || ByteBuffer.wrap(bytes, 2, 8).order(ByteOrder.LITTLE_ENDIAN).getLong() != fingerprint) {
                throw new IllegalStateException("a record of " + topic + " not written with the current schema");
            }
            decoder = DecoderFactory.get().binaryDecoder(bytes, HEADER_LENGTH, bytes.length - HEADER_LENGTH, decoder);
            try {
                return reader.read(null, decoder);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot decode a record of " + topic, e);
            }
        }
    }

    /** One plant's pending batches and the states seen, as parallel arrays ordered by {@code updated_at}. */
    private static final class Plant {
        /** Per batch: [max source ms, source ms of each sample...]. */
        final ArrayDeque<long[]> pending = new ArrayDeque<>();
        long[] updatedAt = new long[1024];
        long[] seenAt = new long[1024];
        int size;

        void add(long updated, long seen) {
            if (size == updatedAt.length) {
                updatedAt = Arrays.copyOf(updatedAt, size * 2);
                seenAt = Arrays.copyOf(seenAt, size * 2);
            }
            updatedAt[size] = updated;
            seenAt[size] = seen;
            size++;
        }

        /** Index of the first state with {@code updated_at >= source}; the caller knows the last one qualifies. */
        int firstAtOrAfter(long source) {
            int lo = 0;
            int hi = size - 1;
            while (lo < hi) {
                int mid = (lo + hi) >>> 1;
                if (updatedAt[mid] >= source) {
                    hi = mid;
                } else {
                    lo = mid + 1;
                }
            }
            return lo;
        }

        /** Drops states seen before {@code ms}, keeping the newest. */
        void forgetBefore(long ms) {
            int drop = 0;
            while (drop < size - 1 && seenAt[drop] < ms) {
                drop++;
            }
            if (drop > 0) {
                System.arraycopy(updatedAt, drop, updatedAt, 0, size - drop);
                System.arraycopy(seenAt, drop, seenAt, 0, size - drop);
                size -= drop;
            }
        }
    }
}
