package io.greenlang.executor.worker;

import java.time.Instant;
import java.util.Map;
import java.util.UUID;

import io.greenlang.common.error.ErrorCode;
import io.greenlang.events.common.EventMeta;
import io.greenlang.events.common.Producer;
import io.greenlang.events.run.StepEvent;
import io.greenlang.events.run.StepEventKind;

/** Builds the worker's {@link StepEvent}s, each with a fresh envelope naming this worker instance. */
final class StepEvents {

    /** The message of the FAILED event that acknowledges a cancel (the orchestrator takes any FAILED as such). */
    static final String CANCELLED = "cancelled on request";

    private final String service;
    private final String instance;

    StepEvents(String service, String instance) {
        this.service = service;
        this.instance = instance;
    }

    /**
     * Who an event is about; not validated, so that even a command the worker cannot act on gets an answer.
     *
     * @param tenant  the tenant
     * @param runId   the run
     * @param step    the step
     * @param attempt the attempt
     * @param traceId the command's trace id, or null
     */
    record Subject(String tenant, String runId, String step, int attempt, String traceId) {
        static Subject of(Attempt attempt) {
            return new Subject(attempt.id.tenant(), attempt.id.runId(), attempt.id.step(), attempt.id.attempt(),
                    attempt.traceId);
        }
    }

    StepEvent started(Subject subject) {
        return builder(subject, StepEventKind.STARTED).build();
    }

    StepEvent heartbeat(Subject subject) {
        return builder(subject, StepEventKind.HEARTBEAT).build();
    }

    StepEvent succeeded(Subject subject, Map<String, String> outputs, String outputUri, String outputSha256,
                        Integer exitCode, long durationMs) {
        return builder(subject, StepEventKind.SUCCEEDED)
                .setOutputs(outputs)
                .setOutputUri(outputUri)
                .setOutputSha256(outputSha256)
                .setExitCode(exitCode)
                .setDurationMs(durationMs)
                .build();
    }

    /** A failure with its code, which also says whether it is retryable. */
    StepEvent failed(Subject subject, ErrorCode code, String message, Integer exitCode, Long durationMs) {
        return builder(subject, StepEventKind.FAILED)
                .setErrorCode(code.code())
                .setErrorMessage(message)
                .setExitCode(exitCode)
                .setDurationMs(durationMs)
                .setRetryable(code.isRetryable())
                .build();
    }

    /** The acknowledgement of a cancel: FAILED without a code. */
    StepEvent cancelled(Subject subject, Integer exitCode, Long durationMs) {
        return builder(subject, StepEventKind.FAILED)
                .setErrorMessage(CANCELLED)
                .setExitCode(exitCode)
                .setDurationMs(durationMs)
                .setRetryable(false)
                .build();
    }

    private StepEvent.Builder builder(Subject subject, StepEventKind kind) {
        return StepEvent.newBuilder()
                .setMeta(EventMeta.newBuilder()
                        .setEventId(UUID.randomUUID().toString())
                        .setOccurredAt(Instant.now())
                        .setTenantId(subject.tenant())
                        .setProducer(Producer.newBuilder().setService(service).setInstance(instance).build())
                        .setTraceId(subject.traceId())
                        .build())
                .setRunId(subject.runId())
                .setStep(subject.step())
                .setAttempt(subject.attempt())
                .setKind(kind);
    }
}
