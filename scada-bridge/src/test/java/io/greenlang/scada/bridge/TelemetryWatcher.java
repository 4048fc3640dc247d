package io.greenlang.scada.bridge;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

import io.greenlang.events.scada.ScadaConnectionStatus;
import io.greenlang.events.scada.TelemetryBatch;
import io.greenlang.topics.TopicCatalog;

/** Reads gl.scada.telemetry and gl.scada.status of a catalog on a background thread, in the order of the log. */
final class TelemetryWatcher implements AutoCloseable {
    private final List<TelemetryBatch> batches = new ArrayList<>();
    private final List<ScadaConnectionStatus> statuses = new ArrayList<>();
    private final List<String> keys = new ArrayList<>();
    private final Thread thread;
    private volatile boolean running = true;

    TelemetryWatcher(Map<String, Object> consumerProperties, TopicCatalog catalog) {
        KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(consumerProperties, new StringDeserializer(),
                new ByteArrayDeserializer());
        consumer.subscribe(List.of(catalog.scadaTelemetry().name(), catalog.scadaStatus().name()));
        thread = new Thread(() -> {
            try (consumer) {
                while (running) {
                    for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(100))) {
                        synchronized (this) {
                            keys.add(r.key());
                            if (r.topic().equals(catalog.scadaTelemetry().name())) {
                                batches.add(catalog.scadaTelemetry().valueSerde().deserializer()
                                        .deserialize(r.topic(), r.value()));
                            } else {
                                statuses.add(catalog.scadaStatus().valueSerde().deserializer()
                                        .deserialize(r.topic(), r.value()));
                            }
                        }
                    }
                }
            }
        }, "scada-watcher");
        thread.start();
    }

    synchronized List<TelemetryBatch> batches() {
        return List.copyOf(batches);
    }

    /** The batches without repeats (a batch whose delivery was uncertain may arrive twice), first arrival kept. */
    synchronized List<TelemetryBatch> distinctBatches() {
        Map<String, TelemetryBatch> byId = new LinkedHashMap<>();
        batches.forEach(b -> byId.putIfAbsent(b.getMeta().getEventId(), b));
        return List.copyOf(byId.values());
    }

    synchronized List<ScadaConnectionStatus> statuses() {
        return List.copyOf(statuses);
    }

    synchronized List<String> keys() {
        return List.copyOf(keys);
    }

    @Override
    public void close() {
        running = false;
        try {
            thread.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
