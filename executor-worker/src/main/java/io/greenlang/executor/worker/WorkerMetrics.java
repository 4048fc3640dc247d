package io.greenlang.executor.worker;

import java.time.Duration;
import java.util.Map;

import io.greenlang.common.error.ErrorCode;
import io.greenlang.common.metrics.GlMeters;
import io.greenlang.common.metrics.GlMetrics;

/** The worker's meters, all from the catalogue: step durations, completions, errors and the active-steps gauge. */
final class WorkerMetrics {

    static final String SUCCESS = "success";
    static final String FAILED = "failed";
    static final String CANCELLED = "cancelled";

    private final GlMeters meters;

    WorkerMetrics(GlMeters meters, Map<?, ?> inFlight) {
        this.meters = meters;
        meters.gauge(GlMetrics.ACTIVE_STEPS, inFlight, Map::size);
    }

    /**
     * An attempt reached its end.
     *
     * @param agent    the agent id
     * @param status   {@value #SUCCESS}, {@value #FAILED} or {@value #CANCELLED}
     * @param duration launch to end, null when it never ran
     * @param failure  the code of a failure, else null
     */
    void completed(String agent, String status, Duration duration, ErrorCode failure) {
        meters.counter(GlMetrics.STEP_COMPLETED, status, agent).increment();
        if (duration != null) {
            meters.timer(GlMetrics.STEP_DURATION, agent).record(duration);
        }
        if (failure != null) {
            meters.recordError(failure);
        }
    }

    /** A failure not tied to an attempt's end (a report that could not be built, a log upload). */
    void error(ErrorCode code) {
        meters.recordError(code);
    }
}
