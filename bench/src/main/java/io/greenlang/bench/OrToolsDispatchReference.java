package io.greenlang.bench;

import java.util.List;

import com.google.ortools.Loader;
import com.google.ortools.init.OrToolsVersion;
import com.google.ortools.sat.BoolVar;
import com.google.ortools.sat.CpModel;
import com.google.ortools.sat.CpSolver;
import com.google.ortools.sat.CpSolverStatus;
import com.google.ortools.sat.IntVar;
import com.google.ortools.sat.LinearArgument;
import com.google.ortools.sat.LinearExpr;

import io.greenlang.streams.dispatch.Boiler;
import io.greenlang.streams.dispatch.ChocoDispatchSolver;
import io.greenlang.streams.dispatch.DispatchRequest;
import io.greenlang.streams.dispatch.DispatchResult;

/**
 * The reference for {@code gl bench dispatch}: the same dispatch problem as {@link ChocoDispatchSolver} solved by
 * OR-Tools CP-SAT, in the same integer units, so that both objectives can be compared exactly. Benchmark only; the
 * platform runs choco.
 *
 * <p>Same semantics as the choco model, written independently: loads in units of 0.1 MW; per boiler the operating
 * window of the ramp rule (a running boiler within {@code rampMw} of its output and at least its minimum stable
 * load, stoppable only if it can ramp down to that minimum; a stopped boiler starts between its minimum and
 * {@code max(minimum, ramp)}; an unavailable one is off); {@code on -> lo <= load <= hi}, {@code off -> load = 0};
 * total load at least the demand and the critical boilers' load at least the critical demand (both rounded up to
 * a unit); minimise, in cents for one hour, start costs of stopped boilers that start plus fuel and carbon per
 * unit, each rounded to whole cents per unit as choco does. The symmetry cuts of the choco model (at most one
 * part-loaded boiler per kind) and its greedy incumbent are left out: they do not change the optimum.
 */
final class OrToolsDispatchReference {

    /** Solver resolution, as in the choco model: 0.1 MW. */
    static final int UNITS_PER_MW = 10;

    /**
     * The outcome of one solve.
     *
     * @param status   CP-SAT's status (OPTIMAL: proven)
     * @param cost     objective in cents (the choco model's objective), -1 without a solution
     * @param bound    CP-SAT's best lower bound on the objective
     * @param solveMs  wall-clock time of the call, model building included
     */
    record Outcome(CpSolverStatus status, long cost, double bound, long solveMs) {
        boolean proven() {
            return status == CpSolverStatus.OPTIMAL;
        }
    }

    private final int workers;

    /**
     * Loads the native library (extracted from the ortools-linux-x86-64 jar).
     *
     * @param workers CP-SAT search workers (0: CP-SAT's default for this machine)
     * @throws UnsatisfiedLinkError when the native library cannot be loaded here
     */
    OrToolsDispatchReference(int workers) {
        Loader.loadNativeLibraries();
        this.workers = workers;
    }

    /** The version of the loaded native library, e.g. {@code 9.14.6206}. */
    static String version() {
        return OrToolsVersion.getVersionString();
    }

    /** Solves the request within its time limit. */
    Outcome solve(DispatchRequest request) {
        long started = System.nanoTime();
        List<Boiler> boilers = request.boilers();
        int n = boilers.size();
        CpModel model = new CpModel();
        LinearArgument[] loads = new LinearArgument[n];
        LinearArgument[] costTerms = new LinearArgument[2 * n];
        long[] costCoeffs = new long[2 * n];
        LinearArgument[] critical = new LinearArgument[n];
        long[] criticalCoeffs = new long[n];
        for (int i = 0; i < n; i++) {
            Boiler b = boilers.get(i);
            Window w = Window.of(b);
            IntVar load = model.newIntVar(0, w.canRun ? w.hi : 0, "load" + i);
            BoolVar on = model.newBoolVar("on" + i);
            if (!w.canRun) {
                model.addEquality(on, 0);
            } else if (!w.canStop) {
                model.addEquality(on, 1);
            }
            model.addGreaterOrEqual(load, LinearExpr.term(on, w.lo));
            model.addLessOrEqual(load, LinearExpr.term(on, w.hi));
            loads[i] = load;
            critical[i] = load;
            criticalCoeffs[i] = b.critical() ? 1 : 0;
            costTerms[2 * i] = load;
            costCoeffs[2 * i] = unitCostCents(b, request.carbonPricePerTonne());
            costTerms[2 * i + 1] = on;
            costCoeffs[2 * i + 1] = startCostCents(b);
        }
        model.addGreaterOrEqual(LinearExpr.sum(loads), up(request.demandMw()));
        model.addGreaterOrEqual(LinearExpr.weightedSum(critical, criticalCoeffs), up(request.criticalDemandMw()));
        LinearExpr objective = LinearExpr.weightedSum(costTerms, costCoeffs);
        model.minimize(objective);

        CpSolver solver = new CpSolver();
        solver.getParameters().setMaxTimeInSeconds(request.timeLimit().toMillis() / 1000.0);
        solver.getParameters().setNumWorkers(workers);
        CpSolverStatus status = solver.solve(model);
        boolean solved = status == CpSolverStatus.OPTIMAL || status == CpSolverStatus.FEASIBLE;
        long cost = solved ? solver.value(objective) : -1;
        return new Outcome(status, cost, solver.bestObjectiveBound(), (System.nanoTime() - started) / 1_000_000);
    }

    /**
     * The choco model's objective of a plan it returned: the allocations' loads in units, priced like
     * {@link #solve}. Both objectives are thus compared in the same integer cents.
     */
    static long costCents(DispatchRequest request, DispatchResult result) {
        long total = 0;
        for (int i = 0; i < result.allocations().size(); i++) {
            Boiler b = request.boilers().get(i);
            long units = Math.round(result.allocations().get(i).loadMw() * UNITS_PER_MW);
            if (units > 0) {
                total += startCostCents(b) + unitCostCents(b, request.carbonPricePerTonne()) * units;
            }
        }
        return total;
    }

    private static long unitCostCents(Boiler b, double carbonPricePerTonne) {
        double perMwh = b.fuelCostPerMwh() + carbonPricePerTonne * b.emissionsKgPerMwh() / 1000;
        return Math.round(perMwh * 100 / UNITS_PER_MW);
    }

    private static long startCostCents(Boiler b) {
        return b.running() ? 0 : Math.round(b.startCost() * 100);
    }

    private static int up(double mw) {
        return (int) Math.ceil(mw * UNITS_PER_MW - 1e-9);
    }

    private static int down(double mw) {
        return (int) Math.floor(mw * UNITS_PER_MW + 1e-9);
    }

    /** What a boiler may do in the next step under the ramp rule, in units. */
    private record Window(boolean canRun, boolean canStop, int lo, int hi) {
        static Window of(Boiler b) {
            if (!b.available()) {
                return new Window(false, true, 0, 0);
            }
            int cap = down(b.capacityMw());
            int min = Math.min(up(b.minStableMw()), cap);
            int ramp = down(b.rampMw());
            if (!b.running()) {
                return new Window(cap > 0, true, min, Math.min(cap, Math.max(min, ramp)));
            }
            int out = (int) Math.round(b.outputMw() * UNITS_PER_MW);
            int hi = Math.max(Math.min(cap, out + ramp), min);
            return new Window(true, out - ramp <= min, Math.min(Math.max(min, out - ramp), hi), hi);
        }
    }
}
