package io.greenlang.common.error;

/**
 * The runbook's error classes (§6 section headings): who has to act on a failure. Used as the
 * {@code error_class} label of {@code gl_errors_total} and to decide how a failure is logged (user errors at
 * INFO/WARN without a stack trace, system errors at ERROR). It must not be used to decide retries: that is
 * {@link RetryPolicy}'s job, per {@link ErrorCode}.
 */
public enum ErrorClass {
    /** The submitted pipeline, parameters or data are wrong; the user fixes them. */
    USER_CONFIG,
    /** The agent (or the orchestrator's own code) is wrong; a developer fixes it. */
    AGENT_BUG,
    /** A passing condition (timeout, network, rate limit, 5xx); retrying may succeed. */
    TRANSIENT,
    /** A policy, RBAC rule or tenant boundary refused the action. */
    POLICY_DENIED,
    /** A platform dependency failed (S3, database, image registry, cluster scheduling). */
    INFRASTRUCTURE,
    /** A step exceeded a resource limit (memory, quota, deadline). */
    RESOURCE;

    /** Whether the person who submitted the work, rather than the operator, must act. */
    public boolean isUserFacing() {
        return this == USER_CONFIG || this == POLICY_DENIED;
    }
}
