/**
 * Kafka Streams exception handlers shared by the platform's topologies: records that cannot be decoded, or that
 * make a processor throw, are parked on {@code gl.dlq} as {@code DeadLetter} events (original bytes, topic,
 * partition, offset, error) and processing continues.
 */
package io.greenlang.streams.errors;
