package io.greenlang.executor.worker;

import java.time.Duration;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.slf4j.Logger;

import io.greenlang.events.run.StepEvent;

/**
 * Sends step events on an idempotent producer ({@code acks=all}), keyed by run id. {@link #send} retries a
 * failed send with backoff until the broker acknowledges it and only then runs the caller's continuation
 * (commit the command, mark the attempt reported): a report is retried, never dropped. What is still unsent when
 * the worker stops is sent again by the next worker, because nothing after it happened (the command was not
 * committed, or the attempt was not marked reported).
 *
 * <p>Never blocks the caller: continuations run on {@code callbacks} (or on the producer's thread once that
 * executor is shut down), retries on {@code timer}.
 */
final class EventSender {

    private static final Duration FIRST_BACKOFF = Duration.ofMillis(500);
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(30);

    private final Producer<String, StepEvent> producer;
    private final String topic;
    private final ScheduledExecutorService timer;
    private final Executor callbacks;
    private volatile boolean closed;

    EventSender(Producer<String, StepEvent> producer, String topic, ScheduledExecutorService timer,
                Executor callbacks) {
        this.producer = producer;
        this.topic = topic;
        this.timer = timer;
        this.callbacks = callbacks;
    }

    /** Sends until acknowledged, then runs {@code onAck}. */
    void send(StepEvent event, Logger log, Runnable onAck) {
        send(event, log, onAck, FIRST_BACKOFF);
    }

    /** Sends once; a failure is logged (heartbeats: the next one follows soon). */
    void sendOnce(StepEvent event, Logger log) {
        try {
            producer.send(record(event), (metadata, e) -> {
                if (e != null) {
                    log.warn("{} not sent: {}", event.getKind(), e.toString());
                }
            });
        } catch (KafkaException | IllegalStateException e) {
            log.warn("{} not sent: {}", event.getKind(), e.toString());
        }
    }

    /** Stops retrying; what is unsent is re-sent by the next worker. */
    void close() {
        closed = true;
    }

    private void send(StepEvent event, Logger log, Runnable onAck, Duration backoff) {
        try {
            producer.send(record(event), (metadata, e) -> {
                if (e == null) {
                    log.debug("{} acknowledged at {}", event.getKind(), metadata);
                    continueWith(onAck);
                } else {
                    retry(event, log, onAck, backoff, e);
                }
            });
        } catch (KafkaException | IllegalStateException e) {
            retry(event, log, onAck, backoff, e);
        }
    }

    private void retry(StepEvent event, Logger log, Runnable onAck, Duration backoff, Exception cause) {
        if (closed) {
            log.warn("{} not sent before shutdown ({}); the next worker reports it again", event.getKind(),
                    cause.toString());
            return;
        }
        log.warn("{} not sent ({}); retrying in {} ms", event.getKind(), cause.toString(), backoff.toMillis());
        Duration next = backoff.multipliedBy(2).compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : backoff.multipliedBy(2);
        try {
            timer.schedule(() -> send(event, log, onAck, next), backoff.toMillis(), TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            log.warn("{} not sent before shutdown; the next worker reports it again", event.getKind());
        }
    }

    private void continueWith(Runnable onAck) {
        try {
            callbacks.execute(onAck);
        } catch (RejectedExecutionException e) {
            onAck.run();
        }
    }

    private ProducerRecord<String, StepEvent> record(StepEvent event) {
        return new ProducerRecord<>(topic, null, event.getMeta().getOccurredAt().toEpochMilli(), event.getRunId(),
                event);
    }
}
