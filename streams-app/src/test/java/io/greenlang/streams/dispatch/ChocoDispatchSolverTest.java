package io.greenlang.streams.dispatch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

class ChocoDispatchSolverTest {

    private static final Duration LIMIT = Duration.ofSeconds(5);
    private final ChocoDispatchSolver solver = new ChocoDispatchSolver();

    @Test
    void shouldMatchBruteForceOptimumWhenFleetIsSmall() {
        SplittableRandom random = new SplittableRandom(7);
        for (int round = 0; round < 40; round++) {
            List<Boiler> boilers = randomFleet(random, 3 + random.nextInt(2), 3.0);
            double max = boilers.stream().mapToDouble(Boiler::capacityMw).sum();
            double demand = Math.round(random.nextDouble() * max * 0.9 * 10) / 10.0;
            double critical = random.nextInt(3) == 0 ? 0 : Math.round(demand * 0.3 * 10) / 10.0;
            DispatchRequest request = new DispatchRequest("p", boilers, demand, critical, 0, LIMIT);

            DispatchResult result = solver.solve(request);
            double expected = bruteForceCost(request);

            if (Double.isInfinite(expected)) {
                assertThat(result.status()).as("round %d", round).isEqualTo(DispatchResult.Status.INFEASIBLE);
            } else {
                assertThat(result.status()).as("round %d", round).isEqualTo(DispatchResult.Status.OPTIMAL);
                assertThat(result.totalCost()).as("round %d: %s", round, request).isCloseTo(expected, within(1e-6));
                assertThat(result.gap()).isZero();
            }
        }
    }

    @Test
    void shouldNeverViolateCapacityMinStableLoadOrRampWhenFleetsAreRandom() {
        SplittableRandom random = new SplittableRandom(42);
        for (int round = 0; round < 60; round++) {
            List<Boiler> boilers = randomFleet(random, 2 + random.nextInt(15), 40.0);
            double max = boilers.stream().mapToDouble(Boiler::capacityMw).sum();
            double demand = Math.round(random.nextDouble() * max * 10) / 10.0;
            DispatchRequest request = new DispatchRequest("p", boilers, demand, demand * 0.2, 50, LIMIT);

            DispatchResult result = solver.solve(request);

            assertThat(result.allocations()).hasSize(boilers.size());
            for (int i = 0; i < boilers.size(); i++) {
                Boiler b = boilers.get(i);
                DispatchResult.Allocation a = result.allocations().get(i);
                String where = "round " + round + " " + b;
                assertThat(a.assetId()).isEqualTo(b.assetId());
                if (!a.on()) {
                    assertThat(a.loadMw()).as(where).isZero();
                    if (b.running() && b.available()) {
                        assertThat(b.outputMw() - b.rampMw()).as(where + " stopped beyond its ramp")
                                .isLessThanOrEqualTo(b.minStableMw() + 1e-9);
                    }
                    continue;
                }
                assertThat(b.available()).as(where + " runs while tripped").isTrue();
                assertThat(a.loadMw()).as(where).isLessThanOrEqualTo(b.capacityMw() + 1e-9)
                        .isGreaterThanOrEqualTo(b.minStableMw() - 1e-9);
                double from = b.running() ? b.outputMw() : 0;
                double allowed = b.running() ? b.rampMw() : Math.max(b.minStableMw(), b.rampMw());
                assertThat(Math.abs(a.loadMw() - from)).as(where + " ramp").isLessThanOrEqualTo(allowed + 1e-9);
            }
            if (result.status() != DispatchResult.Status.INFEASIBLE) {
                assertThat(result.suppliedMw()).as("round %d", round).isGreaterThanOrEqualTo(demand - 1e-9);
                assertThat(result.shortfallMw()).isZero();
            }
        }
    }

    @Test
    void shouldServeCriticalDemandFromCriticalBoilersWhenTheyCostMore() {
        List<Boiler> boilers = List.of(
                new Boiler("cheap", 20, 2, false, 0, 0, 20, 10, 300, false, true),
                new Boiler("critical", 10, 2, false, 0, 0, 10, 40, 200, true, true));

        DispatchResult result = solver.solve(new DispatchRequest("p", boilers, 15, 6, 0, LIMIT));

        assertThat(result.status()).isEqualTo(DispatchResult.Status.OPTIMAL);
        assertThat(result.allocations().get(1).loadMw()).isEqualTo(6.0);
        assertThat(result.allocations().get(0).loadMw()).isEqualTo(9.0);
        assertThat(result.criticalShortfallMw()).isZero();
    }

    @Test
    void shouldReportInfeasibleWithShortfallWhenDemandExceedsReachableOutput() {
        List<Boiler> boilers = List.of(
                new Boiler("b1", 20, 4, true, 10, 0, 5, 30, 250, true, true),
                new Boiler("b2", 20, 4, true, 20, 0, 5, 30, 250, false, false));

        DispatchResult result = solver.solve(new DispatchRequest("p", boilers, 30, 20, 0, LIMIT));

        assertThat(result.status()).isEqualTo(DispatchResult.Status.INFEASIBLE);
        assertThat(result.allocations()).extracting(DispatchResult.Allocation::loadMw).containsExactly(15.0, 0.0);
        assertThat(result.shortfallMw()).isEqualTo(15.0);
        assertThat(result.criticalShortfallMw()).isEqualTo(5.0);
        assertThat(result.heatLossRisk()).isTrue();
    }

    @Test
    void shouldProveOptimumForFiftyBoilersWhenFleetIsSimulated() {
        BoilerFleet fleet = BoilerFleet.simulated("plant-1", 50, 1);
        double capacity = fleet.boilers().stream().mapToDouble(Boiler::capacityMw).sum();

        DispatchResult result = solver.solve(fleet.request(capacity * 0.25, Map.of(), Duration.ofSeconds(10)));

        assertThat(result.status()).isEqualTo(DispatchResult.Status.OPTIMAL);
        assertThat(result.suppliedMw()).isGreaterThanOrEqualTo(capacity * 0.25 - 1e-9);
    }

    static List<Boiler> randomFleet(SplittableRandom random, int count, double maxCapacity) {
        List<Boiler> boilers = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            double capacity = Math.round((0.5 + random.nextDouble() * (maxCapacity - 0.5)) * 10) / 10.0;
            double min = Math.round(capacity * random.nextDouble() * 0.5 * 10) / 10.0;
            double ramp = Math.max(0.1, Math.round(capacity * (0.2 + random.nextDouble()) * 10) / 10.0);
            boolean running = random.nextBoolean();
            double output = running ? Math.round((min + random.nextDouble() * (capacity - min)) * 10) / 10.0 : 0;
            boilers.add(new Boiler("b" + i, capacity, min, running, output, random.nextInt(50), ramp,
                    10 + random.nextInt(40), 200 + random.nextInt(200), random.nextBoolean(),
                    random.nextInt(6) != 0));
        }
        return boilers;
    }

    /** Cheapest plan over every on/off state and every 0.1 MW load in every boiler's window; infinity if none. */
    private static double bruteForceCost(DispatchRequest request) {
        List<Boiler> boilers = request.boilers();
        return search(request, boilers, 0, 0, 0, 0);
    }

    private static double search(DispatchRequest request, List<Boiler> boilers, int index, long supply,
                                 long critical, double cost) {
        if (index == boilers.size()) {
            boolean ok = supply >= OperatingWindow.up(request.demandMw())
                    && critical >= OperatingWindow.up(request.criticalDemandMw());
            return ok ? cost : Double.POSITIVE_INFINITY;
        }
        Boiler b = boilers.get(index);
        double best = Double.POSITIVE_INFINITY;
        boolean canStop = !b.available() || !b.running() || b.outputMw() - b.rampMw() <= b.minStableMw() + 1e-9;
        if (canStop) {
            best = search(request, boilers, index + 1, supply, critical, cost);
        }
        if (b.available()) {
            OperatingWindow w = OperatingWindow.of(b);
            for (int units = w.lo(); units <= w.hi(); units++) {
                double c = cost + units / 10.0 * b.fuelCostPerMwh() + (b.running() ? 0 : b.startCost());
                best = Math.min(best, search(request, boilers, index + 1, supply + units,
                        critical + (b.critical() ? units : 0), c));
            }
        }
        return best;
    }
}
