package io.greenlang.gateway;

import java.util.Optional;

import io.greenlang.audit.RunProjection;

/**
 * Runs the gateway accepted that the audit store may not know yet: between {@code POST /api/v1/runs} and the
 * orchestrator's first event reaching the audit sink, {@code GET /api/v1/runs/{id}} answers from here (status
 * {@code REQUESTED}, no events) instead of 404.
 */
@FunctionalInterface
public interface SubmittedRuns {

    /** No runs submitted through this gateway (a read-only gateway). */
    SubmittedRuns NONE = runId -> Optional.empty();

    /**
     * The accepted run of this id.
     *
     * @param runId the run id
     * @return the run as accepted, or empty
     */
    Optional<RunProjection> find(String runId);
}
