package io.greenlang.common.error;

/**
 * How a failure with a given {@link ErrorCode} is retried, as the runbook's Retry column says. The delays
 * themselves are computed by {@link Backoff}; this enum only names the policy and must not carry timing.
 */
public enum RetryPolicy {
    /** Never retried ("No", or no Retry column in the runbook). */
    NONE,
    /** Retried a fixed number of times after a fixed delay ("Yes (bounded)"). */
    BOUNDED,
    /** Retried with exponentially growing, fully jittered, capped delays ("Yes (exponential)"). */
    EXPONENTIAL;

    /** Whether a failure under this policy may be retried at all. */
    public boolean isRetryable() {
        return this != NONE;
    }
}
