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
 * The critical demand is covered first from critical capacity. Fails when the remaining capacity
 * cannot cover the demands. Also fixes on/off and full-load decisions whose other value alone would lift the
 * bound above the best plan found (reduced-cost fixing).
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
    private final boolean[] critical;
    private final int criticalDemand;
    private final double[][] items;

    CostLowerBound(OperatingWindow[] windows, long[] unitCost, long[] startCost, BoolVar[] on, BoolVar[] full,
                   BoolVar[] partial, IntVar[] part, IntVar cost, int demand, boolean[] critical, int criticalDemand) {
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
        this.critical = critical;
        this.criticalDemand = criticalDemand;
        this.items = new double[2 * windows.length][];
    }

    @Override
    public void propagate(int evtmask) throws ContradictionException {
        double bound = bound(-1, 0, -1, 0);
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
            double stopped = bound(i, 0, -1, 0);
            if (Double.isNaN(stopped) || ceil(stopped) > upper) {
                on[i].setToTrue(this);
                continue;
            }
            double running = bound(i, 1, -1, 0);
            if (Double.isNaN(running) || ceil(running) > upper) {
                on[i].setToFalse(this);
            }
        }
        // The same for running at the window's top (full) of boilers that run.
        for (int i = 0; i < on.length; i++) {
            if (full[i] == null || full[i].isInstantiated() || on[i].getLB() == 0) {
                continue;
            }
            double below = bound(-1, 0, i, 0);
            if (Double.isNaN(below) || ceil(below) > upper) {
                full[i].setToTrue(this);
                continue;
            }
            double top = bound(-1, 0, i, 1);
            if (Double.isNaN(top) || ceil(top) > upper) {
                full[i].setToFalse(this);
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
        double bound = bound(-1, 0, -1, 0);
        return ESat.eval(!Double.isNaN(bound) && cost.getValue() >= ceil(bound));
    }

    /** The bound before any decision. */
    double rootBound() {
        double bound = bound(-1, 0, -1, 0);
        return Double.isNaN(bound) ? 0 : bound;
    }

    /**
     * The LP bound on the current domains, with boiler {@code fixed} (if not -1) taken as on ({@code value} 1) or off
     * (0), and boiler {@code fixedFull} (if not -1) at the top of its window or not; NaN when the demand can no
     * longer be covered.
     */
    private double bound(int fixed, int value, int fixedFull, int fullValue) {
        double committedCost = 0;
        long committedSupply = 0;
        long committedCritical = 0;
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
                int fullLb = i == fixedFull ? fullValue : full[i].getLB();
                int fullUb = i == fixedFull ? fullValue : full[i].getUB();
                minExtra = range * fullLb + (fullLb == 1 ? 0 : part[i].getLB());
                maxExtra = fullUb == 1 ? range : (partial[i].getUB() == 1 ? part[i].getUB() : 0);
                maxExtra = Math.max(minExtra, maxExtra);
            }
            if (onLb == 1) {
                committedCost += startCost[i] + unitCost[i] * (double) (w.lo() + minExtra);
                committedSupply += w.lo() + minExtra;
                committedCritical += critical[i] ? w.lo() + minExtra : 0;
                if (maxExtra > minExtra) {
                    items[count++] = new double[]{unitCost[i], maxExtra - minExtra, critical[i] ? 1 : 0};
                }
            } else {
                int capacity = w.lo() + maxExtra;
                if (capacity > 0) {
                    items[count++] = new double[]{unitCost[i] + startCost[i] / (double) capacity, capacity,
                        critical[i] ? 1 : 0};
                }
            }
        }
        double[][] sorted = Arrays.copyOf(items, count);
        Arrays.sort(sorted, (a, b) -> Double.compare(a[0], b[0]));
        // Critical demand first from the cheapest critical capacity (an optimal plan contains it), then the rest of
        // the demand from the cheapest capacity left: the LP optimum of the two nested covering constraints.
        double fill = 0;
        double taken = 0;
        double remainingCritical = criticalDemand - committedCritical;
        double[] left = new double[count];
        for (int k = 0; k < count; k++) {
            left[k] = sorted[k][1];
            if (remainingCritical > 0 && sorted[k][2] == 1) {
                double take = Math.min(remainingCritical, left[k]);
                fill += take * sorted[k][0];
                taken += take;
                left[k] -= take;
                remainingCritical -= take;
            }
        }
        if (remainingCritical > 1e-9) {
            return Double.NaN;
        }
        double remaining = demand - committedSupply - taken;
        for (int k = 0; k < count && remaining > 0; k++) {
            double take = Math.min(remaining, left[k]);
            fill += take * sorted[k][0];
            remaining -= take;
        }
        return remaining > 1e-9 ? Double.NaN : committedCost + fill;
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
