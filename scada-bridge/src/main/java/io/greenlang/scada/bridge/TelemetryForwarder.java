package io.greenlang.scada.bridge;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.errors.RecordBatchTooLargeException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.SerializationException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.greenlang.common.metrics.GlMeters;
import io.greenlang.common.metrics.GlMetrics;
import io.greenlang.events.common.EventMeta;
import io.greenlang.events.scada.ScadaConnectionStatus;
import io.greenlang.events.scada.TelemetryBatch;
import io.greenlang.scada.spool.Spool;
import io.greenlang.topics.Topic;

/**
 * Delivers one plant's telemetry batches to gl.scada.telemetry in the order they were read, at least once, and its
 * connection status to gl.scada.status, through a bounded disk {@link Spool} while Kafka does not take them.
 *
 * <p>One rule keeps the order: <em>once any send fails, everything goes through the spool until it is drained.</em>
 * In LIVE mode batches go straight to the producer and are remembered until acknowledged. The first failure
 * closes that producer at once (so nothing queued behind the failed batch can still be written after it), moves
 * every unacknowledged batch to the spool in order, and switches to SPOOLING: later batches are appended behind
 * them. A fresh producer then drains the spool from its head (flagged {@code historical}), chunk by chunk, a chunk
 * removed only once Kafka acknowledged all of it; when the spool is empty the mode is LIVE again. A batch whose
 * outcome was unknown when its producer was closed may therefore arrive twice (same {@code meta.event_id}).
 *
 * <p>Losses are never silent: a batch that does not fit into the full spool (or cannot be written to it, or that
 * Kafka refuses for good) is counted, logged, and reported as a loss report (a TelemetryBatch with no samples,
 * {@code gap = true}, {@code lost_batches} and {@code lost_samples}) at the place in the sequence where the batches
 * went missing: appended to the spool ahead of the next batch that fits, or sent once the spool is drained.
 * Corrupt records the spool cut off when it was opened are reported the same way.
 *
 * <p>Batches handed to the producer but not yet acknowledged are in memory only (for at most the producer's
 * {@code delivery.timeout.ms}): on {@link #close()} they are spooled, but a crash of the process loses them.
 *
 * <p>Every method only queues work for the forwarder's own thread and returns at once; Milo's threads must never
 * block on Kafka. All state below is touched by that thread only, except the counters.
 */
final class TelemetryForwarder implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(TelemetryForwarder.class);
    private static final int DRAIN_RECORDS = 500;
    private static final long DRAIN_BYTES = 1024 * 1024;
    /** Spool bytes batches leave free, so that the report of a loss always fits (a report is ~150 bytes). */
    private static final long LOSS_REPORT_ROOM = 1024;
    /** Bytes a segment roll-over may add to an append. */
    private static final long SEGMENT_ROLL = 8;

    private enum Mode { LIVE, SPOOLING }

    private final String plantId;
    private final Topic<String, TelemetryBatch> telemetry;
    private final Topic<String, ScadaConnectionStatus> status;
    private final Supplier<Producer<String, byte[]>> producers;
    private final Supplier<EventMeta> meta;
    private final Spool spool;
    private final Duration retryInterval;
    private final Duration closeTimeout;
    private final ScheduledExecutorService thread;
    private final GlMeters meters;
    private final AtomicLong spooledBatches;
    private final AtomicLong spooledBytes;
    private final AtomicLong batchesDelivered = new AtomicLong();
    private final AtomicLong samplesDelivered = new AtomicLong();
    private final AtomicLong produceErrors = new AtomicLong();
    private final AtomicLong batchesLost = new AtomicLong();
    private final AtomicLong samplesLost = new AtomicLong();
    private volatile boolean closed;

    private final Deque<InFlight> inFlight = new ArrayDeque<>();
    private Mode mode;
    private Generation current;
    private ScadaConnectionStatus pendingStatus;
    private long unreportedBatches;
    private long unreportedSamples;
    /** When the first batch of the unreported stretch of losses was read; null when nothing is unreported. */
    private Instant unreportedSince;
    /** When the last batch appended to the spool was read; null before the first. */
    private Instant lastSpooledAt;
    private boolean losing;
    private boolean drainScheduled;
    private boolean stopped;

    /** One producer; closed at its first failure so that nothing behind the failed record is written. */
    private static final class Generation {
        final Producer<String, byte[]> producer;
        private final AtomicBoolean closed = new AtomicBoolean();

        Generation(Producer<String, byte[]> producer) {
            this.producer = producer;
        }

        /** Closes without waiting: records not yet written fail. Safe from a producer callback. */
        void closeNow() {
            if (closed.compareAndSet(false, true)) {
                producer.close(Duration.ZERO);
            }
        }

        void close(Duration timeout) {
            if (closed.compareAndSet(false, true)) {
                producer.close(timeout);
            }
        }
    }

    /** A telemetry batch or a status handed to a producer, until it is acknowledged. */
    private static final class InFlight {
        final TelemetryBatch batch;
        final ScadaConnectionStatus status;
        volatile boolean done;
        volatile Exception error;

        InFlight(TelemetryBatch batch, ScadaConnectionStatus status) {
            this.batch = batch;
            this.status = status;
        }
    }

    /** Takes over an open spool, counts what it had to cut off as lost, and starts SPOOLING if batches wait. */
    TelemetryForwarder(String plantId, Topic<String, TelemetryBatch> telemetry,
                       Topic<String, ScadaConnectionStatus> status, Supplier<Producer<String, byte[]>> producers,
                       Supplier<EventMeta> meta, Spool spool, Duration retryInterval, Duration closeTimeout,
                       ScheduledExecutorService thread, GlMeters meters) {
        this.plantId = plantId;
        this.telemetry = telemetry;
        this.status = status;
        this.producers = producers;
        this.meta = meta;
        this.spool = spool;
        this.retryInterval = retryInterval;
        this.closeTimeout = closeTimeout;
        this.thread = thread;
        this.meters = meters;
        this.spooledBatches = meters.gauge(GlMetrics.SCADA_SPOOLED_BATCHES, plantId);
        this.spooledBytes = meters.gauge(GlMetrics.SCADA_SPOOLED_BYTES, plantId);
        for (Spool.Corruption c : spool.corruptions()) {
            // how many batches the cut-off bytes held is unknown: at least one
            lose(1, 0, "corrupt", Instant.now());
            LOG.error("[{}] scada-bridge: the spool lost telemetry to {} in {}; reported on {} as lost_batches",
                    plantId, c.reason(), c.segment(), telemetry.name());
        }
        this.mode = spool.isEmpty() && unreportedBatches == 0 ? Mode.LIVE : Mode.SPOOLING;
        updateGauges();
    }

    /** Starts draining what an earlier run left in the spool. */
    void start() {
        if (mode == Mode.SPOOLING) {
            LOG.info("[{}] scada-bridge: {} batches ({} bytes) wait in the spool {}; sending them first", plantId,
                    spool.records(), spool.bytes(), spool.directory());
            run(() -> scheduleDrain(Duration.ZERO));
        }
    }

    /** Queues a batch read live; it is sent after every batch queued before it. */
    void submit(TelemetryBatch batch) {
        run(() -> {
            if (stopped) {
                LOG.warn("[{}] scada-bridge: a batch of {} samples came after close; not delivered", plantId,
                        batch.getSamples().size());
            } else if (mode == Mode.LIVE) {
                sendLive(new InFlight(batch, null));
            } else {
                spoolOrLose(batch);
            }
        });
    }

    /** Queues a connection status; while spooling, only the latest is kept and sent once Kafka is back. */
    void status(ScadaConnectionStatus newStatus) {
        run(() -> {
            if (stopped) {
                LOG.debug("[{}] scada-bridge: status {} after close not sent", plantId, newStatus.getState());
            } else if (mode == Mode.LIVE) {
                sendLive(new InFlight(null, newStatus));
            } else {
                pendingStatus = newStatus;
            }
        });
    }

    long batchesDelivered() {
        return batchesDelivered.get();
    }

    long samplesDelivered() {
        return samplesDelivered.get();
    }

    long produceErrors() {
        return produceErrors.get();
    }

    long batchesLost() {
        return batchesLost.get();
    }

    long samplesLost() {
        return samplesLost.get();
    }

    long spooledBatches() {
        return spool.records();
    }

    long spooledBytes() {
        return spool.bytes();
    }

    // ------------------------------------------------------------------ live

    private void sendLive(InFlight f) {
        Generation g;
        try {
            if (current == null) {
                current = new Generation(producers.get());
            }
            g = current;
        } catch (RuntimeException e) {
            LOG.error("[{}] scada-bridge: cannot create a Kafka producer", plantId, e);
            inFlight.addLast(f);
            fail(e);
            return;
        }
        inFlight.addLast(f);
        ProducerRecord<String, byte[]> record = f.batch != null
                ? new ProducerRecord<>(telemetry.name(), plantId, serialize(f.batch))
                : new ProducerRecord<>(status.name(), plantId,
                        status.valueSerde().serializer().serialize(status.name(), f.status));
        Callback callback = (metadata, error) -> {
            if (error != null) {
                g.closeNow();
            }
            f.error = error;
            f.done = true;
            run(() -> onResult(g, f, error));
        };
        try {
            g.producer.send(record, callback);
        } catch (RuntimeException e) {
            // the producer was closed by a failure whose callback is still queued here
            f.error = e;
            f.done = true;
            produceErrors.incrementAndGet();
            fail(e);
        }
    }

    private void onResult(Generation g, InFlight f, Exception error) {
        if (g != current) {
            return; // already moved to the spool when this producer failed; a success is a duplicate
        }
        if (error == null) {
            inFlight.remove(f);
            delivered(f.batch);
            return;
        }
        produceErrors.incrementAndGet();
        fail(error);
    }

    /** The rule: the failed producer is closed, everything it has not acknowledged goes to the spool, in order. */
    private void fail(Exception cause) {
        Generation g = current;
        current = null;
        if (g != null) {
            g.closeNow();
        }
        mode = Mode.SPOOLING;
        List<InFlight> unacknowledged = new ArrayList<>(inFlight);
        inFlight.clear();
        LOG.warn("[{}] scada-bridge: Kafka did not take telemetry ({}); {} unacknowledged and all further batches "
                + "go to the spool {} until it is drained", plantId, cause.toString(), unacknowledged.size(),
                spool.directory());
        for (InFlight f : unacknowledged) {
            if (f.batch != null) {
                spoolOrLose(f.batch);
            } else {
                pendingStatus = f.status;
            }
        }
        scheduleDrain(retryInterval);
    }

    // ------------------------------------------------------------------ spool

    private void spoolOrLose(TelemetryBatch batch) {
        byte[] value = serialize(historical(batch));
        if (unreportedBatches > 0) {
            // report the loss where it happened, but only once the batch after it fits too: a report per refused
            // batch would eat the room kept for the last one
            byte[] report = serialize(lossReport());
            long needed = 2 * (Spool.RECORD_OVERHEAD + SEGMENT_ROLL) + report.length + value.length + LOSS_REPORT_ROOM;
            if (spool.free() >= needed && append(report, 0) == null) {
                reported();
            }
        }
        String problem = unreportedBatches > 0 ? "full" : append(value, LOSS_REPORT_ROOM);
        if (problem == null) {
            losing = false;
            lastSpooledAt = batch.getMeta().getOccurredAt();
        } else {
            lose(1, batch.getSamples().size(), problem, batch.getMeta().getOccurredAt());
        }
        updateGauges();
    }

    private String append(TelemetryBatch batch, long keepFree) {
        return append(serialize(batch), keepFree);
    }

    /** Appends to the spool; null when done, else the loss reason ({@code full} or {@code io}). */
    private String append(byte[] value, long keepFree) {
        try {
            return spool.append(value, keepFree) ? null : "full";
        } catch (IOException e) {
            LOG.error("[{}] scada-bridge: cannot write to the spool {}", plantId, spool.directory(), e);
            return "io";
        }
    }

    private void lose(long batches, long samples, String reason, Instant readAt) {
        if (unreportedBatches == 0) {
            unreportedSince = readAt;
        }
        unreportedBatches += batches;
        unreportedSamples += samples;
        batchesLost.addAndGet(batches);
        samplesLost.addAndGet(samples);
        meters.counter(GlMetrics.SCADA_SPOOL_LOSSES, plantId, reason).increment(batches);
        if (!losing) {
            losing = true;
            LOG.warn("[{}] scada-bridge: telemetry is being lost ({}): the spool {} holds {} batches, {} of {} "
                    + "bytes; the loss is counted and reported on {} once Kafka is back", plantId, reason,
                    spool.directory(), spool.records(), spool.bytes(), spool.maxBytes(), telemetry.name());
        }
    }

    /**
     * The report of the unreported losses. Its time is when the first lost batch was read (not when the report is
     * written, which may be later), and never before the last batch spooled ahead of it, so that the batches on the
     * topic stay in the order the bridge read them.
     */
    private TelemetryBatch lossReport() {
        Instant at = unreportedSince == null ? Instant.now() : unreportedSince;
        if (lastSpooledAt != null && at.isBefore(lastSpooledAt)) {
            at = lastSpooledAt;
        }
        return TelemetryBatch.newBuilder()
                .setMeta(EventMeta.newBuilder(meta.get()).setOccurredAt(at).build())
                .setPlantId(plantId)
                .setSamples(List.of())
                .setHistorical(true)
                .setGap(true)
                .setLostBatches(unreportedBatches)
                .setLostSamples(unreportedSamples)
                .build();
    }

    private void reported() {
        LOG.warn("[{}] scada-bridge: reported the loss of {} batches ({} samples) on {}", plantId,
                unreportedBatches, unreportedSamples, telemetry.name());
        unreportedBatches = 0;
        unreportedSamples = 0;
        unreportedSince = null;
    }

    // ------------------------------------------------------------------ drain

    private void scheduleDrain(Duration delay) {
        if (!drainScheduled && !closed) {
            drainScheduled = true;
            try {
                thread.schedule(this::drain, delay.toMillis(), TimeUnit.MILLISECONDS);
            } catch (RejectedExecutionException e) {
                drainScheduled = false;
            }
        }
    }

    /** Sends one chunk from the head of the spool, then queues the next, so live batches queue up in between. */
    private void drain() {
        drainScheduled = false;
        if (closed || stopped || mode == Mode.LIVE) {
            return;
        }
        try {
            if (spool.isEmpty()) {
                if (unreportedBatches > 0 && append(lossReport(), 0) == null) {
                    reported();
                }
                if (spool.isEmpty()) {
                    goLive();
                    return;
                }
            }
            if (current == null) {
                current = new Generation(producers.get());
            }
            sendChunk(current);
        } catch (IOException | RuntimeException e) {
            LOG.error("[{}] scada-bridge: draining the spool {} failed; retrying in {} ms", plantId,
                    spool.directory(), retryInterval.toMillis(), e);
            Generation g = current;
            current = null;
            if (g != null) {
                g.closeNow();
            }
            scheduleDrain(retryInterval);
        }
    }

    private void sendChunk(Generation g) throws IOException {
        List<byte[]> chunk = spool.peek(DRAIN_RECORDS, DRAIN_BYTES);
        List<Future<RecordMetadata>> results = new ArrayList<>(chunk.size());
        RuntimeException notSent = null;
        for (byte[] value : chunk) {
            try {
                results.add(g.producer.send(new ProducerRecord<>(telemetry.name(), plantId, value), (m, error) -> {
                    if (error != null) {
                        g.closeNow();
                    }
                }));
            } catch (RuntimeException e) {
                notSent = e; // closed by the failure of an earlier record of this chunk
                break;
            }
        }
        try {
            g.producer.flush();
        } catch (RuntimeException e) {
            LOG.debug("[{}] scada-bridge: flushing the producer failed", plantId, e);
        }
        int acknowledged = 0;
        Throwable failure = null;
        for (Future<RecordMetadata> result : results) {
            try {
                result.get(closeTimeout.toMillis(), TimeUnit.MILLISECONDS);
                acknowledged++;
            } catch (ExecutionException e) {
                failure = e.getCause();
                break;
            } catch (TimeoutException e) {
                failure = e;
                break;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                failure = e;
                break;
            }
        }
        if (failure == null && notSent != null) {
            failure = notSent;
        }
        spool.remove(acknowledged);
        for (byte[] value : chunk.subList(0, acknowledged)) {
            delivered(deserialize(value));
        }
        if (failure == null) {
            updateGauges();
            run(this::drain);
            return;
        }
        produceErrors.incrementAndGet();
        current = null;
        g.closeNow();
        boolean refused = failure instanceof RecordTooLargeException || failure instanceof RecordBatchTooLargeException
                || failure instanceof SerializationException;
        if (refused) {
            // Kafka will never take this record: keeping it would block everything behind it
            TelemetryBatch batch = deserialize(chunk.get(acknowledged));
            spool.remove(1);
            LOG.error("[{}] scada-bridge: Kafka refused a spooled batch for good; dropping it", plantId, failure);
            lose(1, batch == null ? 0 : batch.getSamples().size(), "rejected",
                    batch == null ? Instant.now() : batch.getMeta().getOccurredAt());
        } else {
            LOG.info("[{}] scada-bridge: Kafka still does not take telemetry ({}); {} batches wait in the spool, "
                    + "retrying in {} ms", plantId, failure.toString(), spool.records(), retryInterval.toMillis());
        }
        updateGauges();
        scheduleDrain(refused ? Duration.ZERO : retryInterval);
    }

    private void goLive() {
        mode = Mode.LIVE;
        losing = false;
        updateGauges();
        LOG.info("[{}] scada-bridge: the spool is drained; telemetry goes to Kafka as it is read again", plantId);
        if (pendingStatus != null) {
            ScadaConnectionStatus s = pendingStatus;
            pendingStatus = null;
            sendLive(new InFlight(null, s));
        }
    }

    // ------------------------------------------------------------------ close

    /**
     * Waits up to the close timeout for unacknowledged batches, spools those Kafka did not take (and an
     * unreported loss), and closes the spool. Call after the last {@link #submit}.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        Future<?> done = thread.submit(this::shutdown);
        closed = true;
        try {
            done.get(closeTimeout.toMillis() + 5_000, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            LOG.error("[{}] scada-bridge: closing the forwarder failed", plantId, e);
        } finally {
            thread.shutdownNow();
        }
    }

    private void shutdown() {
        Generation g = current;
        current = null;
        if (g != null) {
            g.close(closeTimeout); // callbacks have run when this returns
        }
        List<TelemetryBatch> keep = new ArrayList<>();
        for (InFlight f : inFlight) {
            if (f.batch != null && (!f.done || f.error != null)) {
                keep.add(f.batch);
            } else if (f.done && f.error == null) {
                delivered(f.batch);
            }
        }
        inFlight.clear();
        keep.forEach(this::spoolOrLose);
        if (unreportedBatches > 0) {
            if (append(lossReport(), 0) == null) {
                reported();
            } else {
                LOG.error("[{}] scada-bridge: {} lost batches ({} samples) could not be recorded for a report",
                        plantId, unreportedBatches, unreportedSamples);
            }
        }
        if (!spool.isEmpty()) {
            LOG.info("[{}] scada-bridge: {} batches stay in the spool {} for the next start", plantId,
                    spool.records(), spool.directory());
        }
        stopped = true;
        try {
            spool.close();
        } catch (IOException e) {
            LOG.warn("[{}] scada-bridge: closing the spool failed", plantId, e);
        }
    }

    // ------------------------------------------------------------------ helpers

    private void run(Runnable task) {
        try {
            thread.execute(task);
        } catch (RejectedExecutionException e) {
            LOG.debug("[{}] scada-bridge: forwarder closed; ignoring late work", plantId);
        }
    }

    private void delivered(TelemetryBatch batch) {
        if (batch != null) {
            batchesDelivered.incrementAndGet();
            samplesDelivered.addAndGet(batch.getSamples().size());
        }
    }

    private void updateGauges() {
        spooledBatches.set(spool.records());
        spooledBytes.set(spool.bytes());
    }

    private byte[] serialize(TelemetryBatch batch) {
        return telemetry.valueSerde().serializer().serialize(telemetry.name(), batch);
    }

    private TelemetryBatch deserialize(byte[] value) {
        try {
            return telemetry.valueSerde().deserializer().deserialize(telemetry.name(), value);
        } catch (RuntimeException e) {
            LOG.warn("[{}] scada-bridge: a spooled record does not decode as a TelemetryBatch", plantId, e);
            return null;
        }
    }

    private static TelemetryBatch historical(TelemetryBatch batch) {
        return batch.getHistorical() ? batch : TelemetryBatch.newBuilder(batch).setHistorical(true).build();
    }
}
