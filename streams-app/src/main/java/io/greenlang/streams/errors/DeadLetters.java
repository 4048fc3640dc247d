package io.greenlang.streams.errors;

import java.util.Map;

import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.streams.StreamsConfig;

import io.greenlang.common.kafka.DeadLetterEvents;
import io.greenlang.events.common.DeadLetter;
import io.greenlang.events.common.EventMeta;
import io.greenlang.topics.Topic;
import io.greenlang.topics.TopicCatalog;

/**
 * Builds the {@code gl.dlq} records that the dead-letter exception handlers hand back to Kafka Streams, and the
 * Streams properties that install those handlers. The value is the platform's {@link DeadLetter} event (Avro,
 * the catalog's serde), keyed by the original record's key bytes, so operators read every service's dead
 * letters the same way.
 *
 * <p>Kafka Streams' own {@code errors.dead.letter.queue.topic.name} (KIP-1034) is deliberately not used: it
 * writes the raw record with the error in headers, not a {@code DeadLetter}. The handlers return their records
 * through {@code Response.resume(List)}, so under exactly-once they are written in the same transaction as the
 * offsets that skip the bad record.
 */
public final class DeadLetters {

    /** Streams config key: name of the dead-letter topic (normally {@code catalog.deadLetters().name()}). */
    public static final String TOPIC_CONFIG = "greenlang.dlq.topic";
    /** Streams config key: an optional {@link DeadLetterListener} instance told about every dead letter. */
    public static final String LISTENER_CONFIG = "greenlang.dlq.listener";
    /** {@code DeadLetter.error_code} of a record whose bytes could not be decoded. */
    public static final String DESERIALIZATION_FAILED = DeadLetterEvents.DESERIALIZATION_FAILED;
    /** {@code DeadLetter.error_code} of a record that made a processor throw. */
    public static final String PROCESSING_FAILED = DeadLetterEvents.PROCESSING_FAILED;
    /** Tenant written in the envelope when the failed record's tenant cannot be known. */
    public static final String UNKNOWN_TENANT = DeadLetterEvents.UNKNOWN_TENANT;

    private static final String SERVICE = "streams-app";

    private final String topic;
    private final String applicationId;
    private final DeadLetterListener listener;
    private final Serializer<DeadLetter> serializer;

    private DeadLetters(String topic, String applicationId, DeadLetterListener listener, Serializer<DeadLetter> serializer) {
        this.topic = topic;
        this.applicationId = applicationId;
        this.listener = listener;
        this.serializer = serializer;
    }

    /**
     * The properties that install both dead-letter handlers and point them at {@code catalog}'s dead-letter
     * topic.
     *
     * @param catalog  the catalog whose {@code gl.dlq} receives the dead letters
     * @param listener told about every dead letter (metrics, tests), or {@code null}
     * @return a new mutable map to merge into the Streams properties
     */
    public static Map<String, Object> streamsProperties(TopicCatalog catalog, DeadLetterListener listener) {
        Map<String, Object> props = new java.util.HashMap<>();
        props.put(StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG, DeadLetterDeserializationHandler.class);
        props.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG, DeadLetterProcessingHandler.class);
        props.put(TOPIC_CONFIG, catalog.deadLetters().name());
        if (listener != null) {
            props.put(LISTENER_CONFIG, listener);
        }
        return props;
    }

    /** Reads the handler settings from the Streams configuration given to {@code configure}. */
    static DeadLetters fromConfig(Map<String, ?> configs) {
        Object topic = configs.get(TOPIC_CONFIG);
        if (!(topic instanceof String name) || name.isBlank()) {
            throw new ConfigException(TOPIC_CONFIG, topic, "the dead-letter handlers need the name of the dead-letter "
                    + "topic (use DeadLetters.streamsProperties(catalog, listener))");
        }
        Object listener = configs.get(LISTENER_CONFIG);
        if (listener != null && !(listener instanceof DeadLetterListener)) {
            throw new ConfigException(LISTENER_CONFIG, listener, "must be a " + DeadLetterListener.class.getName());
        }
        Object appId = configs.get(StreamsConfig.APPLICATION_ID_CONFIG);
        Topic<byte[], DeadLetter> dlq = TopicCatalog.standard().deadLetters();
        return new DeadLetters(name, appId == null ? "unknown-application" : appId.toString(),
                (DeadLetterListener) listener, dlq.valueSerde().serializer());
    }

    /** The name of the dead-letter topic. */
    String topic() {
        return topic;
    }

    /**
     * The dead-letter record for one failed input record.
     *
     * @param errorCode {@link #DESERIALIZATION_FAILED} or {@link #PROCESSING_FAILED}
     * @param processor the processor node that failed, or {@code null}
     * @param tenant    the tenant of the failed record, or {@code null} when unknown
     */
    ProducerRecord<byte[], byte[]> record(byte[] key, byte[] value, String sourceTopic, int partition, long offset,
                                          String errorCode, Exception error, String processor, String tenant) {
        DeadLetter letter = DeadLetterEvents.of(SERVICE, applicationId, key, value, sourceTopic, partition, offset,
                errorCode, error, applicationId + (processor == null ? "" : "/" + processor), tenant);
        if (listener != null) {
            listener.deadLettered(letter);
        }
        return new ProducerRecord<>(topic, null, key, serializer.serialize(topic, letter));
    }

    /** The tenant of a decoded event, when it carries the platform envelope. */
    static String tenantOf(Object value) {
        if (value instanceof SpecificRecord event && event.getSchema().getField("meta") != null
                && event.get(event.getSchema().getField("meta").pos()) instanceof EventMeta meta) {
            return meta.getTenantId();
        }
        return null;
    }

    /** The exception chain in one line: each type and message, outermost first, capped in length. */
    static String describe(Throwable error) {
        return DeadLetterEvents.describe(error);
    }
}
