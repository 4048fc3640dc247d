package io.greenlang.streams.dispatch;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

import org.chocosolver.solver.Model;
import org.chocosolver.solver.Solver;
import org.chocosolver.solver.constraints.Constraint;
import org.chocosolver.solver.search.strategy.Search;
import org.chocosolver.solver.variables.BoolVar;
import org.chocosolver.solver.variables.IntVar;

/**
 * {@link DispatchSolver} on choco-solver: a mixed on/off and load model in integer units of 0.1 MW, minimising
 * the cost of one hour of the plan (fuel plus carbon per MWh, in cents, plus start costs).
 *
 * <p>Per boiler: {@code on} (fixed when the ramp rule forbids stopping or the boiler is unavailable), and its load
 * as {@code lo*on + range*full + part} over its {@link OperatingWindow} {@code [lo, hi]}, {@code range = hi - lo}.
 * Constraints: supply at least the demand; the critical boilers' supply at least the critical demand; {@code full +
 * partial <= on}; and at most one part-loaded boiler among the critical and one among the others (an optimal plan
 * always has this shape: two part-loaded boilers of one kind could shift load between them without changing either
 * sum, and the cheaper direction does not raise the cost). A propagator ({@link CostLowerBound}) bounds the cost
 * from below by the LP relaxation (a fractional knapsack over the undecided capacity), which is what makes 50
 * boilers provable in well under a second; a greedy plan is the first incumbent;
 * the search decides on/off cheapest-first, running first, then the loads by {@code domOverWDeg}, all under
 * {@code lastConflict}.
 *
 * <p>A demand above what the available boilers can reach is not solved: the plan runs every available boiler as
 * high as its ramp allows (critical heat is served first because nothing is held back) and reports INFEASIBLE with
 * the shortfall. Thread-safe: every solve builds its own model.
 */
public final class ChocoDispatchSolver implements DispatchSolver {

    @Override
    public DispatchResult solve(DispatchRequest request) {
        long started = System.nanoTime();
        List<Boiler> boilers = request.boilers();
        int n = boilers.size();
        OperatingWindow[] windows = new OperatingWindow[n];
        long[] unitCost = new long[n];
        long[] startCost = new long[n];
        long maxSupply = 0;
        long maxCritical = 0;
        for (int i = 0; i < n; i++) {
            Boiler b = boilers.get(i);
            windows[i] = OperatingWindow.of(b);
            double centsPerUnit = marginalCost(b, request.carbonPricePerTonne()) * 100 / OperatingWindow.UNITS_PER_MW;
            unitCost[i] = Math.round(centsPerUnit);
            startCost[i] = b.running() ? 0 : Math.round(b.startCost() * 100);
            if (windows[i].canRun()) {
                maxSupply += windows[i].hi();
                maxCritical += b.critical() ? windows[i].hi() : 0;
            }
        }
        int demand = OperatingWindow.up(request.demandMw());
        int criticalDemand = OperatingWindow.up(request.criticalDemandMw());
        if (demand > maxSupply || criticalDemand > maxCritical) {
            int[] loads = new int[n];
            for (int i = 0; i < n; i++) {
                loads[i] = windows[i].canRun() ? windows[i].hi() : 0;
            }
            return result(request, DispatchResult.Status.INFEASIBLE, loads, 0, started);
        }

        Model model = new Model("dispatch-" + request.plantId());
        BoolVar[] on = new BoolVar[n];
        BoolVar[] full = new BoolVar[n];
        BoolVar[] partial = new BoolVar[n];
        IntVar[] part = new IntVar[n];
        List<IntVar> supplyVars = new ArrayList<>();
        List<Integer> supplyCoeffs = new ArrayList<>();
        List<IntVar> criticalVars = new ArrayList<>();
        List<Integer> criticalCoeffs = new ArrayList<>();
        List<IntVar> costVars = new ArrayList<>();
        List<Integer> costCoeffs = new ArrayList<>();
        List<BoolVar> partialCritical = new ArrayList<>();
        List<BoolVar> partialOther = new ArrayList<>();
        List<IntVar> decisions = new ArrayList<>();
        long maxCost = 0;
        for (int i = 0; i < n; i++) {
            OperatingWindow w = windows[i];
            if (!w.canRun()) {
                continue;
            }
            boolean critical = boilers.get(i).critical();
            on[i] = w.canStop() ? model.boolVar("on" + i) : model.boolVar("on" + i, true);
            decisions.add(on[i]);
            add(supplyVars, supplyCoeffs, criticalVars, criticalCoeffs, critical, on[i], w.lo());
            costVars.add(on[i]);
            costCoeffs.add(Math.toIntExact(startCost[i] + unitCost[i] * w.lo()));
            int range = w.hi() - w.lo();
            maxCost += startCost[i] + unitCost[i] * w.hi();
            if (range > 0) {
                full[i] = model.boolVar("full" + i);
                partial[i] = model.boolVar("partial" + i);
                part[i] = model.intVar("part" + i, 0, range - 1);
                model.scalar(new IntVar[]{full[i], partial[i], on[i]}, new int[]{1, 1, -1}, "<=", 0).post();
                model.scalar(new IntVar[]{part[i], partial[i]}, new int[]{1, -(range - 1)}, "<=", 0).post();
                (critical ? partialCritical : partialOther).add(partial[i]);
                add(supplyVars, supplyCoeffs, criticalVars, criticalCoeffs, critical, full[i], range);
                add(supplyVars, supplyCoeffs, criticalVars, criticalCoeffs, critical, part[i], 1);
                costVars.add(full[i]);
                costCoeffs.add(Math.toIntExact(unitCost[i] * range));
                costVars.add(part[i]);
                costCoeffs.add(Math.toIntExact(unitCost[i]));
                decisions.add(full[i]);
                decisions.add(partial[i]);
                decisions.add(part[i]);
            }
        }
        if (!partialCritical.isEmpty()) {
            model.sum(partialCritical.toArray(BoolVar[]::new), "<=", 1).post();
        }
        if (!partialOther.isEmpty()) {
            model.sum(partialOther.toArray(BoolVar[]::new), "<=", 1).post();
        }
        model.scalar(supplyVars.toArray(IntVar[]::new), ints(supplyCoeffs), ">=", demand).post();
        if (criticalDemand > 0) {
            model.scalar(criticalVars.toArray(IntVar[]::new), ints(criticalCoeffs), ">=", criticalDemand).post();
        }
        IntVar cost = model.intVar("cost", 0, Math.toIntExact(maxCost));
        model.scalar(costVars.toArray(IntVar[]::new), ints(costCoeffs), "=", cost).post();
        boolean[] critical = new boolean[n];
        for (int i = 0; i < n; i++) {
            critical[i] = boilers.get(i).critical();
        }
        CostLowerBound bound = new CostLowerBound(windows, unitCost, startCost, on, full, partial, part, cost, demand,
                critical, criticalDemand);
        new Constraint("cost-lower-bound", bound).post();
        double rootBound = bound.rootBound();
        model.setObjective(Model.MINIMIZE, cost);

        int[] best = greedy(request, windows, unitCost, startCost, demand, criticalDemand);
        long bestCost = best == null ? 0 : planCost(best, windows, unitCost, startCost);
        if (best != null) {
            // The model only has to beat the greedy plan; if it cannot, the greedy plan is proven optimal.
            model.arithm(cost, "<", Math.toIntExact(bestCost)).post();
        }
        Solver solver = model.getSolver();
        IntVar[] decisionVars = decisions.toArray(IntVar[]::new);
        // Stopped-or-running decisions first, cheapest per MW first and running first (a knapsack-style
        // depth-first search that the cost bound prunes), then the loads.
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        Arrays.sort(order, Comparator.comparingDouble(i -> perMwAtFullLoad(i, windows, unitCost, startCost)));
        List<IntVar> onSorted = new ArrayList<>();
        for (int i : order) {
            if (on[i] != null) {
                onSorted.add(on[i]);
            }
        }
        solver.setSearch(Search.lastConflict(Search.sequencer(
                Search.inputOrderUBSearch(onSorted.toArray(IntVar[]::new)), Search.domOverWDegSearch(decisionVars))));
        solver.limitTime(request.timeLimit().toMillis());
        while (solver.solve()) {
            best = new int[n];
            for (int i = 0; i < n; i++) {
                if (on[i] != null && on[i].getValue() == 1) {
                    OperatingWindow w = windows[i];
                    best[i] = w.lo() + (full[i] == null ? 0
                            : (w.hi() - w.lo()) * full[i].getValue() + part[i].getValue());
                }
            }
            bestCost = cost.getValue();
        }
        if (best == null) {
            return new DispatchResult(DispatchResult.Status.TIMEOUT, List.of(), 0, 0, 0, 0, 0, 1,
                    elapsedMs(started));
        }
        boolean proven = !solver.isStopCriterionMet();
        double gap = proven || bestCost == 0 ? 0 : Math.max(0, (bestCost - rootBound) / bestCost);
        return result(request, proven ? DispatchResult.Status.OPTIMAL : DispatchResult.Status.FEASIBLE, best, gap,
                started);
    }

    /**
     * A feasible plan to start from: committed boilers at their minimum, then critical boilers (for the critical
     * demand) and the rest (for the total), cheapest per MW at full load first, each raised to its maximum; then
     * the most expensive load trimmed back while both demands stay covered. Null when this misses a feasible plan.
     */
    static int[] greedy(DispatchRequest request, OperatingWindow[] windows, long[] unitCost, long[] startCost,
                        int demand, int criticalDemand) {
        int n = windows.length;
        List<Boiler> boilers = request.boilers();
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        Arrays.sort(order, Comparator.comparingDouble(i -> perMwAtFullLoad(i, windows, unitCost, startCost)));
        int[] loads = new int[n];
        long supply = 0;
        long critical = 0;
        for (int i = 0; i < n; i++) {
            if (windows[i].canRun() && !windows[i].canStop()) {
                loads[i] = windows[i].lo();
                supply += loads[i];
                critical += boilers.get(i).critical() ? loads[i] : 0;
            }
        }
        for (int pass = 0; pass < 2; pass++) {
            for (int i : order) {
                boolean isCritical = boilers.get(i).critical();
                boolean short_ = pass == 0 ? critical < criticalDemand && isCritical : supply < demand;
                if (short_ && windows[i].canRun() && loads[i] < windows[i].hi()) {
                    supply += windows[i].hi() - loads[i];
                    critical += isCritical ? windows[i].hi() - loads[i] : 0;
                    loads[i] = windows[i].hi();
                }
            }
        }
        if (supply < demand || critical < criticalDemand) {
            return null;
        }
        for (int k = n - 1; k >= 0 && supply > demand; k--) {
            int i = order[k];
            if (loads[i] == 0) {
                continue;
            }
            boolean isCritical = boilers.get(i).critical();
            long slack = Math.min(supply - demand, isCritical ? critical - criticalDemand : Long.MAX_VALUE);
            int cut = (int) Math.min(slack, loads[i] - windows[i].lo());
            if (windows[i].canStop() && slack >= loads[i]) {
                cut = loads[i];
            }
            loads[i] -= cut;
            supply -= cut;
            critical -= isCritical ? cut : 0;
        }
        return loads;
    }

    private static double perMwAtFullLoad(int i, OperatingWindow[] windows, long[] unitCost, long[] startCost) {
        return unitCost[i] + startCost[i] / (double) Math.max(1, windows[i].hi());
    }

    private static long planCost(int[] loads, OperatingWindow[] windows, long[] unitCost, long[] startCost) {
        long total = 0;
        for (int i = 0; i < loads.length; i++) {
            total += loads[i] > 0 ? startCost[i] + unitCost[i] * loads[i] : 0;
        }
        return total;
    }

    /** Cost of one MWh of heat from this boiler: fuel plus carbon. */
    static double marginalCost(Boiler boiler, double carbonPricePerTonne) {
        return boiler.fuelCostPerMwh() + carbonPricePerTonne * boiler.emissionsKgPerMwh() / 1000;
    }

    private static DispatchResult result(DispatchRequest request, DispatchResult.Status status, int[] loads,
                                         double gap, long started) {
        List<DispatchResult.Allocation> allocations = new ArrayList<>(loads.length);
        double cost = 0;
        double emissions = 0;
        long supplied = 0;
        long criticalSupplied = 0;
        for (int i = 0; i < loads.length; i++) {
            Boiler b = request.boilers().get(i);
            double mw = OperatingWindow.mw(loads[i]);
            boolean on = loads[i] > 0;
            allocations.add(new DispatchResult.Allocation(b.assetId(), on, mw));
            cost += mw * marginalCost(b, request.carbonPricePerTonne()) + (on && !b.running() ? b.startCost() : 0);
            emissions += mw * b.emissionsKgPerMwh();
            supplied += loads[i];
            criticalSupplied += b.critical() ? loads[i] : 0;
        }
        double shortfall = Math.max(0, OperatingWindow.up(request.demandMw()) - supplied);
        double criticalShortfall = Math.max(0, OperatingWindow.up(request.criticalDemandMw()) - criticalSupplied);
        return new DispatchResult(status, allocations, cost, emissions, OperatingWindow.mw(supplied),
                OperatingWindow.mw((long) shortfall), OperatingWindow.mw((long) criticalShortfall), gap,
                elapsedMs(started));
    }

    private static void add(List<IntVar> supplyVars, List<Integer> supplyCoeffs, List<IntVar> criticalVars,
                            List<Integer> criticalCoeffs, boolean critical, IntVar var, int coeff) {
        supplyVars.add(var);
        supplyCoeffs.add(coeff);
        if (critical) {
            criticalVars.add(var);
            criticalCoeffs.add(coeff);
        }
    }

    private static int[] ints(List<Integer> values) {
        return values.stream().mapToInt(Integer::intValue).toArray();
    }

    private static long elapsedMs(long startedNanos) {
        return (System.nanoTime() - startedNanos) / 1_000_000;
    }
}
