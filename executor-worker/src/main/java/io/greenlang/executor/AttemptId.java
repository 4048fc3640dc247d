package io.greenlang.executor;

import java.util.Objects;

import io.greenlang.common.artifact.ArtifactLayout;

/**
 * One attempt of one step of one run: the unit an executor launches, and what makes a launch idempotent
 * (a redelivered command for the same attempt adopts what is already running).
 *
 * @param tenant  the tenant that owns the run
 * @param runId   the run
 * @param step    the step's name
 * @param attempt the attempt, from 1
 */
public record AttemptId(String tenant, String runId, String step, int attempt) {

    /** Validates. */
    public AttemptId {
        Objects.requireNonNull(tenant, "tenant");
        Objects.requireNonNull(runId, "runId");
        Objects.requireNonNull(step, "step");
        if (attempt < 1) {
            throw new IllegalArgumentException("attempt starts at 1, got " + attempt);
        }
    }

    /** {@code <run>/<step>.<attempt>}, for logs and file names of the local state. */
    public String key() {
        return runId + "/" + ArtifactLayout.stepId(step, attempt);
    }

    @Override
    public String toString() {
        return tenant + ":" + key();
    }
}
