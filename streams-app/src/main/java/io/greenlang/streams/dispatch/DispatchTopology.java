package io.greenlang.streams.dispatch;

import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.function.Function;

import org.apache.kafka.streams.Topology;

import io.greenlang.topics.TopicCatalog;

/**
 * The heat dispatch planner (ARCHITECTURE §5 "Plants and agents", 3): reads gl.plant.state, solves each plant's
 * boiler allocation off the stream thread ({@link DispatchProcessor}) and writes DispatchPlan to gl.dispatch.plans
 * keyed by plant id. Stateless as far as Kafka is concerned (no store, no changelog). Node names are constant.
 */
public final class DispatchTopology {

    /** Source of gl.plant.state. */
    public static final String PLANT_STATE_SOURCE = "dispatch-plant-state-source";
    /** The planning processor. */
    public static final String PLANNER = "dispatch-planner";
    /** Sink of gl.dispatch.plans. */
    public static final String PLANS_SINK = "dispatch-plans-sink";

    private DispatchTopology() {
    }

    /**
     * Builds the topology.
     *
     * @param catalog  topics
     * @param fleets   boiler fleet by plant id (empty: the plant is not dispatched)
     * @param solver   the solver ({@link ChocoDispatchSolver} in production)
     * @param pool     where solves run; bounded (e.g. {@link SolverPool}) and owned by the caller
     * @param settings triggers and time bounds
     * @return the topology
     */
    public static Topology build(TopicCatalog catalog, Function<String, Optional<BoilerFleet>> fleets,
                                 DispatchSolver solver, Executor pool, DispatchSettings settings) {
        Objects.requireNonNull(catalog, "catalog");
        Objects.requireNonNull(fleets, "fleets");
        Objects.requireNonNull(solver, "solver");
        Objects.requireNonNull(pool, "pool");
        Objects.requireNonNull(settings, "settings");
        Topology topology = new Topology();
        topology.addSource(PLANT_STATE_SOURCE, catalog.plantState().keySerde().deserializer(),
                catalog.plantState().valueSerde().deserializer(), catalog.plantState().name());
        topology.addProcessor(PLANNER, () -> new DispatchProcessor(fleets, solver, pool, settings),
                PLANT_STATE_SOURCE);
        topology.addSink(PLANS_SINK, catalog.dispatchPlans().name(), catalog.dispatchPlans().keySerde().serializer(),
                catalog.dispatchPlans().valueSerde().serializer(), PLANNER);
        return topology;
    }
}
