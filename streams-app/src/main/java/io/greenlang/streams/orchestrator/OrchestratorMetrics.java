package io.greenlang.streams.orchestrator;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import io.greenlang.common.error.ErrorCode;
import io.greenlang.common.metrics.GlMeters;
import io.greenlang.common.metrics.GlMetrics;
import io.greenlang.events.common.DeadLetter;
import io.greenlang.events.run.RunStatus;
import io.greenlang.events.run.StepStatus;
import io.greenlang.streams.errors.DeadLetterListener;

/**
 * What the run orchestrator counts: the catalogued {@code gl_*} meters (when a registry is given) and plain
 * counters of the records it ignored on purpose (duplicates, stragglers, commands that do not apply), which
 * tests read and which are not (yet) Prometheus metrics. One instance is shared by every stream task of an
 * application instance; it is thread-safe.
 *
 * <p>Under exactly-once a record whose transaction aborts is processed again, so these counts can run slightly
 * ahead of the committed history; they are operational signals, not the audit trail.
 */
public final class OrchestratorMetrics implements DeadLetterListener {

    private final GlMeters meters;
    private final AtomicLong activeRuns;
    private final AtomicLong ignoredStepEvents = new AtomicLong();
    private final AtomicLong duplicateRunRequests = new AtomicLong();
    private final AtomicLong ignoredRunCommands = new AtomicLong();
    private final AtomicLong deadLetters = new AtomicLong();
    private final AtomicLong stepCommands = new AtomicLong();

    /**
     * @param meters where the catalogued meters go, or {@code null} to count only the plain counters
     */
    public OrchestratorMetrics(GlMeters meters) {
        this.meters = meters;
        this.activeRuns = meters == null ? new AtomicLong() : meters.gauge(GlMetrics.ACTIVE_RUNS);
    }

    /** Counters only, no registry (tests, benchmarks). */
    public static OrchestratorMetrics unregistered() {
        return new OrchestratorMetrics(null);
    }

    /** Step events ignored because they were for an unknown run or step, an old attempt, or already applied. */
    public long ignoredStepEvents() {
        return ignoredStepEvents.get();
    }

    /** Run requests ignored because the run id was already known. */
    public long duplicateRunRequests() {
        return duplicateRunRequests.get();
    }

    /** Run commands ignored because the run was unknown, finished, or not in a state the command applies to. */
    public long ignoredRunCommands() {
        return ignoredRunCommands.get();
    }

    /** Records parked on the dead-letter topic by this application's handlers. */
    public long deadLetters() {
        return deadLetters.get();
    }

    /** Step commands (start and cancel) emitted. */
    public long stepCommands() {
        return stepCommands.get();
    }

    /** Runs in progress in the tasks of this instance ({@code gl_active_runs}). */
    public long activeRuns() {
        return activeRuns.get();
    }

    @Override
    public void deadLettered(DeadLetter letter) {
        deadLetters.incrementAndGet();
    }

    void ignoredStepEvent() {
        ignoredStepEvents.incrementAndGet();
    }

    void duplicateRunRequest() {
        duplicateRunRequests.incrementAndGet();
    }

    void ignoredRunCommand() {
        ignoredRunCommands.incrementAndGet();
    }

    void stepCommand() {
        stepCommands.incrementAndGet();
    }

    void activeRunsChanged(long delta) {
        activeRuns.addAndGet(delta);
    }

    void runCompleted(RunStatus status, String tenant) {
        if (meters != null) {
            meters.counter(GlMetrics.RUN_COMPLETED, outcome(status.name()), tenant).increment();
        }
    }

    void stepCompleted(StepStatus status, String agent, Duration duration) {
        if (meters != null) {
            meters.counter(GlMetrics.STEP_COMPLETED, outcome(status.name()), agent).increment();
            if (duration != null) {
                meters.timer(GlMetrics.STEP_DURATION, agent).record(duration);
            }
        }
    }

    void policyEvaluated(String engine, long nanos) {
        if (meters != null) {
            meters.timer(GlMetrics.POLICY_EVALUATION, engine).record(Duration.ofNanos(nanos));
        }
    }

    void policyViolation(String engine, String tenant) {
        if (meters != null) {
            meters.counter(GlMetrics.POLICY_VIOLATIONS, engine, tenant).increment();
        }
    }

    void error(ErrorCode code) {
        if (meters != null) {
            meters.recordError(code);
        }
    }

    /** The runbook's status label: success, failed or cancelled. */
    private static String outcome(String status) {
        return switch (status) {
            case "SUCCEEDED" -> "success";
            case "CANCELLED" -> "cancelled";
            default -> "failed";
        };
    }
}
