package io.greenlang.audit;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import io.greenlang.events.run.RunEvent;
import io.greenlang.events.run.StepEvent;
import io.greenlang.topics.Topic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Produces run and step events of a fixture's catalog at a steady pace from a thread of its own, over a fixed
 * set of keys (so many chains, each growing), and remembers where every acknowledged event was written. Events
 * alternate between the run and step topics; event {@code i} has key {@code run-(i / 2 % keys)}.
 *
 * <p>It never sends more than its limit and never hides a failed send: {@link #stop()} rethrows the first.
 */
final class SteadyLoad implements AutoCloseable {

    /** Where one acknowledged event was written, its key and its event id. */
    record Produced(String topic, int partition, long offset, String key, String eventId) {
        String chainId() {
            return AuditStore.chainIdFor(topic, key);
        }
    }

    private final Topic<String, RunEvent> runEvents;
    private final Topic<String, StepEvent> stepEvents;
    private final KafkaProducer<String, byte[]> producer;
    private final ScheduledExecutorService scheduler;
    private final int keys;
    private final int perTick;
    private final Duration tick;
    private final long limit;
    private final AtomicLong sent = new AtomicLong();
    private final AtomicLong acknowledged = new AtomicLong();
    private final Queue<Produced> produced = new ConcurrentLinkedQueue<>();
    private final AtomicReference<Exception> failure = new AtomicReference<>();

    /**
     * @param fixture the catalog's topics and the broker
     * @param keys    how many keys (chains per topic)
     * @param perTick events sent every tick
     * @param tick    the pace
     * @param limit   at most this many events in all ({@link Long#MAX_VALUE}: until {@link #stop()})
     */
    SteadyLoad(SinkFixture fixture, int keys, int perTick, Duration tick, long limit) {
        this.runEvents = fixture.catalog.runEvents();
        this.stepEvents = fixture.catalog.stepEvents();
        this.keys = keys;
        this.perTick = perTick;
        this.tick = tick;
        this.limit = limit;
        Map<String, Object> properties = fixture.infra.producerProperties();
        properties.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        this.producer = new KafkaProducer<>(properties, new StringSerializer(), new ByteArraySerializer());
        this.scheduler = Executors.newSingleThreadScheduledExecutor(r -> new Thread(r, "steady-load"));
    }

    /** Starts sending, one burst of {@code perTick} events per tick. */
    SteadyLoad start() {
        scheduler.scheduleAtFixedRate(this::burst, 0, tick.toMillis(), TimeUnit.MILLISECONDS);
        return this;
    }

    private void burst() {
        for (int i = 0; i < perTick && sent.get() < limit && failure.get() == null; i++) {
            long n = sent.getAndIncrement();
            String key = "run-" + (n / 2 % keys);
            if (n % 2 == 0) {
                RunEvent event = SinkFixture.runEvent();
                send(runEvents, key, event.getMeta().getEventId(),
                        runEvents.valueSerde().serializer().serialize(runEvents.name(), event));
            } else {
                StepEvent event = SinkFixture.stepEvent();
                send(stepEvents, key, event.getMeta().getEventId(),
                        stepEvents.valueSerde().serializer().serialize(stepEvents.name(), event));
            }
        }
    }

    private void send(Topic<String, ?> topic, String key, String eventId, byte[] value) {
        producer.send(new ProducerRecord<>(topic.name(), key, value), (metadata, error) -> {
            if (error != null) {
                failure.compareAndSet(null, error);
            } else {
                produced.add(new Produced(metadata.topic(), metadata.partition(), metadata.offset(), key, eventId));
                acknowledged.incrementAndGet();
            }
        });
    }

    /** Events the broker acknowledged so far. */
    long acknowledged() {
        return acknowledged.get();
    }

    /** Whether the limit was sent and every event acknowledged. */
    boolean finished() {
        return acknowledged.get() >= limit;
    }

    /**
     * Stops sending, waits for every event sent to be acknowledged and returns them all.
     *
     * @throws IllegalStateException if a send failed
     */
    List<Produced> stop() throws InterruptedException {
        scheduler.shutdown();
        if (!scheduler.awaitTermination(30, TimeUnit.SECONDS)) {
            throw new IllegalStateException("the load's last burst did not end in 30 s");
        }
        producer.flush();
        if (failure.get() != null) {
            throw new IllegalStateException("a send of the load failed", failure.get());
        }
        List<Produced> result = new ArrayList<>(produced);
        if (result.size() != sent.get()) {
            throw new IllegalStateException(sent.get() + " events sent but " + result.size() + " acknowledged");
        }
        return result;
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
        producer.close(Duration.ofSeconds(10));
    }
}
