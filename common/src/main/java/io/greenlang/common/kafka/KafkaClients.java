package io.greenlang.common.kafka;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

import io.greenlang.common.config.GlConfig;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds the properties (and clients) of every Kafka producer, consumer, admin client and Streams application
 * of a service from its {@link GlConfig}, so that the platform's delivery guarantees are set in one place.
 *
 * <p>Precedence, lowest first:
 * <ol>
 *   <li>platform defaults: {@code bootstrap.servers} from {@code GL_KAFKA_BOOTSTRAP_SERVERS}; producers
 *       idempotent with {@code acks=all}; consumers {@code isolation.level=read_committed},
 *       {@code enable.auto.commit=false}, {@code auto.offset.reset=earliest} (topics are the source of truth: a
 *       new group must not skip history); Streams {@code processing.guarantee=exactly_once_v2};</li>
 *   <li>the calling code's overrides (e.g. a {@code transactional.id});</li>
 *   <li>the operator's {@code GL_KAFKA_*} pass-through ({@link GlConfig#kafkaPassThrough()}), which always wins
 *       and applies to every client kind alike (a key a client does not know is ignored by Kafka with an INFO
 *       log).</li>
 * </ol>
 * When a pass-through value weakens a platform guarantee (idempotence, {@code acks}, isolation level, auto
 * commit, processing guarantee) a WARN names the key, never the value of other keys.
 *
 * <p>The Streams keys are literal strings: {@code kafka-streams} is not a dependency of {@code common} (it
 * would bring RocksDB to every service). This class must never log property values (pass-through may hold
 * SASL credentials) and never create a client the caller does not close.
 */
public final class KafkaClients {

    private static final Logger log = LoggerFactory.getLogger(KafkaClients.class);

    /** {@code StreamsConfig.APPLICATION_ID_CONFIG}. */
    public static final String STREAMS_APPLICATION_ID = "application.id";
    /** {@code StreamsConfig.PROCESSING_GUARANTEE_CONFIG}. */
    public static final String STREAMS_PROCESSING_GUARANTEE = "processing.guarantee";
    /**
     * Kafka Streams: the global (GlobalKTable) thread also uses the processing exception handler; the default from
     * Kafka 5.0, set now so global tables behave like the rest of the topology.
     */
    public static final String STREAMS_GLOBAL_EXCEPTION_HANDLER = "processing.exception.handler.global.enabled";
    /** {@code StreamsConfig.EXACTLY_ONCE_V2}. */
    public static final String EXACTLY_ONCE_V2 = "exactly_once_v2";

    private static final Map<String, String> PRODUCER_GUARANTEES = Map.of(
            ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true",
            ProducerConfig.ACKS_CONFIG, "all");
    private static final Map<String, String> CONSUMER_GUARANTEES = Map.of(
            ConsumerConfig.ISOLATION_LEVEL_CONFIG, IsolationLevel.READ_COMMITTED.toString(),
            ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    private static final Map<String, String> STREAMS_GUARANTEES = Map.of(
            STREAMS_PROCESSING_GUARANTEE, EXACTLY_ONCE_V2);

    private final GlConfig config;

    /**
     * @param config the service's configuration
     */
    public KafkaClients(GlConfig config) {
        this.config = Objects.requireNonNull(config, "config");
    }

    /**
     * Producer properties: idempotent, {@code acks=all}, {@code client.id=<service>-<clientId>}.
     *
     * @param clientId  distinguishes this producer within the service (unique per JVM)
     * @param overrides code-level settings, below the pass-through
     * @return a new mutable map
     */
    public Map<String, Object> producerProperties(String clientId, Map<String, ?> overrides) {
        Map<String, Object> props = base();
        props.put(CommonClientConfigs.CLIENT_ID_CONFIG, config.serviceName() + "-" + requireText(clientId, "clientId"));
        props.putAll(PRODUCER_GUARANTEES);
        return finish("producer", props, overrides, PRODUCER_GUARANTEES);
    }

    /**
     * {@link #producerProperties(String, Map)} without code-level overrides.
     *
     * @param clientId distinguishes this producer within the service
     * @return a new mutable map
     */
    public Map<String, Object> producerProperties(String clientId) {
        return producerProperties(clientId, Map.of());
    }

    /**
     * Consumer properties: {@code read_committed}, no auto commit, {@code auto.offset.reset=earliest}. The
     * client id is left to Kafka (unique per consumer instance).
     *
     * @param groupId   the consumer group
     * @param overrides code-level settings, below the pass-through
     * @return a new mutable map
     */
    public Map<String, Object> consumerProperties(String groupId, Map<String, ?> overrides) {
        Map<String, Object> props = base();
        props.put(ConsumerConfig.GROUP_ID_CONFIG, requireText(groupId, "groupId"));
        props.putAll(CONSUMER_GUARANTEES);
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        return finish("consumer", props, overrides, CONSUMER_GUARANTEES);
    }

    /**
     * {@link #consumerProperties(String, Map)} without code-level overrides.
     *
     * @param groupId the consumer group
     * @return a new mutable map
     */
    public Map<String, Object> consumerProperties(String groupId) {
        return consumerProperties(groupId, Map.of());
    }

    /**
     * Admin client properties: bootstrap servers, {@code client.id=<service>-admin}, pass-through.
     *
     * @return a new mutable map
     */
    public Map<String, Object> adminProperties() {
        Map<String, Object> props = base();
        props.put(AdminClientConfig.CLIENT_ID_CONFIG, config.serviceName() + "-admin");
        return finish("admin", props, Map.of(), Map.of());
    }

    /**
     * The base of a Kafka Streams configuration: {@code application.id}, bootstrap servers,
     * {@code processing.guarantee=exactly_once_v2} (which makes Streams' producers idempotent and transactional
     * and its consumers {@code read_committed}), then overrides and pass-through.
     *
     * @param applicationId the Streams application id (also the prefix of its internal topics: never change it
     *                      for a running application)
     * @param overrides     code-level settings, below the pass-through
     * @return a new mutable map
     */
    public Map<String, Object> streamsProperties(String applicationId, Map<String, ?> overrides) {
        Map<String, Object> props = base();
        props.put(STREAMS_APPLICATION_ID, requireText(applicationId, "applicationId"));
        props.put(STREAMS_GLOBAL_EXCEPTION_HANDLER, "true");
        props.putAll(STREAMS_GUARANTEES);
        return finish("streams", props, overrides, STREAMS_GUARANTEES);
    }

    /**
     * {@link #streamsProperties(String, Map)} without code-level overrides.
     *
     * @param applicationId the Streams application id
     * @return a new mutable map
     */
    public Map<String, Object> streamsProperties(String applicationId) {
        return streamsProperties(applicationId, Map.of());
    }

    /**
     * A producer with {@link #producerProperties(String)}.
     *
     * @param clientId        distinguishes this producer within the service
     * @param keySerializer   the key serializer
     * @param valueSerializer the value serializer
     * @param <K>             key type
     * @param <V>             value type
     * @return the producer; the caller closes it
     */
    public <K, V> Producer<K, V> newProducer(String clientId, Serializer<K> keySerializer,
                                             Serializer<V> valueSerializer) {
        return new KafkaProducer<>(producerProperties(clientId), keySerializer, valueSerializer);
    }

    /**
     * A consumer with {@link #consumerProperties(String)}.
     *
     * @param groupId           the consumer group
     * @param keyDeserializer   the key deserializer
     * @param valueDeserializer the value deserializer
     * @param <K>               key type
     * @param <V>               value type
     * @return the consumer; the caller closes it
     */
    public <K, V> Consumer<K, V> newConsumer(String groupId, Deserializer<K> keyDeserializer,
                                             Deserializer<V> valueDeserializer) {
        return new KafkaConsumer<>(consumerProperties(groupId), keyDeserializer, valueDeserializer);
    }

    /**
     * An admin client with {@link #adminProperties()}.
     *
     * @return the admin client; the caller closes it
     */
    public Admin newAdmin() {
        return Admin.create(adminProperties());
    }

    private Map<String, Object> base() {
        Map<String, Object> props = new LinkedHashMap<>();
        props.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, String.join(",", config.kafkaBootstrapServers()));
        return props;
    }

    private Map<String, Object> finish(String kind, Map<String, Object> props, Map<String, ?> overrides,
                                       Map<String, String> guarantees) {
        props.putAll(Objects.requireNonNull(overrides, "overrides"));
        Map<String, Object> passThrough = config.kafkaPassThrough();
        Set<String> weakened = new TreeSet<>();
        for (Map.Entry<String, String> g : guarantees.entrySet()) {
            Object value = passThrough.get(g.getKey());
            if (value != null && !g.getValue().equalsIgnoreCase(value.toString().trim())) {
                weakened.add(g.getKey());
            }
        }
        if (!weakened.isEmpty()) {
            log.warn("{} pass-through {} overrides the platform's delivery guarantee; set by {}", kind, weakened,
                    weakened.stream().map(GlConfig::kafkaPrefix).toList());
        }
        props.putAll(passThrough);
        return props;
    }

    private static String requireText(String value, String name) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(name + " must not be blank");
        }
        return value;
    }
}
