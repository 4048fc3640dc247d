package io.greenlang.common.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import java.util.Optional;

import io.greenlang.common.config.GlConfig;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

class KafkaClientsTest {

    private static KafkaClients clients(Map<String, String> env) {
        return new KafkaClients(GlConfig.load(env, Optional.empty()));
    }

    @Test
    void shouldMakeProducersIdempotentWithAcksAll() {
        Map<String, Object> props = clients(Map.of("GL_SERVICE_NAME", "executor-worker",
                "GL_KAFKA_BOOTSTRAP_SERVERS", "b1:9092,b2:9092")).producerProperties("step-events");

        assertThat(props)
                .containsEntry(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, "b1:9092,b2:9092")
                .containsEntry(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true")
                .containsEntry(ProducerConfig.ACKS_CONFIG, "all")
                .containsEntry(ProducerConfig.CLIENT_ID_CONFIG, "executor-worker-step-events");
        assertThat(ProducerConfig.configNames()).containsAll(props.keySet());
    }

    @Test
    void shouldMakeConsumersReadCommittedWithoutAutoCommit() {
        Map<String, Object> props = clients(Map.of()).consumerProperties("audit-sink");

        assertThat(props)
                .containsEntry(ConsumerConfig.GROUP_ID_CONFIG, "audit-sink")
                .containsEntry(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed")
                .containsEntry(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false")
                .containsEntry(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        assertThat(ConsumerConfig.configNames()).containsAll(props.keySet());
    }

    @Test
    void shouldRunStreamsExactlyOnceV2() {
        Map<String, Object> props = clients(Map.of()).streamsProperties("gl-streams-app");

        assertThat(props)
                .containsEntry("application.id", "gl-streams-app")
                .containsEntry("processing.guarantee", "exactly_once_v2")
                .containsEntry("bootstrap.servers", "localhost:9092");
    }

    @Test
    void shouldHandleGlobalTableProcessingErrorsLikeTheRestOfTheTopology() {
        assertThat(clients(Map.of()).streamsProperties("gl-gateway-state"))
                .containsEntry(KafkaClients.STREAMS_GLOBAL_EXCEPTION_HANDLER, "true");
    }

    @Test
    void shouldApplyPassThroughToEveryClientKind() {
        KafkaClients clients = clients(Map.of("GL_KAFKA_SECURITY_PROTOCOL", "SASL_SSL"));

        assertThat(clients.producerProperties("p")).containsEntry("security.protocol", "SASL_SSL");
        assertThat(clients.consumerProperties("g")).containsEntry("security.protocol", "SASL_SSL");
        assertThat(clients.adminProperties()).containsEntry("security.protocol", "SASL_SSL");
        assertThat(clients.streamsProperties("app")).containsEntry("security.protocol", "SASL_SSL");
    }

    @Test
    void shouldLetPassThroughOverrideCodeOverridesWhichOverrideDefaults() {
        KafkaClients clients = clients(Map.of("GL_KAFKA_LINGER_MS", "20", "GL_KAFKA_ISOLATION_LEVEL", "read_uncommitted"));

        Map<String, Object> producer = clients.producerProperties("p",
                Map.of(ProducerConfig.LINGER_MS_CONFIG, "5", ProducerConfig.TRANSACTIONAL_ID_CONFIG, "tx-1"));
        Map<String, Object> consumer = clients.consumerProperties("g",
                Map.of(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "latest"));

        assertThat(producer).containsEntry(ProducerConfig.LINGER_MS_CONFIG, "20")
                .containsEntry(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "tx-1");
        assertThat(consumer).containsEntry(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "latest")
                .containsEntry(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_uncommitted");
    }

    @Test
    void shouldRejectBlankIdentifiers() {
        KafkaClients clients = clients(Map.of());

        assertThatThrownBy(() -> clients.consumerProperties(" ")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> clients.producerProperties("")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> clients.streamsProperties(null)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void shouldProducePropertiesThatKafkasOwnConfigClassesAccept() {
        KafkaClients clients = clients(Map.of("GL_KAFKA_SECURITY_PROTOCOL", "SSL"));
        Map<String, Object> producer = clients.producerProperties("p");
        producer.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        producer.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        Map<String, Object> consumer = clients.consumerProperties("g");
        consumer.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        consumer.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);

        assertThat(new ProducerConfig(producer).getBoolean(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG)).isTrue();
        assertThat(new ConsumerConfig(consumer).getString(ConsumerConfig.ISOLATION_LEVEL_CONFIG))
                .isEqualTo("read_committed");
        assertThat(new AdminClientConfig(clients.adminProperties()).getString(AdminClientConfig.SECURITY_PROTOCOL_CONFIG))
                .isEqualTo("SSL");
    }
}
