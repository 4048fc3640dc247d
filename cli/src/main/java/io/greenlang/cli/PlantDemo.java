package io.greenlang.cli;

import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;
import java.util.stream.Collectors;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;

import io.greenlang.events.agent.AgentAlert;
import io.greenlang.events.agent.AgentAlertLevel;
import io.greenlang.events.agent.AgentHealth;
import io.greenlang.events.agent.AgentStatus;
import io.greenlang.events.plant.AlertState;
import io.greenlang.events.plant.DispatchPlan;
import io.greenlang.events.plant.PlantAlert;
import io.greenlang.events.plant.PlantAlertKind;
import io.greenlang.events.plant.PlantState;
import io.greenlang.events.plant.Setpoint;
import io.greenlang.topics.Topic;
import io.greenlang.topics.TopicCatalog;

/**
 * The process-heat part of {@code gl demo}: with the simulated plants, SCADA bridges, plant-state, dispatch and
 * agent-health applications of {@link ProcessHeat} running, it waits for every plant's state, first dispatch plan
 * and 99 healthy sub-agents, trips the most loaded boiler of the first plant's plan and shows the HEAT_LOSS alert and
 * the new dispatch plan, then stops 10 sub-agents of that plant and shows the critical cascade alert, and lets
 * both recover. Everything it prints is read from the topics.
 */
final class PlantDemo {

    /** Agents stopped to show the cascade: the runbook's critical threshold. */
    static final int AGENTS_STOPPED = 10;
    private static final Duration DEADLINE = Duration.ofSeconds(90);
    private static final Duration RECOVERY_DEADLINE = Duration.ofSeconds(45);

    private final ProcessHeat heat;
    private final TopicCatalog catalog;
    private final PrintWriter out;
    private final Map<String, PlantState> plants = new TreeMap<>();
    private final Map<String, DispatchPlan> plans = new TreeMap<>();
    private final Map<String, AgentHealth> agents = new TreeMap<>();
    private final List<PlantAlert> plantAlerts = new ArrayList<>();
    private final List<AgentAlert> agentAlerts = new ArrayList<>();
    private final List<DispatchPlan> planHistory = new ArrayList<>();

    private PlantDemo(ProcessHeat heat, TopicCatalog catalog, PrintWriter out) {
        this.heat = heat;
        this.catalog = catalog;
        this.out = out;
    }

    /** Runs the scenario; returns whether every expected event was seen. */
    static boolean run(ProcessHeat heat, String bootstrapServers, TopicCatalog catalog, PrintWriter out) {
        List<Topic<?, ?>> topics = List.of(catalog.plantState(), catalog.plantAlerts(), catalog.dispatchPlans(),
                catalog.agentHealth(), catalog.agentAlerts());
        try (KafkaConsumer<byte[], byte[]> consumer = RunDemo.watcher(bootstrapServers, topics, false)) {
            return new PlantDemo(heat, catalog, out).run(consumer);
        }
    }

    private boolean run(KafkaConsumer<byte[], byte[]> consumer) {
        List<String> plantIds = heat.plantIds();
        int agentCount = heat.heartbeats().agents().size();
        out.println();
        long t0 = System.nanoTime();
        LocalPlatform.step(out, "Process heat: " + plantIds.size() + " simulated plants (OPC UA, Basic256Sha256 "
                + "SignAndEncrypt) -> SCADA bridges -> gl.scada.telemetry -> plant state, dispatch planner; "
                + agentCount + " sub-agents -> gl.agent.heartbeats -> agent health. Waiting for every plant's state "
                + "and plan and every agent HEALTHY ...");
        boolean ready = until(consumer, DEADLINE, () -> plantIds.stream().allMatch(id -> plants.containsKey(id)
                && plants.get(id).getScadaConnected() && plants.get(id).getHeatSupplyMw() > 0 && plans.containsKey(id))
                && count(AgentStatus.HEALTHY) == agentCount);
        if (!ready) {
            out.printf("  not ready after %d s: %d plant state(s), %d plan(s), agents %s%n", DEADLINE.toSeconds(),
                    plants.size(), plans.size(), agentCounts());
            return false;
        }
        LocalPlatform.done(out, t0);
        printPlants();
        out.println("  Sub-agents: " + agentCounts());

        String plant = plantIds.get(0);
        String boiler = largestPlannedBoiler(plant);
        Instant tripAt = Instant.now();
        out.println();
        t0 = System.nanoTime();
        LocalPlatform.step(out, "Tripping boiler " + boiler + " of " + plant + " in the simulator; waiting for the "
                + "HEAT_LOSS alert and a new dispatch plan without " + boiler + " ...");
        heat.simulator().tripBoiler(plant, boiler);
        Predicate<DispatchPlan> replanned = p -> p.getPlantId().equals(plant)
                && !p.getMeta().getOccurredAt().isBefore(tripAt)
                && p.getSetpoints().stream().anyMatch(s -> s.getAssetId().equals(boiler) && !s.getOn());
        boolean tripped = until(consumer, DEADLINE, () -> plantAlert(plant, PlantAlertKind.HEAT_LOSS, AlertState.RAISED,
                tripAt).isPresent() && planHistory.stream().anyMatch(replanned));
        Optional<PlantAlert> loss = plantAlert(plant, PlantAlertKind.HEAT_LOSS, AlertState.RAISED, tripAt);
        Optional<DispatchPlan> plan = planHistory.stream().filter(replanned).findFirst();
        loss.ifPresent(a -> out.printf("  gl.plant.alerts    %s %s %s: %s%n", a.getPlantId(), a.getKind(),
                a.getState(), a.getMessage()));
        plan.ifPresent(p -> out.println("  gl.dispatch.plans  " + describe(p)));
        if (!tripped) {
            out.printf("  after %d s: HEAT_LOSS %s, new plan %s%n", DEADLINE.toSeconds(),
                    loss.isPresent() ? "seen" : "NOT seen", plan.isPresent() ? "seen" : "NOT seen");
            return false;
        }
        LocalPlatform.done(out, t0);
        until(consumer, RECOVERY_DEADLINE, () -> plantAlert(plant, PlantAlertKind.HEAT_LOSS, AlertState.CLEARED,
                tripAt).isPresent());
        plantAlert(plant, PlantAlertKind.HEAT_LOSS, AlertState.CLEARED, tripAt).ifPresentOrElse(
                a -> out.printf("  gl.plant.alerts    %s %s %s once the other boilers took the load: %s%n",
                        a.getPlantId(), a.getKind(), a.getState(), a.getMessage()),
                () -> out.println("  HEAT_LOSS still raised: the remaining boilers cannot carry the critical demand"));

        out.println();
        t0 = System.nanoTime();
        Instant stopAt = Instant.now();
        List<String> stopped = heat.heartbeats().stop(AGENTS_STOPPED, plant);
        LocalPlatform.step(out, "Stopping the heartbeats of " + stopped.size() + " sub-agents of " + plant + " ("
                + String.join(", ", stopped) + "); waiting for the critical cascade alert ...");
        boolean cascade = until(consumer, DEADLINE, () -> agentAlert(plant, AgentAlertLevel.CRITICAL, stopAt)
                .isPresent());
        Optional<AgentAlert> critical = agentAlert(plant, AgentAlertLevel.CRITICAL, stopAt);
        critical.ifPresent(a -> out.printf("  gl.agent.alerts    %s %s: %s%n", a.getPlantId(), a.getLevel(),
                a.getMessage()));
        if (!cascade) {
            out.printf("  no CRITICAL cascade alert for %s after %d s; agents %s%n", plant, DEADLINE.toSeconds(),
                    agentCounts());
            return false;
        }
        LocalPlatform.done(out, t0);
        out.println("  Sub-agents: " + agentCounts());
        Instant resumeAt = Instant.now();
        heat.heartbeats().resume();
        heat.simulator().resetBoiler(plant, boiler);
        until(consumer, RECOVERY_DEADLINE, () -> agentAlert(plant, AgentAlertLevel.CLEARED, resumeAt).isPresent());
        agentAlert(plant, AgentAlertLevel.CLEARED, resumeAt).ifPresent(a -> out.printf(
                "  gl.agent.alerts    %s %s after the heartbeats resumed: %s%n", a.getPlantId(), a.getLevel(),
                a.getMessage()));
        out.println();
        out.flush();
        return true;
    }

    /** Polls until {@code condition} holds or the deadline passes; returns whether it held. */
    private boolean until(KafkaConsumer<byte[], byte[]> consumer, Duration deadline, BooleanSupplier condition) {
        long end = System.nanoTime() + deadline.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > end) {
                return false;
            }
            for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                apply(record);
            }
        }
        return true;
    }

    private void apply(ConsumerRecord<byte[], byte[]> record) {
        Object value = catalog.byName(record.topic()).orElseThrow().valueSerde().deserializer()
                .deserialize(record.topic(), record.value());
        if (value instanceof PlantState state) {
            plants.put(state.getPlantId(), state);
        } else if (value instanceof DispatchPlan plan) {
            plans.put(plan.getPlantId(), plan);
            planHistory.add(plan);
        } else if (value instanceof AgentHealth health) {
            agents.put(health.getAgentId(), health);
        } else if (value instanceof PlantAlert alert) {
            plantAlerts.add(alert);
        } else if (value instanceof AgentAlert alert) {
            agentAlerts.add(alert);
        }
    }

    private Optional<PlantAlert> plantAlert(String plant, PlantAlertKind kind, AlertState state, Instant after) {
        return plantAlerts.stream().filter(a -> a.getPlantId().equals(plant) && a.getKind() == kind
                && a.getState() == state && !a.getMeta().getOccurredAt().isBefore(after)).findFirst();
    }

    /** The plant-wide cascade alert (not a group's) of {@code level}, written at or after {@code after}. */
    private Optional<AgentAlert> agentAlert(String plant, AgentAlertLevel level, Instant after) {
        return agentAlerts.stream().filter(a -> a.getPlantId().equals(plant) && a.getGroup() == null
                && a.getLevel() == level && !a.getMeta().getOccurredAt().isBefore(after)).findFirst();
    }

    private long count(AgentStatus status) {
        return agents.values().stream().filter(a -> a.getStatus() == status).count();
    }

    private String agentCounts() {
        Map<AgentStatus, Long> counts = new EnumMap<>(AgentStatus.class);
        agents.values().forEach(a -> counts.merge(a.getStatus(), 1L, Long::sum));
        return counts.entrySet().stream().map(e -> e.getValue() + " " + e.getKey()).collect(Collectors.joining(", "))
                + " (of " + heat.heartbeats().agents().size() + ")";
    }

    /** The boiler carrying the most load in the plant's current plan (the simulator's largest output if none). */
    private String largestPlannedBoiler(String plant) {
        DispatchPlan plan = plans.get(plant);
        if (plan != null) {
            Optional<Setpoint> largest = plan.getSetpoints().stream().filter(Setpoint::getOn)
                    .max(Comparator.comparingDouble(Setpoint::getLoadMw));
            if (largest.isPresent()) {
                return largest.get().getAssetId();
            }
        }
        Map<String, Double> values = heat.simulator().values(plant);
        return heat.simulator().boilerIds(plant).stream()
                .max(Comparator.comparingDouble(b -> values.getOrDefault(b + ".HEAT.OUTPUT_MW", 0.0)))
                .orElseThrow();
    }

    private void printPlants() {
        out.println();
        out.printf("  %-9s %11s %11s %10s %6s  %s%n", "PLANT", "SUPPLY MW", "DEMAND MW", "EFFICIENCY", "SCADA",
                "DISPATCH PLAN");
        for (PlantState state : plants.values()) {
            DispatchPlan plan = plans.get(state.getPlantId());
            out.printf("  %-9s %11.1f %11.1f %9.1f%% %6s  %s%n", state.getPlantId(), state.getHeatSupplyMw(),
                    state.getHeatDemandMw(), state.getEfficiency() * 100, state.getScadaConnected() ? "up" : "DOWN",
                    plan == null ? "-" : describe(plan));
        }
    }

    private static String describe(DispatchPlan plan) {
        String setpoints = plan.getSetpoints().stream().map(PlantDemo::setpoint).collect(Collectors.joining(", "));
        String shortfall = plan.getShortfallMw() > 0 || plan.getCriticalShortfallMw() > 0
                ? String.format(", shortfall %.1f MW (critical %.1f MW)", plan.getShortfallMw(),
                        plan.getCriticalShortfallMw()) : "";
        return String.format("%s %s for %.1f MW: %s; cost %.0f/h, %.0f kg CO2e/h, solved in %d ms%s",
                plan.getPlantId(), plan.getStatus(), plan.getDemandMw(), setpoints, plan.getTotalCost(),
                plan.getTotalEmissionsKg(), plan.getSolveMs(), shortfall);
    }

    private static String setpoint(Setpoint s) {
        return s.getOn() ? String.format("%s %.1f MW", s.getAssetId(), s.getLoadMw()) : s.getAssetId() + " off";
    }
}
