package io.greenlang.executor.sim;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.OutOfOrderSequenceException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.greenlang.common.config.GlConfig;
import io.greenlang.common.error.ErrorCode;
import io.greenlang.events.common.EventMeta;
import io.greenlang.events.common.Producer;
import io.greenlang.events.run.StepAction;
import io.greenlang.events.run.StepCommand;
import io.greenlang.events.run.StepEvent;
import io.greenlang.events.run.StepEventKind;
import io.greenlang.topics.Topic;
import io.greenlang.topics.TopicCatalog;

/**
 * A <b>simulated</b> executor: it consumes {@code gl.step.commands} and answers each START with a STARTED event
 * and then a SUCCEEDED one (or a scripted FAILED, see {@link SimulatedBehavior}) on {@code gl.step.events},
 * without running anything. A CANCEL of an attempt whose final event is still pending (delayed behaviour) is
 * answered with FAILED. For demos ({@code gl demo}), integration tests and the orchestration benchmark.
 *
 * <p><b>This is not the executor worker.</b> It stages no inputs, launches no process or Kubernetes Job, checks no
 * artifact and must never be deployed as the platform's executor (the real one is the executor-worker service).
 *
 * <p>Delivery: consume-transform-produce in Kafka transactions ({@code read_committed} consumer, transactional
 * producer, offsets sent to the transaction), so each command is answered exactly once, even across a restart.
 * With a delay, the STARTED event and the command's offset commit together and the final event follows in a
 * later transaction: if the simulator stops in between, that final event is lost and the orchestrator's step
 * timeout takes over, as it would for a crashed worker.
 */
public final class SimulatedExecutor implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(SimulatedExecutor.class);

    /** Consumer group of the simulated executor by default. */
    public static final String DEFAULT_GROUP = "greenlang-simulated-executor";
    /** Service name in the envelope of the events it writes. */
    public static final String SERVICE = "simulated-executor";

    private static final Duration MAX_POLL = Duration.ofMillis(100);
    private static final int REMEMBERED_KEYS = 100_000;

    private final Map<String, Object> consumerProps;
    private final Map<String, Object> producerProps;
    private final Topic<String, StepCommand> commands;
    private final Topic<String, StepEvent> events;
    private final SimulatedBehavior behavior;
    private final String instance;
    private final AtomicLong commandsReceived = new AtomicLong();
    private final AtomicLong eventsSent = new AtomicLong();
    private final AtomicLong transactions = new AtomicLong();
    private final PriorityQueue<Pending> pending = new PriorityQueue<>((a, b) -> Long.compare(a.due, b.due));
    /** Idempotency keys of the commands already acted on (bounded, oldest forgotten first). */
    private final Map<String, Boolean> seen = new LinkedHashMap<>(1024, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
            return size() > REMEMBERED_KEYS;
        }
    };
    private volatile boolean running;
    private Thread thread;

    /**
     * @param clientProperties common client settings (at least {@code bootstrap.servers}); consumer and producer
     *                         settings are added here
     * @param catalog          where {@code gl.step.commands} and {@code gl.step.events} come from
     * @param groupId          the consumer group
     * @param transactionalId  the producer's transactional id (unique per running instance)
     * @param behavior         how to answer
     */
    public SimulatedExecutor(Map<String, Object> clientProperties, TopicCatalog catalog, String groupId,
                             String transactionalId, SimulatedBehavior behavior) {
        Objects.requireNonNull(clientProperties, "clientProperties");
        this.commands = catalog.stepCommands();
        this.events = catalog.stepEvents();
        this.behavior = Objects.requireNonNull(behavior, "behavior");
        this.instance = transactionalId;
        this.consumerProps = new HashMap<>(clientProperties);
        consumerProps.put(ConsumerConfig.GROUP_ID_CONFIG, Objects.requireNonNull(groupId, "groupId"));
        consumerProps.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        consumerProps.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        consumerProps.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        this.producerProps = new HashMap<>(clientProperties);
        producerProps.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, Objects.requireNonNull(transactionalId,
                "transactionalId"));
        producerProps.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        producerProps.put(ProducerConfig.ACKS_CONFIG, "all");
        producerProps.put(ProducerConfig.LINGER_MS_CONFIG, 0);
    }

    /**
     * A simulator configured like a service: bootstrap servers and pass-through from {@code config}, group
     * {@value #DEFAULT_GROUP}, a transactional id unique to this instance.
     */
    public static SimulatedExecutor create(GlConfig config, TopicCatalog catalog, SimulatedBehavior behavior) {
        Map<String, Object> props = new HashMap<>();
        props.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, String.join(",", config.kafkaBootstrapServers()));
        props.putAll(config.kafkaPassThrough());
        return new SimulatedExecutor(props, catalog, DEFAULT_GROUP, DEFAULT_GROUP + "-" + UUID.randomUUID(),
                behavior);
    }

    /** Starts answering on a thread of its own; returns this. */
    public synchronized SimulatedExecutor start() {
        if (thread != null) {
            throw new IllegalStateException("already started");
        }
        running = true;
        thread = new Thread(this::loop, "simulated-executor-" + instance);
        thread.setDaemon(true);
        thread.start();
        return this;
    }

    /** Commands consumed (START and CANCEL), duplicates included. */
    public long commandsReceived() {
        return commandsReceived.get();
    }

    /** Step events committed. */
    public long eventsSent() {
        return eventsSent.get();
    }

    /** Transactions committed. */
    public long transactions() {
        return transactions.get();
    }

    /** Stops the thread (finishing the current transaction) and closes the clients. */
    @Override
    public void close() {
        Thread t;
        synchronized (this) {
            t = thread;
            running = false;
        }
        if (t == null) {
            return;
        }
        try {
            t.join(Duration.ofSeconds(30).toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (t.isAlive()) {
            log.warn("Simulated executor {} did not stop within 30 s", instance);
        }
    }

    private void loop() {
        try (KafkaConsumer<String, StepCommand> consumer = new KafkaConsumer<>(consumerProps,
                commands.keySerde().deserializer(), commands.valueSerde().deserializer());
             KafkaProducer<String, StepEvent> producer = new KafkaProducer<>(producerProps,
                     events.keySerde().serializer(), events.valueSerde().serializer())) {
            producer.initTransactions();
            consumer.subscribe(List.of(commands.name()));
            log.info("Simulated executor {} answering {} ({})", instance, commands.name(), behavior);
            while (running) {
                ConsumerRecords<String, StepCommand> records = consumer.poll(pollTimeout());
                long now = System.currentTimeMillis();
                if (records.isEmpty() && (pending.isEmpty() || pending.peek().due > now)) {
                    continue;
                }
                if (!answer(consumer, producer, records, now)) {
                    return;
                }
            }
        }
        log.info("Simulated executor {} stopped after {} commands, {} events", instance, commandsReceived.get(),
                eventsSent.get());
    }

    private Duration pollTimeout() {
        Pending next = pending.peek();
        if (next == null) {
            return MAX_POLL;
        }
        long wait = next.due - System.currentTimeMillis();
        return wait <= 0 ? Duration.ZERO : Duration.ofMillis(Math.min(wait, MAX_POLL.toMillis()));
    }

    /** One transaction: the answers to {@code records}, the due delayed events, the offsets. */
    private boolean answer(KafkaConsumer<String, StepCommand> consumer, KafkaProducer<String, StepEvent> producer,
                           ConsumerRecords<String, StepCommand> records, long now) {
        List<Pending> added = new ArrayList<>();
        List<Pending> removed = new ArrayList<>();
        List<String> keys = new ArrayList<>();
        int sent = 0;
        try {
            producer.beginTransaction();
            for (ConsumerRecord<String, StepCommand> record : records) {
                commandsReceived.incrementAndGet();
                StepCommand command = record.value();
                if (command == null || seen.containsKey(command.getIdempotencyKey())
                        || keys.contains(command.getIdempotencyKey())) {
                    continue;
                }
                keys.add(command.getIdempotencyKey());
                if (command.getAction() == StepAction.START) {
                    send(producer, event(command, StepEventKind.STARTED, null, now));
                    sent++;
                    if (behavior.delay().isZero()) {
                        send(producer, finalEvent(command, now));
                        sent++;
                    } else {
                        added.add(new Pending(now + behavior.delay().toMillis(), command));
                    }
                } else {
                    Pending cancelled = find(command, added);
                    if (cancelled != null) {
                        removed.add(cancelled);
                        send(producer, event(command, StepEventKind.FAILED, null, now));
                        sent++;
                    }
                }
            }
            for (Pending due : pending) {
                if (due.due <= now && !removed.contains(due)) {
                    removed.add(due);
                    send(producer, finalEvent(due.command, now));
                    sent++;
                }
            }
            if (!records.isEmpty()) {
                producer.sendOffsetsToTransaction(offsets(records), consumer.groupMetadata());
            }
            producer.commitTransaction();
        } catch (ProducerFencedException | OutOfOrderSequenceException | AuthorizationException e) {
            log.error("Simulated executor {} cannot go on (fenced or not authorised); stopping", instance, e);
            return false;
        } catch (KafkaException e) {
            log.warn("Simulated executor {}: transaction aborted, re-reading from the committed offsets", instance, e);
            producer.abortTransaction();
            rewind(consumer);
            return true;
        }
        pending.removeAll(removed);
        added.removeAll(removed);
        pending.addAll(added);
        keys.forEach(k -> seen.put(k, Boolean.TRUE));
        eventsSent.addAndGet(sent);
        transactions.incrementAndGet();
        return true;
    }

    private Pending find(StepCommand cancel, List<Pending> added) {
        for (Collection<Pending> source : List.<Collection<Pending>>of(pending, added)) {
            for (Pending p : source) {
                if (p.command.getRunId().equals(cancel.getRunId()) && p.command.getStep().equals(cancel.getStep())
                        && p.command.getAttempt() == cancel.getAttempt()) {
                    return p;
                }
            }
        }
        return null;
    }

    private static Map<TopicPartition, OffsetAndMetadata> offsets(ConsumerRecords<String, StepCommand> records) {
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        for (TopicPartition partition : records.partitions()) {
            List<ConsumerRecord<String, StepCommand>> list = records.records(partition);
            offsets.put(partition, new OffsetAndMetadata(list.get(list.size() - 1).offset() + 1));
        }
        return offsets;
    }

    private void rewind(KafkaConsumer<String, StepCommand> consumer) {
        Set<TopicPartition> assigned = consumer.assignment();
        Map<TopicPartition, OffsetAndMetadata> committed = consumer.committed(assigned);
        List<TopicPartition> fromStart = new ArrayList<>();
        for (TopicPartition partition : assigned) {
            OffsetAndMetadata offset = committed.get(partition);
            if (offset == null) {
                fromStart.add(partition);
            } else {
                consumer.seek(partition, offset);
            }
        }
        consumer.seekToBeginning(fromStart);
    }

    private void send(KafkaProducer<String, StepEvent> producer, StepEvent event) {
        long timestamp = event.getMeta().getOccurredAt().toEpochMilli();
        producer.send(new ProducerRecord<>(events.name(), null, timestamp, event.getRunId(), event));
        if (log.isDebugEnabled()) {
            log.debug("run {}: step {} attempt {} {}", event.getRunId(), event.getStep(), event.getAttempt(),
                    event.getKind());
        }
    }

    private StepEvent finalEvent(StepCommand command, long now) {
        ErrorCode failure = behavior.failureOf(command.getStep(), command.getAttempt());
        return failure == null ? event(command, StepEventKind.SUCCEEDED, null, now)
                : event(command, StepEventKind.FAILED, failure, now);
    }

    private StepEvent event(StepCommand command, StepEventKind kind, ErrorCode code, long now) {
        String uri = "sim://" + command.getRunId() + "/" + command.getStep() + "/" + command.getAttempt();
        boolean succeeded = kind == StepEventKind.SUCCEEDED;
        boolean failed = kind == StepEventKind.FAILED;
        return StepEvent.newBuilder()
                .setMeta(EventMeta.newBuilder()
                        .setEventId(UUID.randomUUID().toString())
                        .setOccurredAt(Instant.ofEpochMilli(now))
                        .setTenantId(command.getMeta().getTenantId())
                        .setProducer(Producer.newBuilder().setService(SERVICE).setInstance(instance).build())
                        .setTraceId(command.getMeta().getTraceId())
                        .build())
                .setRunId(command.getRunId())
                .setStep(command.getStep())
                .setAttempt(command.getAttempt())
                .setKind(kind)
                .setErrorCode(code == null ? null : code.code())
                .setErrorMessage(failed ? (code == null ? "cancelled on request (simulated)"
                        : "simulated failure " + code.code()) : null)
                .setOutputs(succeeded ? Map.of("result", uri) : Map.of())
                .setOutputUri(succeeded ? uri : null)
                .setExitCode(succeeded ? Integer.valueOf(0) : failed ? Integer.valueOf(1) : null)
                .build();
    }

    /** A final event waiting for its delay. */
    private record Pending(long due, StepCommand command) {
    }

    @Override
    public String toString() {
        return "SimulatedExecutor[" + instance + ", " + behavior + "]";
    }
}
