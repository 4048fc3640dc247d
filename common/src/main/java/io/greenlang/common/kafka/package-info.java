/**
 * Kafka client properties and clients built from the configuration, with the platform's delivery guarantees
 * ({@link io.greenlang.common.kafka.KafkaClients}).
 */
package io.greenlang.common.kafka;
