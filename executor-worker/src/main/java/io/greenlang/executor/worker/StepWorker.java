package io.greenlang.executor.worker;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RecordDeserializationException;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.producer.ProducerRecord;
import io.greenlang.events.common.DeadLetter;
import io.greenlang.common.kafka.DeadLetterEvents;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.utils.LogContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.greenlang.common.artifact.ArtifactLayout;
import io.greenlang.common.artifact.ArtifactStore;
import io.greenlang.common.artifact.RunContext;
import io.greenlang.common.artifact.S3Location;
import io.greenlang.common.config.GlConfig;
import io.greenlang.common.error.ErrorCode;
import io.greenlang.common.error.GreenLangException;
import io.greenlang.common.http.HealthCheck;
import io.greenlang.common.json.Hashing;
import io.greenlang.common.kafka.KafkaClients;
import io.greenlang.common.metrics.GlMeters;
import io.greenlang.events.run.Resources;
import io.greenlang.events.run.StepAction;
import io.greenlang.events.run.StepCommand;
import io.greenlang.events.run.StepEvent;
import io.greenlang.executor.AttemptId;
import io.greenlang.executor.Execution;
import io.greenlang.executor.ExecutionOutcome;
import io.greenlang.executor.StepExecutor;
import io.greenlang.executor.StepLaunch;
import io.greenlang.topics.Topic;
import io.greenlang.topics.TopicCatalog;

/**
 * The executor worker (ARCHITECTURE §5, run lifecycle step 4): a consumer group on {@code gl.step.commands} that
 * stages each START's {@code input.json} in S3, launches the attempt through a {@link StepExecutor}, reports
 * STARTED, a HEARTBEAT every {@code GL_STEP_HEARTBEAT_SECONDS} while it runs, and then SUCCEEDED or FAILED (with
 * an error code) on {@code gl.step.events} once {@code result.json} is checked ({@link ResultVerifier}).
 *
 * <p><b>Delivery.</b> Not transactional: what the worker does (a process, a Job, S3 objects) cannot take part in
 * a Kafka transaction anyway. Instead every step is idempotent and nothing is acknowledged before it is done:
 * <ul>
 *   <li>A command's offset is committed only once it was acted on: a START once its STARTED (or FAILED) event is
 *       acknowledged by the broker, a CANCEL once the stop was requested or answered; and per partition only up to
 *       the lowest command not done yet ({@link PartitionCommands}). A worker that dies has its uncommitted
 *       commands redelivered.</li>
 *   <li>A redelivered START adopts: the executor never launches an attempt twice (see {@link StepExecutor}), and
 *       {@code input.json} is written once (an existing one is reused, so the input hash stays the one the agent
 *       saw). STARTED is sent again, and the final outcome too if the attempt has ended.</li>
 *   <li>An attempt is marked {@link StepExecutor#reported} only after its final event is acknowledged; on start-up
 *       {@link StepExecutor#recover()} hands back every attempt not marked, which the worker watches (heartbeats)
 *       and reports. A failed send is retried until acknowledged ({@link EventSender}).</li>
 * </ul>
 * Duplicates (STARTED, or a final event reported twice across a crash) are possible; the orchestrator ignores an
 * event that does not move the attempt forward.
 *
 * <p><b>Parallelism without blocking.</b> At most {@code GL_MAX_PARALLEL_STEPS} attempts are in flight (launched
 * or recovered, and not yet reported). The poll loop never waits for a step: launching, checking results and
 * uploading logs run on an I/O pool, and their completions come back to the poll thread as tasks. A START that
 * finds no free slot waits in its partition's queue; the loop keeps polling (so the group membership stays alive)
 * and keeps reading that partition up to {@value #LOOKAHEAD} waiting commands, so that a CANCEL behind the waiting
 * START still stops a running attempt at once; then the partition is paused, and resumed when its queue drains.
 *
 * <p>This class must never block the poll thread on S3, an executor or the producer, and never commit a command
 * that was not acted on.
 */
public final class StepWorker implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(StepWorker.class);

    /** The consumer group of the executor workers. */
    public static final String DEFAULT_GROUP = "greenlang-executor-worker";
    /** Commands read ahead per partition while a START waits for a slot, before the partition is paused. */
    static final int LOOKAHEAD = 100;
    /** The environment variable with the URI of {@code input.json}. */
    public static final String INPUT_URI_ENV = "GL_INPUT_URI";
    /** The environment variable with the URI of the attempt folder. */
    public static final String OUTPUT_URI_ENV = "GL_OUTPUT_URI";
    /** The environment variable with the agent id. */
    public static final String AGENT_ID_ENV = "GL_AGENT_ID";

    private static final Duration POLL_TIMEOUT = Duration.ofMillis(100);
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(30);
    private static final AtomicInteger INSTANCES = new AtomicInteger();

    private final WorkerSettings settings;
    private final Map<String, Object> consumerProperties;
    private final Topic<String, StepCommand> commands;
    private final StepExecutor executor;
    private final ArtifactStore store;
    private final ResultVerifier verifier;
    private final StepEvents events;
    private final Producer<String, StepEvent> producer;
    private final Producer<byte[], byte[]> deadLetterProducer;
    private final Topic<byte[], DeadLetter> deadLetters;
    private final EventSender sender;
    private final WorkerMetrics metrics;
    private final ExecutorService io;
    private final ScheduledExecutorService timer;
    /** Work handed back to the poll thread. */
    private final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    /** Attempts launched or recovered and not yet reported, by {@link AttemptId#key()}. Written by the poll thread. */
    private final Map<String, Attempt> inFlight = new ConcurrentHashMap<>();
    /** The assigned partitions, in dispatch order. Poll thread only. */
    private final LinkedHashMap<TopicPartition, PartitionCommands> partitions = new LinkedHashMap<>();
    private final CountDownLatch stopped = new CountDownLatch(1);
    private volatile boolean running;
    private volatile boolean assigned;
    private volatile int assignedPartitions;
    private volatile RuntimeException failure;
    private Thread pollThread;

    /**
     * @param settings           what the worker takes from the configuration
     * @param consumerProperties consumer settings including {@code group.id}; {@code read_committed} and manual
     *                           commits are forced, even over a {@code GL_KAFKA_*} pass-through: the offset
     *                           bookkeeping is only correct with them
     * @param producerProperties producer settings; idempotence and {@code acks=all} are forced likewise
     * @param catalog            where {@code gl.step.commands} and {@code gl.step.events} come from
     * @param executor           runs the attempts; closed by the caller
     * @param store              the artifact bucket; closed by the caller
     * @param meters             where to count
     */
    public StepWorker(WorkerSettings settings, Map<String, Object> consumerProperties,
                      Map<String, Object> producerProperties, TopicCatalog catalog, StepExecutor executor,
                      ArtifactStore store, GlMeters meters) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.executor = Objects.requireNonNull(executor, "executor");
        this.store = Objects.requireNonNull(store, "store");
        this.commands = catalog.stepCommands();
        Topic<String, StepEvent> eventTopic = catalog.stepEvents();
        this.consumerProperties = new HashMap<>(consumerProperties);
        Objects.requireNonNull(this.consumerProperties.get(ConsumerConfig.GROUP_ID_CONFIG), "group.id");
        this.consumerProperties.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        this.consumerProperties.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        Map<String, Object> producerProps = new HashMap<>(producerProperties);
        producerProps.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        producerProps.put(ProducerConfig.ACKS_CONFIG, "all");
        this.producer = new KafkaProducer<>(producerProps, eventTopic.keySerde().serializer(),
                eventTopic.valueSerde().serializer());
        this.deadLetters = catalog.deadLetters();
        this.deadLetterProducer = new KafkaProducer<>(producerProps, new ByteArraySerializer(),
                new ByteArraySerializer());
        this.verifier = new ResultVerifier(store);
        this.events = new StepEvents(settings.service(), settings.instance());
        this.metrics = new WorkerMetrics(meters, inFlight);
        int id = INSTANCES.incrementAndGet();
        this.io = Executors.newFixedThreadPool(Math.min(settings.maxParallelSteps(), 16) + 1,
                threads("step-worker-" + id + "-io-"));
        this.timer = Executors.newSingleThreadScheduledExecutor(threads("step-worker-" + id + "-timer-"));
        this.sender = new EventSender(producer, eventTopic.name(), timer, io);
    }

    /**
     * A worker configured like the service: Kafka settings and pass-through from {@code config} through
     * {@link KafkaClients}, the worker settings from {@link WorkerSettings#fromConfig}.
     */
    public static StepWorker create(GlConfig config, TopicCatalog catalog, String groupId, StepExecutor executor,
                                    ArtifactStore store, GlMeters meters) {
        WorkerSettings settings = WorkerSettings.fromConfig(config);
        KafkaClients clients = new KafkaClients(config);
        Map<String, Object> consumer = clients.consumerProperties(groupId,
                Map.of(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, LOOKAHEAD,
                        ConsumerConfig.CLIENT_ID_CONFIG, settings.service() + "-commands-" + settings.instance()));
        Map<String, Object> producer = clients.producerProperties("events-" + settings.instance());
        return new StepWorker(settings, consumer, producer, catalog, executor, store, meters);
    }

    /**
     * Re-attaches to the attempts the executor recovered (they count against the parallelism), then starts
     * consuming on a thread of its own.
     *
     * @return this
     */
    public synchronized StepWorker start() {
        if (pollThread != null) {
            throw new IllegalStateException("already started");
        }
        for (Execution execution : executor.recover()) {
            Attempt attempt = Attempt.recovered(execution, settings.bucket());
            inFlight.put(attempt.key, attempt);
            attempt.log.info("recovered from an earlier worker ({}); watching it", execution.outcome().isDone()
                    ? "ended, not reported" : "running since " + execution.launchedAt());
            watch(attempt, execution);
        }
        running = true;
        pollThread = new Thread(this::pollLoop, "step-worker-poll");
        pollThread.start();
        log.info("Executor worker {} consuming {} with the {} executor, at most {} steps at once",
                settings.instance(), commands.name(), executor.name(), settings.maxParallelSteps());
        return this;
    }

    /** Attempts in flight: launched or recovered, not yet reported. */
    public int activeSteps() {
        return inFlight.size();
    }

    /** True once the consumer has joined its group and received its assignment (possibly empty). */
    public boolean isReady() {
        return assigned && running;
    }

    /** The readiness check of {@code /health/ready}. */
    public HealthCheck healthCheck() {
        return HealthCheck.of("step-commands", () -> isReady()
                ? HealthCheck.Result.up(assignedPartitions + " partition(s) of " + commands.name() + ", "
                        + inFlight.size() + " step(s) running")
                : HealthCheck.Result.down(failure != null ? "stopped: " + failure.getMessage()
                        : "waiting for the consumer group assignment of " + commands.name()));
    }

    /**
     * Blocks until the poll loop has stopped (closed, or failed).
     *
     * @return the failure that stopped it, if any
     */
    public Optional<RuntimeException> awaitTermination() throws InterruptedException {
        stopped.await();
        return Optional.ofNullable(failure);
    }

    /**
     * Stops consuming (committing what is done), stops heartbeats, lets launches and reports under way finish,
     * and closes the producer. Running attempts keep running: the next worker re-attaches to them.
     */
    @Override
    public void close() {
        Thread thread;
        synchronized (this) {
            running = false;
            thread = pollThread;
        }
        if (thread != null) {
            try {
                thread.join(CLOSE_TIMEOUT.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        inFlight.values().forEach(Attempt::stopHeartbeat);
        io.shutdown();
        try {
            if (!io.awaitTermination(CLOSE_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                log.warn("Launches or reports still under way after {} s; the next worker completes them",
                        CLOSE_TIMEOUT.toSeconds());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        sender.close();
        timer.shutdownNow();
        producer.close(CLOSE_TIMEOUT);
        deadLetterProducer.close(CLOSE_TIMEOUT);
        log.info("Executor worker {} stopped with {} step(s) still running", settings.instance(), inFlight.size());
    }

    // ------------------------------------------------------------------ poll thread

    private void pollLoop() {
        try (KafkaConsumer<String, StepCommand> consumer = new KafkaConsumer<>(consumerProperties,
                commands.keySerde().deserializer(), commands.valueSerde().deserializer())) {
            consumer.subscribe(List.of(commands.name()), new Rebalance(consumer));
            while (running) {
                receive(consumer);
                runTasks();
                dispatch();
                updatePauses(consumer);
                commit(consumer);
            }
            runTasks();
            commitSync(consumer, partitions.values());
        } catch (RuntimeException e) {
            failure = e;
            log.error("Executor worker {}: the poll loop stopped", settings.instance(), e);
        } finally {
            assigned = false;
            stopped.countDown();
        }
    }

    /**
     * Writes an undecodable command to {@code gl.dlq} and waits for the broker's acknowledgement, so that the
     * command is skipped only once its bytes are kept.
     *
     * @return true when the dead letter is durable
     */
    private boolean deadLetter(RecordDeserializationException e) {
        TopicPartition tp = e.topicPartition();
        DeadLetter letter = DeadLetterEvents.of(settings.service(), settings.instance(),
                DeadLetterEvents.bytes(e.keyBuffer()), DeadLetterEvents.bytes(e.valueBuffer()), tp.topic(),
                tp.partition(), e.offset(), DeadLetterEvents.DESERIALIZATION_FAILED, e, "step-commands", null);
        try {
            deadLetterProducer.send(new ProducerRecord<>(deadLetters.name(), letter.getOriginalKey() == null ? null
                    : DeadLetterEvents.bytes(letter.getOriginalKey()),
                    deadLetters.valueSerde().serializer().serialize(deadLetters.name(), letter))).get();
            log.error("Undecodable command at {} offset {} written to {} and skipped: {}", tp, e.offset(),
                    deadLetters.name(), e.getMessage());
            return true;
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
            return false;
        } catch (ExecutionException failed) {
            log.warn("Could not write the undecodable command at {} offset {} to {} (retrying): {}", tp, e.offset(),
                    deadLetters.name(), failed.getCause().getMessage());
            return false;
        }
    }

    private void receive(KafkaConsumer<String, StepCommand> consumer) {
        ConsumerRecords<String, StepCommand> records;
        try {
            records = consumer.poll(POLL_TIMEOUT);
        } catch (RecordDeserializationException e) {
            if (!deadLetter(e)) {
                return; // not recorded yet: the next poll meets the same record again
            }
            PartitionCommands partition = partitions.get(e.topicPartition());
            if (partition != null) {
                partition.received(e.offset());
                partition.done(e.offset());
            }
            consumer.seek(e.topicPartition(), e.offset() + 1);
            return;
        }
        for (ConsumerRecord<String, StepCommand> record : records) {
            PartitionCommands partition = partitions.get(new TopicPartition(record.topic(), record.partition()));
            if (partition == null) {
                continue;
            }
            partition.received(record.offset());
            if (record.value() == null) {
                partition.done(record.offset());
            } else {
                partition.waiting().add(record);
            }
        }
    }

    private void runTasks() {
        Runnable task;
        while ((task = tasks.poll()) != null) {
            task.run();
        }
    }

    /** Hands work back to the poll thread. */
    private void post(Runnable task) {
        tasks.add(task);
    }

    /**
     * Acts on the waiting commands of every partition in order; a START that finds no free slot stays, and so do
     * the STARTs after it, but commands that need no slot (CANCELs, STARTs of attempts in flight) go ahead.
     * Partitions that got a slot go to the back of the line.
     */
    private void dispatch() {
        List<PartitionCommands> served = new ArrayList<>();
        for (PartitionCommands partition : partitions.values()) {
            if (partition.waiting().isEmpty()) {
                continue;
            }
            Deque<ConsumerRecord<String, StepCommand>> remaining = new ArrayDeque<>();
            boolean blocked = false;
            boolean started = false;
            for (ConsumerRecord<String, StepCommand> record : partition.waiting()) {
                StepCommand command = record.value();
                String key = Attempt.keyOf(command);
                if (command.getAction() == StepAction.CANCEL) {
                    List<ConsumerRecord<String, StepCommand>> notLaunched = removeStarts(remaining, key);
                    if (notLaunched.isEmpty()) {
                        cancel(partition, record, command);
                    } else {
                        notLaunched.add(record);
                        cancelBeforeLaunch(partition, notLaunched, command);
                    }
                } else if (inFlight.containsKey(key)) {
                    redelivered(partition, record, inFlight.get(key));
                } else if (blocked || inFlight.size() >= settings.maxParallelSteps()) {
                    blocked = true;
                    remaining.add(record);
                } else {
                    start(partition, record, command);
                    started = true;
                }
            }
            partition.replaceWaiting(remaining);
            if (started) {
                served.add(partition);
            }
        }
        for (PartitionCommands partition : served) {
            partitions.remove(partition.partition());
            partitions.put(partition.partition(), partition);
        }
    }

    private static List<ConsumerRecord<String, StepCommand>> removeStarts(
            Deque<ConsumerRecord<String, StepCommand>> waiting, String key) {
        List<ConsumerRecord<String, StepCommand>> removed = new ArrayList<>();
        for (Iterator<ConsumerRecord<String, StepCommand>> it = waiting.iterator(); it.hasNext(); ) {
            ConsumerRecord<String, StepCommand> record = it.next();
            if (record.value().getAction() == StepAction.START && Attempt.keyOf(record.value()).equals(key)) {
                removed.add(record);
                it.remove();
            }
        }
        return removed;
    }

    private void updatePauses(KafkaConsumer<String, StepCommand> consumer) {
        for (PartitionCommands partition : partitions.values()) {
            boolean full = partition.waiting().size() >= LOOKAHEAD;
            if (full && !partition.paused()) {
                consumer.pause(List.of(partition.partition()));
                partition.paused(true);
                log.debug("Paused {}: {} commands waiting for a slot", partition.partition(),
                        partition.waiting().size());
            } else if (!full && partition.paused()) {
                consumer.resume(List.of(partition.partition()));
                partition.paused(false);
                log.debug("Resumed {}", partition.partition());
            }
        }
    }

    private void commit(KafkaConsumer<String, StepCommand> consumer) {
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        for (PartitionCommands partition : partitions.values()) {
            OptionalLong position = partition.toCommit();
            if (position.isPresent()) {
                offsets.put(partition.partition(), new OffsetAndMetadata(position.getAsLong()));
                partition.commitSent(position.getAsLong());
            }
        }
        if (offsets.isEmpty()) {
            return;
        }
        consumer.commitAsync(offsets, (committed, e) -> {
            for (Map.Entry<TopicPartition, OffsetAndMetadata> entry : offsets.entrySet()) {
                PartitionCommands partition = partitions.get(entry.getKey());
                if (partition == null) {
                    continue;
                }
                if (e == null) {
                    partition.commitSucceeded(entry.getValue().offset());
                } else {
                    partition.commitFailed();
                }
            }
            if (e != null) {
                log.warn("Commit of {} failed ({}); retried with the next one", offsets, e.toString());
            }
        });
    }

    private void commitSync(KafkaConsumer<String, StepCommand> consumer, Collection<PartitionCommands> which) {
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        for (PartitionCommands partition : which) {
            partition.uncommitted().ifPresent(p -> offsets.put(partition.partition(), new OffsetAndMetadata(p)));
        }
        if (offsets.isEmpty()) {
            return;
        }
        try {
            consumer.commitSync(offsets);
            offsets.forEach((tp, offset) -> {
                PartitionCommands partition = partitions.get(tp);
                if (partition != null) {
                    partition.commitSucceeded(offset.offset());
                }
            });
        } catch (KafkaException e) {
            log.warn("Commit of {} failed ({}); those commands are redelivered and adopted", offsets, e.toString());
        }
    }

    /** Marks a command done, unless its partition was revoked (and maybe re-assigned) meanwhile. */
    private void done(PartitionCommands partition, long offset) {
        if (partitions.get(partition.partition()) == partition) {
            partition.done(offset);
        }
    }

    private void postDone(PartitionCommands partition, long offset) {
        post(() -> done(partition, offset));
    }

    /** Keeps the partition bookkeeping in step with the group's assignment. Runs on the poll thread. */
    private final class Rebalance implements ConsumerRebalanceListener {
        private final KafkaConsumer<String, StepCommand> consumer;

        Rebalance(KafkaConsumer<String, StepCommand> consumer) {
            this.consumer = consumer;
        }

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> assignedNow) {
            for (TopicPartition tp : assignedNow) {
                partitions.put(tp, new PartitionCommands(tp));
            }
            assignedPartitions = partitions.size();
            assigned = true;
            log.info("Executor worker {} assigned {} (now {} partition(s))", settings.instance(), assignedNow,
                    partitions.size());
        }

        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> revoked) {
            List<PartitionCommands> leaving = revoked.stream().map(partitions::get).filter(Objects::nonNull).toList();
            commitSync(consumer, leaving);
            forget(revoked);
            log.info("Executor worker {} gave up {}; its attempts in flight keep running and reporting",
                    settings.instance(), revoked);
        }

        @Override
        public void onPartitionsLost(Collection<TopicPartition> lost) {
            forget(lost);
            log.warn("Executor worker {} lost {} (no commit)", settings.instance(), lost);
        }

        private void forget(Collection<TopicPartition> gone) {
            gone.forEach(partitions::remove);
            assignedPartitions = partitions.size();
        }
    }

    // ------------------------------------------------------------------ commands (poll thread)

    private void start(PartitionCommands partition, ConsumerRecord<String, StepCommand> record, StepCommand command) {
        Attempt attempt;
        try {
            attempt = Attempt.of(command, settings.bucket());
        } catch (IllegalArgumentException e) {
            rejectInvalid(partition, record, command, e);
            return;
        }
        inFlight.put(attempt.key, attempt);
        execute(() -> launch(attempt, command, () -> postDone(partition, record.offset())));
    }

    private void redelivered(PartitionCommands partition, ConsumerRecord<String, StepCommand> record,
                             Attempt attempt) {
        attempt.log.info("START redelivered (offset {}): already in flight here, not launched again",
                record.offset());
        attempt.launched.thenAccept(launched -> {
            if (launched) {
                sender.send(events.started(StepEvents.Subject.of(attempt)), attempt.log,
                        () -> postDone(partition, record.offset()));
            } else {
                postDone(partition, record.offset());
            }
        });
    }

    private void cancel(PartitionCommands partition, ConsumerRecord<String, StepCommand> record,
                        StepCommand command) {
        Attempt attempt = inFlight.get(Attempt.keyOf(command));
        if (attempt != null) {
            Execution execution = attempt.requestCancel();
            attempt.log.info("CANCEL: stopping the attempt");
            if (execution == null) {
                // the launch under way stops it as soon as it returns, before STARTED is sent
                done(partition, record.offset());
            } else {
                execute(() -> {
                    stop(attempt.id, attempt.log);
                    postDone(partition, record.offset());
                });
            }
            return;
        }
        StepEvents.Subject subject = subjectOf(command);
        Logger contextLog = contextLog(command);
        contextLog.info("CANCEL of an attempt not in flight here: answered as cancelled");
        execute(() -> {
            if (isValid(command)) {
                // the executor may still know it (a Kubernetes Job started by another worker)
                stop(Attempt.idOf(command), contextLog);
            }
            sender.send(events.cancelled(subject, null, null), contextLog, () -> postDone(partition, record.offset()));
        });
    }

    /** A CANCEL whose START is still waiting for a slot: neither runs; the cancel is acknowledged. */
    private void cancelBeforeLaunch(PartitionCommands partition, List<ConsumerRecord<String, StepCommand>> records,
                                    StepCommand cancel) {
        Logger contextLog = contextLog(cancel);
        contextLog.info("CANCEL before the START got a slot: not launched");
        metrics.completed(cancel.getAgent(), WorkerMetrics.CANCELLED, null, null);
        execute(() -> sender.send(events.cancelled(subjectOf(cancel), null, null), contextLog,
                () -> post(() -> records.forEach(r -> done(partition, r.offset())))));
    }

    private void rejectInvalid(PartitionCommands partition, ConsumerRecord<String, StepCommand> record,
                               StepCommand command, IllegalArgumentException e) {
        Logger contextLog = contextLog(command);
        contextLog.error("START cannot be acted on: {}", e.getMessage());
        metrics.completed(command.getAgent(), WorkerMetrics.FAILED, null, ErrorCode.INTERNAL);
        execute(() -> sender.send(events.failed(subjectOf(command), ErrorCode.INTERNAL, "invalid step command: "
                + e.getMessage(), null, null), contextLog, () -> postDone(partition, record.offset())));
    }

    /** Removes a reported attempt; its slot is free for the next START. */
    private void release(Attempt attempt) {
        inFlight.remove(attempt.key, attempt);
    }

    // ------------------------------------------------------------------ launching (I/O pool)

    private void launch(Attempt attempt, StepCommand command, Runnable onStarted) {
        try {
            Duration timeout = command.getTimeoutSeconds() > 0 ? Duration.ofSeconds(command.getTimeoutSeconds())
                    : settings.defaultTimeout();
            byte[] input = stageInput(attempt, command, timeout);
            attempt.inputSha256(Hashing.sha256Hex(input));
            Execution execution = executor.launch(new StepLaunch(attempt.id, command.getAgent(), command.getImage(),
                    command.getCommand(), environment(attempt, command.getAgent()), timeout,
                    resource(command.getResources(), Resources::getCpu, settings.defaultCpu()),
                    resource(command.getResources(), Resources::getMemory, settings.defaultMemory())));
            if (execution.adopted()) {
                attempt.log.info("adopted the attempt launched at {} (not launched again)", execution.launchedAt());
            }
            if (attempt.attach(execution)) {
                attempt.log.info("CANCEL arrived while launching: stopping it");
                stop(attempt.id, attempt.log);
            }
            sender.send(events.started(StepEvents.Subject.of(attempt)), attempt.log, () -> {
                onStarted.run();
                attempt.launched.complete(true);
                watch(attempt, execution);
            });
        } catch (GreenLangException e) {
            attempt.log.warn("cannot launch: {}", e.getMessage());
            failBeforeLaunch(attempt, e.errorCode(), e.detailMessage(), onStarted);
        } catch (RuntimeException e) {
            // a defect of the executor or of this class: reported, so the orchestrator is not left waiting
            attempt.log.error("cannot launch", e);
            failBeforeLaunch(attempt, ErrorCode.INTERNAL, "the worker could not launch the step: " + e, onStarted);
        }
    }

    /**
     * The attempt's {@code input.json}: the existing one if a previous delivery of the command wrote it (so the
     * hash the agent saw stays the one checked), else a new one.
     */
    private byte[] stageInput(Attempt attempt, StepCommand command, Duration timeout) {
        S3Location location = attempt.folder.resolve(ArtifactLayout.INPUT_FILE);
        // a listing, not a GET: the usual answer (none yet) must not count as an S3 error (alert S3ErrorRateHigh)
        boolean exists = store.list(location).stream().anyMatch(o -> o.location().equals(location));
        if (exists) {
            attempt.log.info("{} exists (an earlier delivery of this START): reused", location);
            return store.get(location);
        }
        RunContext context = new RunContext(RunContext.API_VERSION, command.getRunId(), command.getStep(),
                command.getAttempt(), attempt.id.tenant(), command.getAgent(), command.getParameters(),
                command.getInputs(), attempt.folder.uri(), Instant.now().plus(timeout),
                (int) Math.min(Integer.MAX_VALUE, timeout.toSeconds()), command.getIdempotencyKey());
        byte[] bytes = context.toJsonBytes();
        store.put(location, bytes, "application/json");
        return bytes;
    }

    private Map<String, String> environment(Attempt attempt, String agent) {
        Map<String, String> env = new LinkedHashMap<>(settings.agentEnvironment());
        env.put(INPUT_URI_ENV, attempt.folder.resolve(ArtifactLayout.INPUT_FILE).uri());
        env.put(OUTPUT_URI_ENV, attempt.folder.uri());
        env.put(AGENT_ID_ENV, agent);
        return env;
    }

    private static String resource(Resources resources, Function<Resources, String> field,
                                   String fallback) {
        String value = resources == null ? null : field.apply(resources);
        return value == null || value.isBlank() ? fallback : value;
    }

    private void failBeforeLaunch(Attempt attempt, ErrorCode code, String message, Runnable onStarted) {
        metrics.completed(attempt.agent(), WorkerMetrics.FAILED, null, code);
        sender.send(events.failed(StepEvents.Subject.of(attempt), code, message, null, null), attempt.log, () -> {
            onStarted.run();
            attempt.launched.complete(false);
            post(() -> release(attempt));
        });
    }

    // ------------------------------------------------------------------ running and reporting

    /** Heartbeats while the attempt runs; its end is reported on the I/O pool. */
    private void watch(Attempt attempt, Execution execution) {
        if (!execution.outcome().isDone()) {
            long every = settings.heartbeatInterval().toMillis();
            try {
                attempt.heartbeat(timer.scheduleAtFixedRate(() -> sender.sendOnce(
                        events.heartbeat(StepEvents.Subject.of(attempt)), attempt.log), every, every,
                        TimeUnit.MILLISECONDS));
            } catch (RejectedExecutionException e) {
                attempt.log.debug("closing: no heartbeats");
            }
        }
        execution.outcome().whenComplete((outcome, error) -> execute(() -> finish(attempt, execution, outcome,
                error)));
    }

    /** Turns the outcome into the final event, uploads the logs, and reports; marks it reported once acknowledged. */
    private void finish(Attempt attempt, Execution execution, ExecutionOutcome outcome, Throwable error) {
        attempt.stopHeartbeat();
        GreenLangException inputFailure = attempt.inputSha256() == null ? readInput(attempt) : null;
        Report report;
        if (error != null) {
            attempt.log.error("the {} executor cannot tell how the attempt ended", executor.name(), error);
            report = new Report(events.failed(StepEvents.Subject.of(attempt), ErrorCode.INTERNAL, "the "
                    + executor.name() + " executor lost track of the attempt: " + error, null, null),
                    WorkerMetrics.FAILED, ErrorCode.INTERNAL, null, false);
        } else {
            report = report(attempt, outcome, inputFailure);
        }
        uploadLogs(attempt, execution);
        metrics.completed(attempt.agent(), report.status(), report.duration(), report.failure());
        StepEvent event = report.event();
        attempt.log.info("{}{}: {}", event.getKind(), event.getErrorCode() == null ? "" : " " + event.getErrorCode(),
                event.getErrorMessage() == null ? "exit code " + event.getExitCode() : event.getErrorMessage());
        sender.send(event, attempt.log, () -> {
            if (report.markReported()) {
                try {
                    executor.reported(attempt.id);
                } catch (RuntimeException e) {
                    attempt.log.warn("reported, but the executor could not record it ({}); a restarted worker "
                            + "reports it again", e.toString());
                }
            }
            post(() -> release(attempt));
        });
    }

    /**
     * The final event of an attempt, with what the metrics need.
     *
     * @param event        the event
     * @param status       success, failed or cancelled
     * @param failure      the failure's code, if any
     * @param duration     launch to end
     * @param markReported whether the executor is told it was reported (not when it could not tell the outcome)
     */
    private record Report(StepEvent event, String status, ErrorCode failure, Duration duration,
                          boolean markReported) {
    }

    private Report report(Attempt attempt, ExecutionOutcome outcome, GreenLangException inputFailure) {
        StepEvents.Subject subject = StepEvents.Subject.of(attempt);
        long durationMs = outcome.duration().toMillis();
        if (outcome.kind() == ExecutionOutcome.Kind.CANCELLED) {
            return new Report(events.cancelled(subject, outcome.exitCode(), durationMs), WorkerMetrics.CANCELLED,
                    null, outcome.duration(), true);
        }
        if (outcome.kind() == ExecutionOutcome.Kind.FAILED) {
            return new Report(events.failed(subject, outcome.failure(), outcome.message(), outcome.exitCode(),
                    durationMs), WorkerMetrics.FAILED, outcome.failure(), outcome.duration(), true);
        }
        ResultVerifier.Verdict verdict = inputFailure != null
                ? ResultVerifier.Verdict.failed(inputFailure.errorCode(), "cannot read back input.json to check the "
                        + "result: " + inputFailure.detailMessage())
                : verifier.verify(attempt.folder, attempt.inputSha256());
        if (verdict.succeeded()) {
            return new Report(events.succeeded(subject, verdict.outputs(), verdict.resultUri(),
                    verdict.resultSha256(), outcome.exitCode(), durationMs), WorkerMetrics.SUCCESS, null,
                    outcome.duration(), true);
        }
        return new Report(events.failed(subject, verdict.failure(), verdict.message(), outcome.exitCode(),
                durationMs), WorkerMetrics.FAILED, verdict.failure(), outcome.duration(), true);
    }

    /**
     * For an attempt recovered from an earlier worker: the SHA-256 of its input.json and its agent id, read back
     * from S3 (an attempt this worker launched remembers both).
     *
     * @return null, or why input.json could not be read
     */
    private GreenLangException readInput(Attempt attempt) {
        byte[] input;
        try {
            input = store.get(attempt.folder.resolve(ArtifactLayout.INPUT_FILE));
        } catch (GreenLangException e) {
            attempt.log.warn("cannot read back input.json: {}", e.getMessage());
            return e;
        }
        attempt.inputSha256(Hashing.sha256Hex(input));
        if (!attempt.agentKnown()) {
            try {
                attempt.agent(RunContext.parse(input).agent());
            } catch (GreenLangException e) {
                attempt.log.warn("input.json names no agent: {}", e.getMessage());
            }
        }
        return null;
    }

    /** Best effort: the outcome is reported even when the logs cannot be stored. */
    private void uploadLogs(Attempt attempt, Execution execution) {
        S3Location location = attempt.folder.resolve(ArtifactLayout.LOGS_FILE);
        try {
            store.put(location, execution.logs().getBytes(StandardCharsets.UTF_8), "text/plain; charset=utf-8");
        } catch (GreenLangException e) {
            metrics.error(e.errorCode());
            attempt.log.warn("cannot upload {}: {}", location, e.getMessage());
        } catch (RuntimeException e) {
            metrics.error(ErrorCode.INTERNAL);
            attempt.log.warn("cannot read the logs of the attempt: {}", e.toString());
        }
    }

    private void stop(AttemptId id, Logger contextLog) {
        try {
            executor.cancel(id);
        } catch (RuntimeException e) {
            contextLog.error("the {} executor could not stop the attempt; it stops at its timeout", executor.name(),
                    e);
        }
    }

    // ------------------------------------------------------------------ helpers

    private void execute(Runnable task) {
        try {
            io.execute(task);
        } catch (RejectedExecutionException e) {
            log.debug("Closing: a task was not run; the next worker redoes it");
        }
    }

    private static boolean isValid(StepCommand command) {
        try {
            Attempt.idOf(command);
            ArtifactLayout.stepPrefix(command.getMeta().getTenantId(), command.getRunId(), command.getStep(),
                    command.getAttempt());
            return true;
        } catch (IllegalArgumentException | NullPointerException e) {
            return false;
        }
    }

    private static StepEvents.Subject subjectOf(StepCommand command) {
        return new StepEvents.Subject(command.getMeta().getTenantId(), command.getRunId(), command.getStep(),
                command.getAttempt(), command.getMeta().getTraceId());
    }

    private static Logger contextLog(StepCommand command) {
        return new LogContext("[run " + command.getRunId() + " step "
                + command.getStep() + "." + command.getAttempt() + "] ").logger(StepWorker.class);
    }

    private static ThreadFactory threads(String prefix) {
        AtomicInteger n = new AtomicInteger();
        return runnable -> {
            Thread t = new Thread(runnable, prefix + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }

    @Override
    public String toString() {
        return "StepWorker[" + settings.instance() + ", " + inFlight.size() + " in flight]";
    }
}
