package io.greenlang.streams.dispatch;

import java.time.Duration;
import java.util.Objects;
import java.util.Set;

import io.greenlang.common.config.GlConfig;

/**
 * When the dispatch planner solves and how long a solve may take.
 *
 * @param demandThresholdMw a demand change of at least this much (from the demand of the last solve) triggers a solve
 * @param period            every plant is solved again at least this often (wall clock)
 * @param solveTimeLimit    bound on one solve; the plan then says FEASIBLE with its gap
 * @param pollInterval      how often finished solves are forwarded and periodic solves are started (wall clock)
 * @param instance          producer instance name written into the plans' metadata
 * @param closedLoopPlants  plants whose plans are published with {@code advisory = false}, so that a scada-bridge
 *                          whose tag map enables write-back writes their setpoints to the plant; every other plan is
 *                          advisory (GL_DISPATCH_CLOSED_LOOP_PLANTS, empty by default)
 */
public record DispatchSettings(double demandThresholdMw, Duration period, Duration solveTimeLimit,
                               Duration pollInterval, String instance, Set<String> closedLoopPlants) {

    /** Service name written into the plans' metadata. */
    public static final String SERVICE = "streams-app";

    /** Validates. */
    public DispatchSettings {
        Objects.requireNonNull(period, "period");
        Objects.requireNonNull(solveTimeLimit, "solveTimeLimit");
        Objects.requireNonNull(pollInterval, "pollInterval");
        Objects.requireNonNull(instance, "instance");
        closedLoopPlants = Set.copyOf(closedLoopPlants);
        if (!(demandThresholdMw >= 0) || !positive(period) || !positive(solveTimeLimit) || !positive(pollInterval)) {
            throw new IllegalArgumentException("dispatch settings: threshold >= 0 and positive durations required");
        }
    }

    /** Settings under which every plan is advisory. */
    public DispatchSettings(double demandThresholdMw, Duration period, Duration solveTimeLimit, Duration pollInterval,
                            String instance) {
        this(demandThresholdMw, period, solveTimeLimit, pollInterval, instance, Set.of());
    }

    /** The same settings with these closed-loop plants. */
    public DispatchSettings withClosedLoopPlants(Set<String> plants) {
        return new DispatchSettings(demandThresholdMw, period, solveTimeLimit, pollInterval, instance, plants);
    }

    /** Whether the plans of this plant are advisory: true unless it is one of the closed-loop plants. */
    public boolean advisory(String plantId) {
        return !closedLoopPlants.contains(plantId);
    }

    private static boolean positive(Duration d) {
        return !d.isNegative() && !d.isZero();
    }

    /**
     * {@code GL_DISPATCH_DEMAND_THRESHOLD_MW}, {@code GL_DISPATCH_PERIOD_SECONDS},
     * {@code GL_DISPATCH_SOLVE_TIMEOUT_MS} and {@code GL_DISPATCH_CLOSED_LOOP_PLANTS}, forwarding every 200 ms.
     */
    public static DispatchSettings fromConfig(GlConfig config, String instance) {
        return new DispatchSettings(config.dispatchDemandThresholdMw(), config.dispatchPeriod(),
                config.dispatchSolveTimeout(), Duration.ofMillis(200), instance, config.dispatchClosedLoopPlants());
    }

    /**
     * 1 MW threshold, 5-minute period, 1 s solves (the runbook's target: p95 &lt; 5 s), forwarding every 200 ms,
     * every plan advisory.
     */
    public static DispatchSettings defaults(String instance) {
        return new DispatchSettings(1.0, Duration.ofMinutes(5), Duration.ofSeconds(1), Duration.ofMillis(200),
                instance);
    }
}
