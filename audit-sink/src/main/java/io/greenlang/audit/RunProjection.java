package io.greenlang.audit;

import java.time.Instant;
import java.util.Objects;

/**
 * A run as the audit chain tells it ({@code audit_runs}): the fold of its RunEvents in chain order. Every value
 * comes from an event, so replaying the chain rebuilds the same projection. Not evidence: the chain is.
 *
 * @param runId      the run
 * @param tenantId   {@code meta.tenant_id} of its first event
 * @param status     {@code to_status} of its last run transition; null if it has had only step transitions
 * @param errorCode  {@code error_code} of its last run transition; null if none
 * @param createdAt  {@code meta.occurred_at} of its first event
 * @param updatedAt  {@code meta.occurred_at} of its last event
 * @param finishedAt {@code meta.occurred_at} of the run transition into SUCCEEDED, FAILED or CANCELLED while the
 *                   run is in that status; null otherwise
 * @param events     how many RunEvents (run and step transitions) the run has
 * @param lastSeq    the chain seq of its last event
 */
public record RunProjection(String runId, String tenantId, String status, String errorCode, Instant createdAt,
        Instant updatedAt, Instant finishedAt, long events, long lastSeq) {

    /** Validates the required fields. */
    public RunProjection {
        Objects.requireNonNull(runId, "runId");
        Objects.requireNonNull(tenantId, "tenantId");
        Objects.requireNonNull(createdAt, "createdAt");
        Objects.requireNonNull(updatedAt, "updatedAt");
    }

    /** True once the run is SUCCEEDED, FAILED or CANCELLED. */
    public boolean finished() {
        return finishedAt != null;
    }
}
