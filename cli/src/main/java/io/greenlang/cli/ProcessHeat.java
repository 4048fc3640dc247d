package io.greenlang.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.greenlang.common.config.GlConfig;
import io.greenlang.common.kafka.KafkaClients;
import io.greenlang.common.metrics.GlMeters;
import io.greenlang.scada.bridge.ScadaBridge;
import io.greenlang.scada.sim.PlantModel;
import io.greenlang.scada.sim.PlantSimulator;
import io.greenlang.scada.tagmap.TagMap;
import io.greenlang.scada.writeback.SetpointWriter;
import io.greenlang.streams.agents.AgentHealthApp;
import io.greenlang.streams.agents.AgentHealthSettings;
import io.greenlang.streams.agents.sim.HeartbeatSimulator;
import io.greenlang.streams.dispatch.Boiler;
import io.greenlang.streams.dispatch.BoilerFleet;
import io.greenlang.streams.dispatch.DispatchApp;
import io.greenlang.streams.plant.PlantMetrics;
import io.greenlang.streams.plant.PlantSettings;
import io.greenlang.streams.plant.PlantStateApp;
import io.greenlang.topics.TopicCatalog;

/**
 * The process-heat side of the local platform: a plant simulator (Milo OPC UA server, {@code plants} x
 * {@code boilers}), one SCADA bridge per plant connected with Basic256Sha256 SignAndEncrypt (certificates
 * exchanged in this JVM, trust lists and store-and-forward spools under the data directory; optionally a setpoint
 * writer per plant with write-back enabled), the plant-state, dispatch-planner and agent-health
 * Kafka Streams applications, and heartbeats of the 99 sub-agents GL-002..GL-100 spread over the plants. The
 * dispatch planner plans each simulated plant with a fleet whose capacities are the simulator's (the model is
 * deterministic in its seed); a plant named in {@code GL_DISPATCH_FLEET_PATH} is planned with the file's fleet.
 */
final class ProcessHeat implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ProcessHeat.class);

    /** Simulated plants of {@code gl local up} and {@code gl demo}. */
    static final int DEFAULT_PLANTS = 3;
    /** Boilers per simulated plant. */
    static final int DEFAULT_BOILERS = 4;
    /** Tenant the simulated plants and agents report under. */
    static final String TENANT = "process-heat";
    /** Seed of the simulated plants: the same seed, the same plants. */
    static final long SEED = 7;
    /** How long the Streams applications may take to reach RUNNING. */
    private static final Duration START_TIMEOUT = Duration.ofSeconds(90);

    private final PlantSimulator simulator;
    private final List<AutoCloseable> bridges;
    private final PlantStateApp plantState;
    private final DispatchApp dispatch;
    private final AgentHealthApp agentHealth;
    private final HeartbeatSimulator heartbeats;

    private ProcessHeat(PlantSimulator simulator, List<AutoCloseable> bridges, PlantStateApp plantState,
                        DispatchApp dispatch, AgentHealthApp agentHealth, HeartbeatSimulator heartbeats) {
        this.simulator = simulator;
        this.bridges = bridges;
        this.plantState = plantState;
        this.dispatch = dispatch;
        this.agentHealth = agentHealth;
        this.heartbeats = heartbeats;
    }

    /**
     * Starts everything and returns once the plant-state and agent-health applications are RUNNING.
     *
     * @param config        platform configuration (Kafka, thresholds, heartbeat interval, dispatch settings)
     * @param plants        simulated plants (at least 1)
     * @param boilers       boilers per plant (at least 1)
     * @param dataDirectory state directories, trust lists and the bridges' spools go under
     *                      {@code <dataDirectory>/process-heat}
     * @param meters        where the bridges' metrics go
     * @param writeBack     whether each plant also gets a setpoint writer and a tag map with write-back enabled
     *                      (plans are written only for the plants of {@code GL_DISPATCH_CLOSED_LOOP_PLANTS})
     */
    static ProcessHeat start(GlConfig config, TopicCatalog catalog, int plants, int boilers, Path dataDirectory,
                             GlMeters meters, boolean writeBack, PrintWriter out) throws InterruptedException {
        long t0 = System.nanoTime();
        LocalPlatform.step(out, "Starting the plant simulator (" + plants + " plants x " + boilers + " boilers, OPC UA), "
                + "a SCADA bridge per plant, the plant-state, dispatch-planner and agent-health applications and the "
                + "heartbeats of the sub-agents ...");
        Path home = dataDirectory.resolve("process-heat");
        PlantSimulator simulator = null;
        List<AutoCloseable> bridges = new ArrayList<>();
        PlantStateApp plantState = null;
        DispatchApp dispatch = null;
        AgentHealthApp agentHealth = null;
        HeartbeatSimulator heartbeats = null;
        try {
            simulator = PlantSimulator.builder().plants(plants).boilers(boilers).seed(SEED)
                    .pkiDir(home.resolve("simulator-pki")).build().start();
            KafkaClients kafka = new KafkaClients(config);
            plantState = PlantStateApp.create(config, catalog, PlantSettings.fromConfig(config),
                    home.resolve("plant-state"), new PlantMetrics());
            Map<String, BoilerFleet> fleets = fleets(config, plants, boilers, writeBack);
            dispatch = DispatchApp.create(config, catalog, plantId -> Optional.ofNullable(fleets.get(plantId)),
                    home.resolve("dispatch"));
            agentHealth = AgentHealthApp.create(config, catalog, AgentHealthSettings.fromConfig(config),
                    home.resolve("agent-health"));
            plantState.start();
            dispatch.start();
            agentHealth.start();
            for (TagMap simulated : simulator.tagMaps()) {
                TagMap tagMap = simulated.withWriteBack(writeBack);
                String plant = tagMap.plantId();
                ScadaBridge bridge = ScadaBridge.builder(tagMap, kafka.producerProperties("scada-bridge-" + plant),
                                catalog)
                        .pkiDir(home.resolve("bridge-pki").resolve(plant)).tenantId(TENANT)
                        .spool(home.resolve("scada-spool"), config.scadaSpoolMaxBytes()).meters(meters).build();
                bridge.trust(simulator.certificate());
                simulator.trust(bridge.certificate());
                bridges.add(bridge.start());
                if (writeBack) {
                    SetpointWriter writer = SetpointWriter.builder(tagMap,
                                    kafka.consumerProperties("greenlang-setpoint-writer-" + plant),
                                    kafka.producerProperties("setpoint-writer-" + plant), catalog)
                            .pkiDir(home.resolve("writer-pki").resolve(plant)).build();
                    writer.trust(simulator.certificate());
                    simulator.trust(writer.certificate());
                    bridges.add(writer.start());
                }
            }
            heartbeats = HeartbeatSimulator.builder().plants(simulator.plantIds())
                    .interval(config.agentHeartbeatInterval()).producerProperties(kafka.producerProperties(
                            "agent-heartbeats")).catalog(catalog).tenantId(TENANT).build();
            heartbeats.start();
            if (!plantState.awaitRunning(START_TIMEOUT) || !agentHealth.awaitRunning(START_TIMEOUT)) {
                throw new IllegalStateException("the plant-state and agent-health applications did not reach "
                        + "RUNNING within " + START_TIMEOUT.toSeconds() + " s (states " + plantState.state() + ", "
                        + agentHealth.state() + ")");
            }
        } catch (RuntimeException | InterruptedException e) {
            new ProcessHeat(simulator, bridges, plantState, dispatch, agentHealth, heartbeats).close();
            throw e;
        }
        LocalPlatform.done(out, t0);
        return new ProcessHeat(simulator, bridges, plantState, dispatch, agentHealth, heartbeats);
    }

    /**
     * The dispatch fleets: the simulated plants' boilers with the simulator's capacities (and, for write-back, ramps
     * its setpoints accept), replaced by the fleet
     * of {@code GL_DISPATCH_FLEET_PATH} for every plant that file names.
     */
    static Map<String, BoilerFleet> fleets(GlConfig config, int plants, int boilers, boolean writeBack) {
        PlantModel model = new PlantModel(plants, boilers, SEED);
        Map<String, BoilerFleet> fleets = new HashMap<>();
        for (String plantId : model.plantIds()) {
            List<Double> capacities = model.boilerIds(plantId).stream()
                    .map(boiler -> model.capacityMw(plantId, boiler)).toList();
            BoilerFleet fleet = BoilerFleet.simulated(plantId, capacities, SEED);
            fleets.put(plantId, !writeBack ? fleet : new BoilerFleet(plantId, fleet.boilers().stream()
                    .map(ProcessHeat::withinWriteLimits).toList(), fleet.criticalShare(), fleet.carbonPricePerTonne()));
        }
        Optional<Path> file = config.dispatchFleetPath();
        if (file.isPresent()) {
            try {
                fleets.putAll(BoilerFleet.readYaml(file.get()));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read the dispatch fleet file " + file.get(), e);
            }
        }
        return fleets;
    }

    /**
     * The boiler with the ramp and minimum stable load a setpoint writer accepts in one plan: the simulator's
     * writable setpoints may move at most {@link PlantModel#RAMP_FRACTION_PER_MINUTE} of the capacity per minute,
     * so a plan moves a boiler at most half of that and stops it only from at most that (minimum load plus ramp).
     */
    private static Boiler withinWriteLimits(Boiler b) {
        double step = b.capacityMw() * PlantModel.RAMP_FRACTION_PER_MINUTE / 2;
        return new Boiler(b.assetId(), b.capacityMw(), Math.min(b.minStableMw(), step), b.running(), b.outputMw(),
                b.startCost(), Math.min(b.rampMw(), step), b.fuelCostPerMwh(), b.emissionsKgPerMwh(), b.critical(),
                b.available());
    }

    PlantSimulator simulator() {
        return simulator;
    }

    HeartbeatSimulator heartbeats() {
        return heartbeats;
    }

    List<String> plantIds() {
        return simulator.plantIds();
    }

    @Override
    public void close() {
        if (heartbeats != null) {
            heartbeats.close();
        }
        for (AutoCloseable client : bridges) {
            try {
                client.close();
            } catch (Exception e) {
                LOG.warn("Could not stop {} cleanly", client, e);
            }
        }
        if (simulator != null) {
            simulator.close();
        }
        if (agentHealth != null) {
            agentHealth.close();
        }
        if (dispatch != null) {
            try {
                dispatch.close();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                LOG.warn("Interrupted while stopping the dispatch planner");
            }
        }
        if (plantState != null) {
            plantState.close();
        }
    }
}
