package io.greenlang.bench;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import io.greenlang.streams.dispatch.Boiler;
import io.greenlang.streams.dispatch.BoilerFleet;
import io.greenlang.streams.dispatch.ChocoDispatchSolver;
import io.greenlang.streams.dispatch.DispatchRequest;
import io.greenlang.streams.dispatch.DispatchResult;
import io.greenlang.streams.dispatch.DispatchSolver;

/**
 * {@code gl bench dispatch}: the heat dispatch solver ({@link ChocoDispatchSolver}) on deterministic simulated
 * fleets of each size, one solve at a time in this JVM (no Kafka: the solver is what is measured). Per size: solve
 * time p50 / p95 / max, how many solves were proven optimal, and the optimality gap of the others. Next to it, as
 * the reference, OR-Tools CP-SAT ({@link OrToolsDispatchReference}) on the same instances: its solve times, how many
 * it proved optimal, and on how many instances both proved the same optimal cost (in the model's integer cents).
 */
@Command(name = "dispatch", mixinStandardHelpOptions = true,
        description = "Heat dispatch solve time (p50, p95) and optimality gap for fleets of 10, 50 and 100 boilers.")
final class DispatchBenchmark implements Callable<Integer> {

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @Option(names = "--sizes", split = ",", defaultValue = "10,50,100",
            description = "Boilers per instance (default: ${DEFAULT-VALUE}).")
    private int[] sizes;

    @Option(names = "--instances", defaultValue = "30", description = "Instances per size (default: ${DEFAULT-VALUE}).")
    private int instances;

    @Option(names = "--time-limit-ms", defaultValue = "5000",
            description = "Solve time bound (default: ${DEFAULT-VALUE}, the runbook's p95 target).")
    private long timeLimitMs;

    @Option(names = "--seed", defaultValue = "2026", description = "Instance seed (default: ${DEFAULT-VALUE}).")
    private long seed;

    @Option(names = "--no-reference", description = "Skip the OR-Tools reference (choco only).")
    private boolean noReference;

    @Option(names = "--ortools-workers", defaultValue = "0",
            description = "CP-SAT search workers; 0 lets CP-SAT choose for this machine (default: ${DEFAULT-VALUE}).")
    private int ortoolsWorkers;

    @Override
    public Integer call() throws Exception {
        PrintWriter err = spec.commandLine().getErr();
        DispatchSolver solver = new ChocoDispatchSolver();
        OrToolsDispatchReference reference = null;
        String referenceProblem = null;
        if (!noReference) {
            try {
                reference = new OrToolsDispatchReference(ortoolsWorkers);
            } catch (UnsatisfiedLinkError | RuntimeException e) {
                referenceProblem = "OR-Tools native library did not load: " + e;
                err.println(referenceProblem + "; measuring choco alone");
            }
        }
        Duration limit = Duration.ofMillis(timeLimitMs);
        err.println("warming up ...");
        err.flush();
        for (int i = 0; i < 20; i++) {
            DispatchRequest warmup = instance(10, seed - 1 - i, limit);
            solver.solve(warmup);
            if (reference != null) {
                reference.solve(warmup);
            }
        }
        Map<String, Object> bySize = new LinkedHashMap<>();
        StringBuilder summary = new StringBuilder("dispatch:");
        for (int size : sizes) {
            long[] ms = new long[instances];
            long[] referenceMs = new long[instances];
            List<Double> gaps = new ArrayList<>();
            List<String> mismatches = new ArrayList<>();
            int proven = 0;
            int referenceProven = 0;
            int bothProven = 0;
            int sameCost = 0;
            for (int i = 0; i < instances; i++) {
                DispatchRequest request = instance(size, seed + 1000L * size + i, limit);
                DispatchResult result = solver.solve(request);
                ms[i] = result.solveMs();
                if (result.status() == DispatchResult.Status.OPTIMAL) {
                    proven++;
                } else {
                    gaps.add(result.gap());
                }
                if (reference != null) {
                    OrToolsDispatchReference.Outcome ref = reference.solve(request);
                    referenceMs[i] = ref.solveMs();
                    referenceProven += ref.proven() ? 1 : 0;
                    long chocoCost = OrToolsDispatchReference.costCents(request, result);
                    if (ref.proven() && result.status() == DispatchResult.Status.OPTIMAL) {
                        bothProven++;
                        if (chocoCost == ref.cost()) {
                            sameCost++;
                        } else {
                            mismatches.add(String.format("instance %d: choco %d, OR-Tools %d cents", i, chocoCost,
                                    ref.cost()));
                        }
                    }
                }
            }
            Arrays.sort(ms);
            Map<String, Object> figures = new LinkedHashMap<>();
            figures.put("instances", instances);
            figures.put("proven_optimal", proven);
            figures.put("solve_ms_p50", percentile(ms, 0.50));
            figures.put("solve_ms_p95", percentile(ms, 0.95));
            figures.put("solve_ms_max", ms[ms.length - 1]);
            figures.put("gap_unproven_max", gaps.stream().mapToDouble(Double::doubleValue).max().orElse(0));
            figures.put("gap_unproven_mean", gaps.stream().mapToDouble(Double::doubleValue).average().orElse(0));
            summary.append(String.format(" %d boilers: p50 %d ms, p95 %d ms, %d/%d proven optimal, max gap %.4f",
                    size, percentile(ms, 0.50), percentile(ms, 0.95), proven, instances,
                    figures.get("gap_unproven_max")));
            if (reference != null) {
                Arrays.sort(referenceMs);
                Map<String, Object> ref = new LinkedHashMap<>();
                ref.put("proven_optimal", referenceProven);
                ref.put("solve_ms_p50", percentile(referenceMs, 0.50));
                ref.put("solve_ms_p95", percentile(referenceMs, 0.95));
                ref.put("solve_ms_max", referenceMs[referenceMs.length - 1]);
                ref.put("both_proven", bothProven);
                ref.put("same_optimal_cost", sameCost);
                ref.put("cost_mismatches", mismatches);
                figures.put("ortools", ref);
                summary.append(String.format(" (OR-Tools: p50 %d ms, p95 %d ms, %d/%d proven, same optimal cost "
                                + "on %d/%d proven by both)", percentile(referenceMs, 0.50),
                        percentile(referenceMs, 0.95), referenceProven, instances, sameCost, bothProven));
            }
            summary.append(';');
            bySize.put(size + "_boilers", figures);
            err.println(summary);
            err.flush();
        }
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("benchmark", "dispatch");
        result.put("solver", "choco-solver 5.0.0");
        result.put("reference", reference != null ? "OR-Tools CP-SAT " + OrToolsDispatchReference.version()
                : referenceProblem == null ? "none" : referenceProblem);
        result.put("time_limit_ms", timeLimitMs);
        result.put("seed", seed);
        result.put("sizes", bySize);
        spec.commandLine().getOut().println(Bench.json().writeValueAsString(result));
        spec.commandLine().getOut().flush();
        err.println(summary);
        err.flush();
        return 0;
    }

    /**
     * One instance: a simulated fleet with about half its boilers running at a random output (so ramp limits bind)
     * and a demand between 20 % and 80 % of what the fleet can reach in one step, 30 % of it critical (at most 90 %
     * of what the critical boilers can reach).
     */
    static DispatchRequest instance(int size, long instanceSeed, Duration limit) {
        SplittableRandom random = new SplittableRandom(instanceSeed);
        BoilerFleet fleet = BoilerFleet.simulated("bench", size, instanceSeed);
        List<Boiler> boilers = new ArrayList<>(size);
        double reachable = 0;
        double reachableCritical = 0;
        for (Boiler b : fleet.boilers()) {
            boolean running = random.nextBoolean();
            double span = b.capacityMw() - b.minStableMw();
            double output = running ? Math.round((b.minStableMw() + random.nextDouble() * span) * 10) / 10.0 : 0;
            boilers.add(b.withOperatingPoint(running, output));
            double reach = running ? Math.min(b.capacityMw(), output + b.rampMw())
                    : Math.min(b.capacityMw(), Math.max(b.minStableMw(), b.rampMw()));
            reachable += reach;
            reachableCritical += b.critical() ? reach : 0;
        }
        double demand = Math.floor(reachable * (0.2 + 0.6 * random.nextDouble()) * 10) / 10.0;
        double critical = Math.floor(Math.min(demand * fleet.criticalShare(), reachableCritical * 0.9) * 10) / 10.0;
        return new DispatchRequest("bench", boilers, demand, critical, fleet.carbonPricePerTonne(), limit);
    }

    private static long percentile(long[] sorted, double q) {
        return sorted[Math.max(0, (int) Math.ceil(q * sorted.length) - 1)];
    }
}
