package io.greenlang.audit;

import java.time.Instant;
import java.util.Objects;

/**
 * One step of a run as the audit chain tells it ({@code audit_steps}): the fold of its step transitions in chain
 * order. Every value comes from an event, so replaying the chain rebuilds the same projection.
 *
 * @param runId      the run
 * @param step       the step name
 * @param attempt    {@code attempt} of its last transition; null if that transition had none
 * @param status     {@code to_status} of its last transition (a StepStatus symbol)
 * @param errorCode  {@code error_code} of its last transition; null if none
 * @param startedAt  {@code meta.occurred_at} of the transition into RUNNING of the current attempt; null before
 * @param finishedAt {@code meta.occurred_at} of the transition into a terminal status (SUCCEEDED, FAILED,
 *                   TIMED_OUT, SKIPPED, CANCELLED) while the step is in it; null otherwise
 * @param updatedAt  {@code meta.occurred_at} of its last transition
 */
public record StepProjection(String runId, String step, Integer attempt, String status, String errorCode,
        Instant startedAt, Instant finishedAt, Instant updatedAt) {

    /** Validates the required fields. */
    public StepProjection {
        Objects.requireNonNull(runId, "runId");
        Objects.requireNonNull(step, "step");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(updatedAt, "updatedAt");
    }
}
