package io.greenlang.streams.errors;

import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.streams.errors.DeserializationExceptionHandler;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A record whose key or value cannot be decoded (wrong magic bytes, unknown schema, truncated body) is written
 * to {@code gl.dlq} as a {@code DeadLetter} with its original bytes, and processing continues with the next
 * record. Bad input is the producer's fault, not ours: it is logged at WARN without a stack trace.
 *
 * <p>Installed with {@link DeadLetters#streamsProperties}; it must never let processing stop on bad bytes.
 */
public final class DeadLetterDeserializationHandler implements DeserializationExceptionHandler {

    private static final Logger log = LoggerFactory.getLogger(DeadLetterDeserializationHandler.class);

    private DeadLetters deadLetters;

    @Override
    public void configure(Map<String, ?> configs) {
        deadLetters = DeadLetters.fromConfig(configs);
    }

    @Override
    public Response handleError(ErrorHandlerContext context, ConsumerRecord<byte[], byte[]> record, Exception exception) {
        log.warn("Undecodable record {}-{}@{} sent to {}: {}", record.topic(), record.partition(), record.offset(),
                deadLetters.topic(), exception.getMessage());
        return Response.resume(List.of(deadLetters.record(record.key(), record.value(), record.topic(),
                record.partition(), record.offset(), DeadLetters.DESERIALIZATION_FAILED, exception,
                context.processorNodeId(), null)));
    }
}
