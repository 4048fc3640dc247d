package io.greenlang.streams.orchestrator;

import java.time.Duration;
import java.util.Objects;
import java.util.function.Function;

import io.greenlang.common.config.GlConfig;
import io.greenlang.common.error.Backoff;
import io.greenlang.common.error.RetryPolicy;

/**
 * The knobs of the run orchestrator topology. Immutable; derive variants with the {@code with...} methods.
 *
 * @param maxParallelSteps       steps of one run dispatched (DISPATCHED or RUNNING) at once
 *                               ({@code GL_MAX_PARALLEL_STEPS})
 * @param maxTenantParallelSteps steps of one tenant dispatched at once across the runs of one stream task (one
 *                               partition of the run topics; see {@link RunOrchestratorTopology} for why it is per
 *                               task); {@code GL_MAX_TENANT_PARALLEL_STEPS}
 * @param cancelGracePeriod      how long a cancelled or failing run waits for its running steps to acknowledge
 *                               their cancel command before it is closed anyway
 * @param punctuationInterval    how often (wall-clock) the schedule store is scanned for due retries, timeouts
 *                               and grace periods; the resolution of those timers
 * @param terminalRetention      how long a finished run stays in the state store (a duplicate request for it is
 *                               recognised and ignored within this time)
 * @param runStateInterval       how often (wall-clock) the latest {@code RunState} of the runs that changed is
 *                               written; zero writes it after every change. A run's final state is always written
 *                               at once. Coalescing matters under load: a RunState carries every step, and a busy
 *                               run changes several times per interval
 * @param backoffs               the backoff of each retry policy (the platform's {@link Backoff#defaultFor}); the
 *                               step's {@code retries} caps its attempts further
 * @param instance               this instance's name in the {@code producer} of every event it writes
 */
public record OrchestratorSettings(int maxParallelSteps, int maxTenantParallelSteps, Duration cancelGracePeriod,
                                   Duration punctuationInterval, Duration terminalRetention,
                                   Duration runStateInterval, Function<RetryPolicy, Backoff> backoffs,
                                   String instance) {

    /** Default of {@link #maxTenantParallelSteps()}. */
    public static final int DEFAULT_MAX_TENANT_PARALLEL_STEPS = 100;
    /** Default of {@link #cancelGracePeriod()}. */
    public static final Duration DEFAULT_CANCEL_GRACE_PERIOD = Duration.ofSeconds(30);
    /** Default of {@link #punctuationInterval()}. */
    public static final Duration DEFAULT_PUNCTUATION_INTERVAL = Duration.ofMillis(500);
    /** Default of {@link #terminalRetention()}: the retention of {@code gl.run.requests}. */
    public static final Duration DEFAULT_TERMINAL_RETENTION = Duration.ofDays(30);
    /** Default of {@link #runStateInterval()}. */
    public static final Duration DEFAULT_RUN_STATE_INTERVAL = Duration.ofMillis(100);

    /** Validates every value. */
    public OrchestratorSettings {
        if (maxParallelSteps < 1) {
            throw new IllegalArgumentException("maxParallelSteps must be at least 1, was " + maxParallelSteps);
        }
        if (maxTenantParallelSteps < 1) {
            throw new IllegalArgumentException("maxTenantParallelSteps must be at least 1, was "
                    + maxTenantParallelSteps);
        }
        requirePositive(cancelGracePeriod, "cancelGracePeriod");
        requirePositive(punctuationInterval, "punctuationInterval");
        requirePositive(terminalRetention, "terminalRetention");
        Objects.requireNonNull(runStateInterval, "runStateInterval");
        if (runStateInterval.isNegative()) {
            throw new IllegalArgumentException("runStateInterval must not be negative, was " + runStateInterval);
        }
        Objects.requireNonNull(backoffs, "backoffs");
        Objects.requireNonNull(instance, "instance");
    }

    /** Every value at its default, with {@code GL_MAX_PARALLEL_STEPS}'s default of 10. */
    public static OrchestratorSettings defaults() {
        return fromConfig(GlConfig.defaults());
    }

    /** The settings from the service configuration; what it does not declare yet stays at its default. */
    public static OrchestratorSettings fromConfig(GlConfig config) {
        return new OrchestratorSettings(config.maxParallelSteps(), config.maxTenantParallelSteps(),
                DEFAULT_CANCEL_GRACE_PERIOD, DEFAULT_PUNCTUATION_INTERVAL, DEFAULT_TERMINAL_RETENTION,
                DEFAULT_RUN_STATE_INTERVAL, Backoff::defaultFor, defaultInstance());
    }

    /** A copy with another per-run step cap. */
    public OrchestratorSettings withMaxParallelSteps(int value) {
        return new OrchestratorSettings(value, maxTenantParallelSteps, cancelGracePeriod, punctuationInterval,
                terminalRetention, runStateInterval, backoffs, instance);
    }

    /** A copy with another per-tenant step cap. */
    public OrchestratorSettings withMaxTenantParallelSteps(int value) {
        return new OrchestratorSettings(maxParallelSteps, value, cancelGracePeriod, punctuationInterval,
                terminalRetention, runStateInterval, backoffs, instance);
    }

    /** A copy with another cancel grace period. */
    public OrchestratorSettings withCancelGracePeriod(Duration value) {
        return new OrchestratorSettings(maxParallelSteps, maxTenantParallelSteps, value, punctuationInterval,
                terminalRetention, runStateInterval, backoffs, instance);
    }

    /** A copy with another punctuation interval. */
    public OrchestratorSettings withPunctuationInterval(Duration value) {
        return new OrchestratorSettings(maxParallelSteps, maxTenantParallelSteps, cancelGracePeriod, value,
                terminalRetention, runStateInterval, backoffs, instance);
    }

    /** A copy with another retention of finished runs. */
    public OrchestratorSettings withTerminalRetention(Duration value) {
        return new OrchestratorSettings(maxParallelSteps, maxTenantParallelSteps, cancelGracePeriod, punctuationInterval,
                value, runStateInterval, backoffs, instance);
    }

    /** A copy with another RunState interval (zero: after every change). */
    public OrchestratorSettings withRunStateInterval(Duration value) {
        return new OrchestratorSettings(maxParallelSteps, maxTenantParallelSteps, cancelGracePeriod, punctuationInterval,
                terminalRetention, value, backoffs, instance);
    }

    /** A copy with other backoffs (tests pass seeded ones). */
    public OrchestratorSettings withBackoffs(Function<RetryPolicy, Backoff> value) {
        return new OrchestratorSettings(maxParallelSteps, maxTenantParallelSteps, cancelGracePeriod, punctuationInterval,
                terminalRetention, runStateInterval, value, instance);
    }

    /** A copy with another instance name. */
    public OrchestratorSettings withInstance(String value) {
        return new OrchestratorSettings(maxParallelSteps, maxTenantParallelSteps, cancelGracePeriod, punctuationInterval,
                terminalRetention, runStateInterval, backoffs, value);
    }

    private static String defaultInstance() {
        String host = System.getenv("HOSTNAME");
        return (host == null || host.isBlank() ? "local" : host) + ":" + ProcessHandle.current().pid();
    }

    private static void requirePositive(Duration d, String name) {
        Objects.requireNonNull(d, name);
        if (d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(name + " must be positive, was " + d);
        }
    }
}
