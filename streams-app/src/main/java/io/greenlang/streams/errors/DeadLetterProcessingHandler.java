package io.greenlang.streams.errors;

import java.util.List;
import java.util.Map;

import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProcessingExceptionHandler;
import org.apache.kafka.streams.processor.api.Record;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A record that makes a processor throw is written to {@code gl.dlq} as a {@code DeadLetter} holding the bytes of
 * the source record that was being processed, and processing continues. This is a bug or a record our code does
 * not expect, so it is logged at ERROR with the stack trace.
 *
 * <p>An exception thrown by a punctuator has no source record: there is nothing to park, so it is logged at
 * ERROR and processing continues (the next punctuation runs again). Processors must therefore apply a
 * record's effects only once nothing can throw any more, so that a skipped record leaves no half-applied state.
 */
public final class DeadLetterProcessingHandler implements ProcessingExceptionHandler {

    private static final Logger log = LoggerFactory.getLogger(DeadLetterProcessingHandler.class);

    private DeadLetters deadLetters;

    @Override
    public void configure(Map<String, ?> configs) {
        deadLetters = DeadLetters.fromConfig(configs);
    }

    @Override
    public Response handleError(ErrorHandlerContext context, Record<?, ?> record, Exception exception) {
        if (record == null || context.topic() == null || context.offset() < 0
                || context.sourceRawValue() == null && context.sourceRawKey() == null) {
            log.error("Processor {} of task {} failed outside of a source record (punctuation); continuing",
                    context.processorNodeId(), context.taskId(), exception);
            return Response.resume();
        }
        log.error("Processor {} failed on record {}-{}@{}; record sent to {}", context.processorNodeId(),
                context.topic(), context.partition(), context.offset(), deadLetters.topic(), exception);
        return Response.resume(List.of(deadLetters.record(context.sourceRawKey(), context.sourceRawValue(),
                context.topic(), context.partition(), context.offset(), DeadLetters.PROCESSING_FAILED, exception,
                context.processorNodeId(), DeadLetters.tenantOf(record.value()))));
    }
}
