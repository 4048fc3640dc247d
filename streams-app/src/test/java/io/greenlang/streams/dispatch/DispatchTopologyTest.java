package io.greenlang.streams.dispatch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.greenlang.events.common.EventMeta;
import io.greenlang.events.common.Producer;
import io.greenlang.events.plant.DispatchPlan;
import io.greenlang.events.plant.DispatchStatus;
import io.greenlang.events.plant.PlantState;
import io.greenlang.events.plant.Setpoint;
import io.greenlang.topics.TopicCatalog;

class DispatchTopologyTest {

    private static final Instant START = Instant.parse("2026-11-23T06:00:00Z");
    private static final DispatchSettings SETTINGS = new DispatchSettings(1.0, Duration.ofHours(1),
            Duration.ofSeconds(5), Duration.ofMillis(100), "test");
    private static final BoilerFleet FLEET = new BoilerFleet("plant-1", List.of(
            new Boiler("plant-1-B01", 20, 4, false, 0, 100, 20, 30, 220, true, true),
            new Boiler("plant-1-B02", 20, 4, false, 0, 100, 20, 40, 200, false, true),
            new Boiler("plant-1-B03", 10, 2, false, 0, 50, 10, 60, 380, false, true)), 0.3, 0);

    private final TopicCatalog catalog = TopicCatalog.standard();
    private final SolverPool pool = new SolverPool(2, 8);
    private final AtomicInteger submitted = new AtomicInteger();
    private final List<DispatchPlan> plans = new ArrayList<>();
    @TempDir
    Path stateDir;
    private TopologyTestDriver driver;
    private TestInputTopic<String, PlantState> states;
    private TestOutputTopic<String, DispatchPlan> out;

    @AfterEach
    void close() throws InterruptedException {
        if (driver != null) {
            driver.close();
        }
        pool.close();
    }

    @Test
    void shouldPublishPlanWhenDemandChangesBeyondThreshold() {
        start(new ChocoDispatchSolver(), Map.of("plant-1", FLEET, "plant-2", rename(FLEET, "plant-2")));

        states.pipeInput("plant-1", state("plant-1", 25, Map.of()));
        DispatchPlan first = awaitPlans(1).get(0);
        states.pipeInput("plant-1", state("plant-1", 25.5, Map.of()));
        states.pipeInput("plant-1", state("plant-1", 30, Map.of()));
        DispatchPlan second = awaitPlans(2).get(1);

        assertThat(submitted).as("the 0.5 MW change is below the threshold").hasValue(2);
        assertThat(first.getPlantId()).isEqualTo("plant-1");
        assertThat(first.getStatus()).isEqualTo(DispatchStatus.OPTIMAL);
        assertThat(first.getDemandMw()).isEqualTo(25.0);
        assertThat(first.getSetpoints().stream().mapToDouble(Setpoint::getLoadMw).sum()).isGreaterThanOrEqualTo(25.0);
        assertThat(second.getDemandMw()).isEqualTo(30.0);
        assertThat(second.getMeta().getTenantId()).isEqualTo("acme");
    }

    @Test
    void shouldPublishPlanWithTrippedBoilerOffWhenBoilerTrips() {
        start(new ChocoDispatchSolver(), Map.of("plant-1", FLEET));
        Map<String, Double> running = Map.of("plant-1-B01.HEAT.OUTPUT_MW", 15.0, "plant-1-B02.HEAT.OUTPUT_MW", 10.0);
        states.pipeInput("plant-1", state("plant-1", 25, running));
        awaitPlans(1);

        states.pipeInput("plant-1", state("plant-1", 25, Map.of("plant-1-B01.HEAT.OUTPUT_MW", 0.0,
                "plant-1-B01.STATUS.TRIPPED", 1.0, "plant-1-B02.HEAT.OUTPUT_MW", 10.0)));
        DispatchPlan afterTrip = awaitPlans(2).get(1);

        assertThat(afterTrip.getSetpoints().get(0).getOn()).isFalse();
        assertThat(afterTrip.getSetpoints().get(0).getLoadMw()).isZero();
        assertThat(afterTrip.getStatus()).isEqualTo(DispatchStatus.INFEASIBLE);
        assertThat(afterTrip.getShortfallMw()).as("B02 and B03 reach 30 MW").isZero();
        assertThat(afterTrip.getCriticalShortfallMw()).as("B01 was the only critical boiler: HEAT_LOSS risk")
                .isEqualTo(7.5);
    }

    @Test
    void shouldPublishNonAdvisoryPlansOnlyForClosedLoopPlants() {
        start(new ChocoDispatchSolver(), Map.of("plant-1", FLEET, "plant-2", rename(FLEET, "plant-2")),
                SETTINGS.withClosedLoopPlants(Set.of("plant-2")));

        states.pipeInput("plant-1", state("plant-1", 25, Map.of()));
        states.pipeInput("plant-2", state("plant-2", 25, Map.of()));
        List<DispatchPlan> both = awaitPlans(2);

        assertThat(both).extracting(p -> p.getPlantId() + " advisory=" + p.getAdvisory())
                .containsExactlyInAnyOrder("plant-1 advisory=true", "plant-2 advisory=false");
        assertThat(SETTINGS.advisory("plant-2")).as("advisory unless named").isTrue();
    }

    @Test
    void shouldPublishAgainWhenPeriodElapses() {
        start(new ChocoDispatchSolver(), Map.of("plant-1", FLEET));
        states.pipeInput("plant-1", state("plant-1", 25, Map.of()));
        awaitPlans(1);

        driver.advanceWallClockTime(SETTINGS.period());

        assertThat(awaitPlans(2).get(1).getDemandMw()).isEqualTo(25.0);
    }

    @Test
    void shouldPublishOtherPlantsPlanWhileOneSolveIsSlow() {
        CountDownLatch release = new CountDownLatch(1);
        ChocoDispatchSolver choco = new ChocoDispatchSolver();
        DispatchSolver slowForPlant1 = request -> {
            if (request.plantId().equals("plant-1")) {
                try {
                    release.await(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            return choco.solve(request);
        };
        start(slowForPlant1, Map.of("plant-1", FLEET, "plant-2", rename(FLEET, "plant-2")));

        states.pipeInput("plant-1", state("plant-1", 25, Map.of()));
        states.pipeInput("plant-2", state("plant-2", 25, Map.of()));
        DispatchPlan fast = awaitPlans(1).get(0);
        release.countDown();
        DispatchPlan slow = awaitPlans(2).get(1);

        assertThat(fast.getPlantId()).isEqualTo("plant-2");
        assertThat(slow.getPlantId()).isEqualTo("plant-1");
    }

    @Test
    void shouldIgnoreStateWhenPlantHasNoFleet() {
        start(new ChocoDispatchSolver(), Map.of("plant-1", FLEET));

        states.pipeInput("plant-9", state("plant-9", 25, Map.of()));

        assertThat(submitted).hasValue(0);
    }

    @Test
    void shouldKeepNodeNamesWhenTopologyIsBuilt() {
        String description = DispatchTopology.build(catalog, id -> Optional.empty(), new ChocoDispatchSolver(), pool,
                SETTINGS).describe().toString();

        assertThat(description).contains(
                "Source: dispatch-plant-state-source (topics: [gl.plant.state])",
                "Processor: dispatch-planner (stores: [])",
                "Sink: dispatch-plans-sink (topic: gl.dispatch.plans)");
    }

    private void start(DispatchSolver solver, Map<String, BoilerFleet> fleets) {
        start(solver, fleets, SETTINGS);
    }

    private void start(DispatchSolver solver, Map<String, BoilerFleet> fleets, DispatchSettings settings) {
        Executor counting = command -> {
            submitted.incrementAndGet();
            pool.execute(command);
        };
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "dispatch-test");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "localhost:1");
        props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        driver = new TopologyTestDriver(DispatchTopology.build(catalog, id -> Optional.ofNullable(fleets.get(id)),
                solver, counting, settings), props, START);
        states = driver.createInputTopic(catalog.plantState().name(), catalog.plantState().keySerde().serializer(),
                catalog.plantState().valueSerde().serializer());
        out = driver.createOutputTopic(catalog.dispatchPlans().name(),
                catalog.dispatchPlans().keySerde().deserializer(),
                catalog.dispatchPlans().valueSerde().deserializer());
    }

    /** Advances the wall clock (the forwarding punctuator) until {@code count} plans were published in all. */
    private List<DispatchPlan> awaitPlans(int count) {
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(20)).until(() -> {
            driver.advanceWallClockTime(SETTINGS.pollInterval());
            for (TestRecord<String, DispatchPlan> r : out.readRecordsToList()) {
                assertThat(r.key()).isEqualTo(r.value().getPlantId());
                plans.add(r.value());
            }
            return plans.size() >= count;
        });
        return plans;
    }

    private static BoilerFleet rename(BoilerFleet fleet, String plantId) {
        return new BoilerFleet(plantId, fleet.boilers(), fleet.criticalShare(), fleet.carbonPricePerTonne());
    }

    private static PlantState state(String plantId, double demand, Map<String, Double> tags) {
        return PlantState.newBuilder()
                .setMeta(EventMeta.newBuilder().setEventId("e-" + plantId + "-" + demand).setOccurredAt(START)
                        .setTenantId("acme").setProducer(Producer.newBuilder().setService("test").setInstance("t")
                                .build()).build())
                .setPlantId(plantId)
                .setTags(Map.copyOf(tags))
                .setHeatSupplyMw(0)
                .setHeatDemandMw(demand)
                .setEfficiency(0.85)
                .setHeatLoss(false)
                .setScadaConnected(true)
                .setUpdatedAt(START)
                .build();
    }
}
