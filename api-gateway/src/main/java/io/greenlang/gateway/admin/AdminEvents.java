package io.greenlang.gateway.admin;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import io.greenlang.common.error.ErrorCode;
import io.greenlang.common.error.GreenLangException;
import io.greenlang.events.admin.AdminAction;
import io.greenlang.events.common.EventMeta;
import io.greenlang.events.common.Producer;
import io.greenlang.events.run.RunCommand;
import io.greenlang.events.run.RunCommandType;
import io.greenlang.topics.Topic;
import io.greenlang.topics.TopicCatalog;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the admin routes write to Kafka: {@link AdminAction}s on gl.admin.actions (keyed by tenant, {@value
 * #PLATFORM} for platform-wide actions) and {@link RunCommand} CANCELs on gl.run.commands (keyed by run id). Every
 * send is synchronous: the method returns only once the broker acknowledged the record with {@code acks=all} on an
 * idempotent producer, so an admin action is on the log before the caller gets its answer. A send that fails or
 * takes longer than {@link #SEND_TIMEOUT} is a {@link GreenLangException} (GL-E-NETWORK-REFUSED / -TIMEOUT).
 */
public final class AdminEvents implements AutoCloseable {

    /** The tenant key of actions that apply to the whole platform. */
    public static final String PLATFORM = "*";
    /** The {@code producer.service} of the events. */
    public static final String SERVICE = "api-gateway";
    /** Longest wait for the broker's acknowledgement of one send. */
    public static final Duration SEND_TIMEOUT = Duration.ofSeconds(15);

    private static final Logger LOG = LoggerFactory.getLogger(AdminEvents.class);

    private final Topic<String, AdminAction> actions;
    private final Topic<String, RunCommand> commands;
    private final KafkaProducer<String, byte[]> producer;
    private final String instance;

    /**
     * @param topics             the catalog naming gl.admin.actions and gl.run.commands
     * @param producerProperties producer settings with at least {@code bootstrap.servers} (e.g.
     *                           {@code KafkaClients.producerProperties("admin")}); {@code acks=all} and idempotence
     *                           are forced
     * @param instance           this gateway instance, for {@code meta.producer.instance}
     */
    public AdminEvents(TopicCatalog topics, Map<String, Object> producerProperties, String instance) {
        this.actions = topics.adminActions();
        this.commands = topics.runCommands();
        this.instance = Objects.requireNonNull(instance, "instance");
        Map<String, Object> props = new HashMap<>(producerProperties);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        this.producer = new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer());
    }

    /**
     * Publishes one admin action and waits for the broker's acknowledgement.
     *
     * @param actor   who acted ({@code Principal.subject()})
     * @param tenant  the tenant acted on, {@link #PLATFORM} for the platform; also the record key
     * @param action  the dotted action name, e.g. {@code tenant.block}
     * @param target  what was acted on, or null
     * @param reason  the actor's justification, or null
     * @param details action-specific details
     * @return the published action
     */
    public AdminAction publish(String actor, String tenant, String action, String target, String reason,
            Map<String, String> details) {
        AdminAction event = AdminAction.newBuilder()
                .setMeta(meta(tenant))
                .setAction(action)
                .setActor(actor)
                .setTenantId(tenant)
                .setTarget(target)
                .setReason(reason)
                .setDetails(new HashMap<>(details))
                .build();
        await(List.of(send(actions, tenant, event)), "admin action " + action);
        LOG.info("[tenant {}] admin action {} by {} on {}", tenant, action, actor, target);
        return event;
    }

    /**
     * Sends a CANCEL for each run and waits until the broker acknowledged all of them.
     *
     * @param runs   the runs: run id to tenant
     * @param actor  who cancels
     * @param reason why, or null
     */
    public void cancel(Map<String, String> runs, String actor, String reason) {
        List<Future<RecordMetadata>> sent = new ArrayList<>();
        runs.forEach((runId, tenant) -> sent.add(send(commands, runId, RunCommand.newBuilder()
                .setMeta(meta(tenant))
                .setRunId(runId)
                .setCommand(RunCommandType.CANCEL)
                .setActor(actor)
                .setReason(reason)
                .build())));
        await(sent, "run cancel commands");
    }

    private EventMeta meta(String tenant) {
        return EventMeta.newBuilder()
                .setEventId(UUID.randomUUID().toString())
                .setOccurredAt(Instant.now())
                .setTenantId(tenant)
                .setProducer(Producer.newBuilder().setService(SERVICE).setInstance(instance).build())
                .setTraceId(null)
                .build();
    }

    private <V> Future<RecordMetadata> send(Topic<String, V> topic, String key, V value) {
        byte[] bytes = topic.valueSerde().serializer().serialize(topic.name(), value);
        return producer.send(new ProducerRecord<>(topic.name(), key, bytes));
    }

    private static void await(List<Future<RecordMetadata>> sends, String what) {
        long deadline = System.nanoTime() + SEND_TIMEOUT.toNanos();
        try {
            for (Future<RecordMetadata> send : sends) {
                send.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            }
        } catch (TimeoutException e) {
            throw new GreenLangException(ErrorCode.NETWORK_TIMEOUT, "Kafka did not acknowledge the " + what
                    + " within " + SEND_TIMEOUT.toSeconds() + " s; nothing was answered, retry", e);
        } catch (ExecutionException e) {
            throw new GreenLangException(ErrorCode.NETWORK_REFUSED, "Kafka refused the " + what + ": "
                    + e.getCause().getMessage(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new GreenLangException(ErrorCode.NETWORK_TIMEOUT, "Interrupted while publishing the " + what, e);
        }
    }

    /** Flushes and closes the producer. */
    @Override
    public void close() {
        producer.close(SEND_TIMEOUT);
    }
}
