package io.greenlang.streams.dispatch;

import java.util.List;

/**
 * The outcome of a solve: one allocation per boiler (in the request's order) and the figures of the plan.
 *
 * @param status             OPTIMAL (proven), FEASIBLE (not proven within the time bound), INFEASIBLE (the demand
 *                           cannot be met: the allocations then run every available boiler as high as its ramp
 *                           allows, critical heat included, and the shortfalls say what is missing), or TIMEOUT (no
 *                           plan found in time: no allocations)
 * @param allocations        one per boiler, in the request's order; empty on TIMEOUT
 * @param totalCost          cost of running the plan for one hour (fuel, carbon, starts)
 * @param emissionsKg        CO2-equivalent emissions of running the plan for one hour, kg
 * @param suppliedMw         heat the plan supplies, MW
 * @param shortfallMw        demand the plan cannot supply, MW (0 unless INFEASIBLE)
 * @param criticalShortfallMw critical demand the critical boilers cannot supply, MW; positive means HEAT_LOSS risk
 * @param gap                relative gap between the plan's cost and the proven lower bound; 0 when proven optimal
 * @param solveMs            wall-clock solve time, ms
 */
public record DispatchResult(Status status, List<Allocation> allocations, double totalCost, double emissionsKg,
                             double suppliedMw, double shortfallMw, double criticalShortfallMw, double gap,
                             long solveMs) {

    /** Copies the allocations. */
    public DispatchResult {
        allocations = List.copyOf(allocations);
    }

    /** Whether the plan leaves demand unmet (the caller raises a HEAT_LOSS risk when the critical part is short). */
    public boolean heatLossRisk() {
        return criticalShortfallMw > 0 || shortfallMw > 0;
    }

    /** Solver outcome; the names match the DispatchPlan schema's DispatchStatus. */
    public enum Status { OPTIMAL, FEASIBLE, INFEASIBLE, TIMEOUT }

    /**
     * The planned operating point of one boiler.
     *
     * @param assetId the boiler
     * @param on      whether it runs
     * @param loadMw  planned output, MW (0 when off)
     */
    public record Allocation(String assetId, boolean on, double loadMw) {
    }
}
