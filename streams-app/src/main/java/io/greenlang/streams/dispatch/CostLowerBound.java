package io.greenlang.streams.dispatch;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.chocosolver.solver.constraints.Propagator;
import org.chocosolver.solver.constraints.PropagatorPriority;
import org.chocosolver.solver.exception.ContradictionException;
import org.chocosolver.solver.variables.BoolVar;
import org.chocosolver.solver.variables.IntVar;
import org.chocosolver.util.ESat;

/**
 * Raises the lower bound of the dispatch cost to the LP relaxation of what is still undecided: committed load at
 * its cost, then the remaining demand filled from the cheapest capacity per unit (a fractional knapsack; a boiler
 * that may still stay off offers its whole window at its unit cost plus its start cost spread over the window).
 * Fails when the remaining capacity cannot cover the demand. Ignores the critical-demand constraint, so it stays a
 * valid bound.
 */
final class CostLowerBound extends Propagator<IntVar> {

    private final OperatingWindow[] windows;
    private final long[] unitCost;
    private final long[] startCost;
    private final BoolVar[] on;
    private final BoolVar[] full;
    private final BoolVar[] partial;
    private final IntVar[] part;
    private final IntVar cost;
    private final int demand;
    private final double[][] items;

    CostLowerBound(OperatingWindow[] windows, long[] unitCost, long[] startCost, BoolVar[] on, BoolVar[] full,
                   BoolVar[] partial, IntVar[] part, IntVar cost, int demand) {
        super(scope(on, full, partial, part, cost), PropagatorPriority.LINEAR, false);
        this.windows = windows;
        this.unitCost = unitCost;
        this.startCost = startCost;
        this.on = on;
        this.full = full;
        this.partial = partial;
        this.part = part;
        this.cost = cost;
        this.demand = demand;
        this.items = new double[2 * windows.length][];
    }

    @Override
    public void propagate(int evtmask) throws ContradictionException {
        double bound = bound(-1, 0);
        if (Double.isNaN(bound)) {
            fails();
        }
        cost.updateLowerBound(ceil(bound), this);
        // Reduced-cost fixing: a boiler whose stopping (or running) alone lifts the bound above the best known
        // cost is fixed the other way.
        int upper = cost.getUB();
        for (int i = 0; i < on.length; i++) {
            if (on[i] == null || on[i].isInstantiated()) {
                continue;
            }
            double stopped = bound(i, 0);
            if (Double.isNaN(stopped) || ceil(stopped) > upper) {
                on[i].setToTrue(this);
                continue;
            }
            double running = bound(i, 1);
            if (Double.isNaN(running) || ceil(running) > upper) {
                on[i].setToFalse(this);
            }
        }
    }

    private static int ceil(double bound) {
        return (int) Math.ceil(bound - 1e-6);
    }

    @Override
    public ESat isEntailed() {
        if (!isCompletelyInstantiated()) {
            return ESat.UNDEFINED;
        }
        double bound = bound(-1, 0);
        return ESat.eval(!Double.isNaN(bound) && cost.getValue() >= ceil(bound));
    }

    /** The bound before any decision. */
    double rootBound() {
        double bound = bound(-1, 0);
        return Double.isNaN(bound) ? 0 : bound;
    }

    /**
     * The LP bound on the current domains, with boiler {@code fixed} (if not -1) taken as on ({@code value} 1) or off
     * (0); NaN when the demand can no longer be covered.
     */
    private double bound(int fixed, int value) {
        double committedCost = 0;
        long committedSupply = 0;
        int count = 0;
        for (int i = 0; i < windows.length; i++) {
            int onLb = i == fixed ? value : (on[i] == null ? 0 : on[i].getLB());
            int onUb = i == fixed ? value : (on[i] == null ? 0 : on[i].getUB());
            if (onUb == 0) {
                continue;
            }
            OperatingWindow w = windows[i];
            int range = w.hi() - w.lo();
            int minExtra = 0;
            int maxExtra = 0;
            if (full[i] != null) {
                minExtra = range * full[i].getLB() + part[i].getLB();
                maxExtra = full[i].getUB() == 1 ? range : (partial[i].getUB() == 1 ? part[i].getUB() : 0);
                maxExtra = Math.max(minExtra, maxExtra);
            }
            if (onLb == 1) {
                committedCost += startCost[i] + unitCost[i] * (double) (w.lo() + minExtra);
                committedSupply += w.lo() + minExtra;
                if (maxExtra > minExtra) {
                    items[count++] = new double[]{unitCost[i], maxExtra - minExtra};
                }
            } else {
                int capacity = w.lo() + maxExtra;
                if (capacity > 0) {
                    items[count++] = new double[]{unitCost[i] + startCost[i] / (double) capacity, capacity};
                }
            }
        }
        double remaining = demand - committedSupply;
        if (remaining <= 0) {
            return committedCost;
        }
        double[][] sorted = Arrays.copyOf(items, count);
        Arrays.sort(sorted, (a, b) -> Double.compare(a[0], b[0]));
        double fill = 0;
        for (double[] item : sorted) {
            double take = Math.min(remaining, item[1]);
            fill += take * item[0];
            remaining -= take;
            if (remaining <= 0) {
                return committedCost + fill;
            }
        }
        return Double.NaN;
    }

    private static IntVar[] scope(BoolVar[] on, BoolVar[] full, BoolVar[] partial, IntVar[] part, IntVar cost) {
        List<IntVar> vars = new ArrayList<>();
        for (int i = 0; i < on.length; i++) {
            if (on[i] != null) {
                vars.add(on[i]);
            }
            if (full[i] != null) {
                vars.add(full[i]);
                vars.add(partial[i]);
                vars.add(part[i]);
            }
        }
        vars.add(cost);
        return vars.toArray(IntVar[]::new);
    }
}
