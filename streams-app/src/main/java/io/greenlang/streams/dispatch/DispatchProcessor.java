package io.greenlang.streams.dispatch;

import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Queue;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Function;

import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.greenlang.events.plant.DispatchPlan;
import io.greenlang.events.plant.PlantState;

/**
 * Per plant, decides when to re-plan and hands solves to a solver pool, so the stream thread never waits for the
 * solver: a PlantState whose demand moved by the threshold since the last solve, or whose set of tripped boilers
 * changed, or a plant not solved for a period, starts a solve on the pool; a wall-clock punctuator forwards finished
 * plans downstream. At most one solve per plant is in flight; a trigger during a solve re-solves once it finishes,
 * with the latest state. A pool that refuses work (its queue full) is retried at the next poll.
 *
 * <p>Plans are keyed by plant id and carry the plant's tenant. The fleet and the last solve per plant are kept in
 * memory: after a restart the compacted gl.plant.state replays the latest state of each plant and re-plans it.
 * Never blocks on the solver and never throws for a plant without a fleet (such states are ignored).
 */
final class DispatchProcessor implements Processor<String, PlantState, String, DispatchPlan> {

    private static final Logger LOG = LoggerFactory.getLogger(DispatchProcessor.class);

    private final Function<String, Optional<BoilerFleet>> fleets;
    private final DispatchSolver solver;
    private final Executor pool;
    private final DispatchSettings settings;
    private final Map<String, PlantEntry> plants = new HashMap<>();
    private final Queue<Finished> finished = new ConcurrentLinkedQueue<>();
    private ProcessorContext<String, DispatchPlan> context;

    DispatchProcessor(Function<String, Optional<BoilerFleet>> fleets, DispatchSolver solver, Executor pool,
                      DispatchSettings settings) {
        this.fleets = fleets;
        this.solver = solver;
        this.pool = pool;
        this.settings = settings;
    }

    @Override
    public void init(ProcessorContext<String, DispatchPlan> processorContext) {
        this.context = processorContext;
        processorContext.schedule(settings.pollInterval(), PunctuationType.WALL_CLOCK_TIME, this::poll);
    }

    @Override
    public void process(Record<String, PlantState> record) {
        PlantState state = record.value();
        if (state == null) {
            return;
        }
        String plantId = state.getPlantId();
        Optional<BoilerFleet> fleet = fleets.apply(plantId);
        if (fleet.isEmpty()) {
            LOG.debug("[plant {}] no boiler fleet configured; not dispatched", plantId);
            return;
        }
        PlantEntry entry = plants.computeIfAbsent(plantId, id -> new PlantEntry(fleet.get()));
        entry.state = state;
        Set<String> tripped = tripped(entry.fleet, state.getTags());
        boolean trip = !tripped.equals(entry.solvedTripped);
        boolean demandMoved = Double.isNaN(entry.solvedDemand)
                || Math.abs(state.getHeatDemandMw() - entry.solvedDemand) >= settings.demandThresholdMw();
        if (trip || demandMoved) {
            entry.wanted = true;
            start(plantId, entry, context.currentSystemTimeMs());
        }
    }

    private void poll(long now) {
        for (Finished done; (done = finished.poll()) != null; ) {
            PlantEntry entry = plants.get(done.plantId);
            if (entry == null) {
                continue;
            }
            entry.inFlight = false;
            if (done.plan != null) {
                context.forward(new Record<>(done.plantId, done.plan, now));
            }
        }
        for (Map.Entry<String, PlantEntry> e : plants.entrySet()) {
            PlantEntry entry = e.getValue();
            if (now - entry.solvedAt >= settings.period().toMillis()) {
                entry.wanted = true;
            }
            if (entry.wanted) {
                start(e.getKey(), entry, now);
            }
        }
    }

    private void start(String plantId, PlantEntry entry, long now) {
        if (entry.inFlight) {
            return;
        }
        PlantState state = entry.state;
        DispatchRequest request = entry.fleet.request(state.getHeatDemandMw(), state.getTags(),
                settings.solveTimeLimit());
        long sequence = entry.sequence + 1;
        String tenant = state.getMeta().getTenantId();
        String trace = state.getMeta().getTraceId();
        try {
            pool.execute(() -> finished.add(solve(plantId, request, sequence, tenant, trace)));
        } catch (RejectedExecutionException full) {
            LOG.warn("[plant {}] solver pool busy; retrying at the next poll", plantId);
            return;
        }
        entry.inFlight = true;
        entry.wanted = false;
        entry.sequence = sequence;
        entry.solvedAt = now;
        entry.solvedDemand = state.getHeatDemandMw();
        entry.solvedTripped = tripped(entry.fleet, state.getTags());
    }

    /** Runs on the pool. */
    private Finished solve(String plantId, DispatchRequest request, long sequence, String tenant, String trace) {
        try {
            DispatchResult result = solver.solve(request);
            if (result.heatLossRisk()) {
                LOG.warn("[plant {}] demand {} MW cannot be met: short {} MW, critical short {} MW (HEAT_LOSS risk)",
                        plantId, request.demandMw(), result.shortfallMw(), result.criticalShortfallMw());
            }
            return new Finished(plantId, DispatchPlans.toEvent(request, result, sequence, Instant.now(), tenant,
                    trace, settings.instance(), settings.advisory(plantId)));
        } catch (RuntimeException e) {
            LOG.error("[plant {}] dispatch solve failed; no plan published", plantId, e);
            return new Finished(plantId, null);
        }
    }

    private static Set<String> tripped(BoilerFleet fleet, Map<String, Double> tags) {
        Set<String> tripped = new TreeSet<>();
        for (Boiler b : fleet.boilers()) {
            if (tags.getOrDefault(b.assetId() + BoilerFleet.TRIP_TAG, 0.0) != 0) {
                tripped.add(b.assetId());
            }
        }
        return tripped;
    }

    /** What the processor knows about one plant; touched by the stream thread only. */
    private static final class PlantEntry {
        final BoilerFleet fleet;
        PlantState state;
        boolean inFlight;
        boolean wanted;
        long sequence;
        long solvedAt = Long.MIN_VALUE / 2;
        double solvedDemand = Double.NaN;
        Set<String> solvedTripped = Set.of();

        PlantEntry(BoilerFleet fleet) {
            this.fleet = fleet;
        }
    }

    private record Finished(String plantId, DispatchPlan plan) {
    }
}
