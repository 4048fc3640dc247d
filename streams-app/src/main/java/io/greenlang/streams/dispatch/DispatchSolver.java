package io.greenlang.streams.dispatch;

/**
 * Allocates a plant's heat demand to its boilers. Implementations must be thread-safe (the dispatch processor
 * solves several plants at once on a pool), must return within about the request's time limit, and must never
 * throw for a demand that cannot be met: that is an INFEASIBLE result with the shortfall.
 */
@FunctionalInterface
public interface DispatchSolver {

    /**
     * Solves one request.
     *
     * @param request the plant's boilers and demand
     * @return the plan
     */
    DispatchResult solve(DispatchRequest request);
}
