package io.greenlang.gateway.state;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

import io.greenlang.events.agent.AgentHealth;
import io.greenlang.events.agent.AgentStatus;
import io.greenlang.events.plant.PlantState;
import io.greenlang.events.run.RunState;
import io.greenlang.events.run.StepState;
import io.greenlang.events.run.StepStatus;
import io.greenlang.gateway.ApiJson;
import io.greenlang.gateway.Principal;
import io.greenlang.gateway.Role;
import io.greenlang.gateway.Route;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;

/**
 * The plant, agent, heat-distribution and coordination routes of the process-heat runbook's quick reference, all
 * for {@link Role#VIEWER}, answered from {@link StateViews}. Until streams-app writes the state topics they answer
 * empty collections. Runs carry a tenant and are filtered to the caller's; plants and agents are platform assets
 * and shown to every viewer. The JSON shapes are the runbook's ({@code .plants[]}, {@code .agents[]},
 * {@code .pending_tasks}); their schemas are in {@value #COMPONENTS}.
 */
public final class StateResources {

    /** The OpenAPI schemas of these routes, beside {@link io.greenlang.gateway.RouteTable}. */
    public static final String COMPONENTS = "openapi-state.json";

    private static final Set<Role> VIEWER = Set.of(Role.VIEWER);
    private static final Set<StepStatus> STEP_DONE = Set.of(StepStatus.SUCCEEDED, StepStatus.FAILED,
            StepStatus.TIMED_OUT, StepStatus.SKIPPED, StepStatus.CANCELLED);
    private static final Set<StepStatus> STEP_ACTIVE = Set.of(StepStatus.DISPATCHED, StepStatus.RUNNING);

    private final StateViews views;

    /**
     * @param views the live state views (started by the caller)
     */
    public StateResources(StateViews views) {
        this.views = Objects.requireNonNull(views, "views");
    }

    /** The routes, for {@code ApiServer.builder().routes(routes(), StateResources.COMPONENTS)}. */
    public List<Route> routes() {
        return List.of(
                new Route(HandlerType.GET, "/api/v1/plants/status", "getPlantsStatus",
                        "Every plant's latest state: heat status, supply, demand, efficiency, SCADA link", VIEWER,
                        List.of(), "PlantStatusList", false, this::plantsStatus),
                new Route(HandlerType.GET, "/api/v1/plants/heat-status", "getPlantsHeatStatus",
                        "Heat supply against demand per plant, with totals", VIEWER, List.of(), "PlantHeatStatus",
                        false, this::heatStatus),
                new Route(HandlerType.GET, "/api/v1/plants/critical-heat-status", "getCriticalHeatStatus",
                        "Plants losing heat (supply short of demand) or without SCADA", VIEWER, List.of(),
                        "CriticalHeatStatus", false, this::criticalHeatStatus),
                new Route(HandlerType.GET, "/api/v1/agents/status", "getAgentsStatus",
                        "Every sub-agent's status with counts by status", VIEWER, List.of(), "AgentStatusList", false,
                        this::agentsStatus),
                new Route(HandlerType.GET, "/api/v1/agents/health", "getAgentsHealth",
                        "Every sub-agent's health (group by plant_id for a per-plant view)", VIEWER, List.of(),
                        "AgentHealthEntry", true, this::agentsHealth),
                new Route(HandlerType.GET, "/api/v1/optimization/heat-distribution/status", "getHeatDistribution",
                        "Per plant the latest heat values and its share of the total supply", VIEWER, List.of(),
                        "HeatDistributionStatus", false, this::heatDistribution),
                new Route(HandlerType.GET, "/api/v1/coordination/queue", "getCoordinationQueue",
                        "Runs not yet finished (PENDING, AWAITING_APPROVAL, RUNNING), oldest first", VIEWER,
                        List.of(), "CoordinationQueue", false, this::coordinationQueue));
    }

    private void plantsStatus(Context ctx) {
        List<Map<String, Object>> plants = views.plants().stream().map(StateResources::plantJson).toList();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("plants", plants);
        body.put("count", plants.size());
        ApiJson.answer(ctx, 200, body);
    }

    private void heatStatus(Context ctx) {
        List<PlantState> plants = views.plants();
        List<Map<String, Object>> rows = new ArrayList<>();
        double supply = 0;
        double demand = 0;
        for (PlantState plant : plants) {
            rows.add(heatJson(plant));
            supply += plant.getHeatSupplyMw();
            demand += plant.getHeatDemandMw();
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("plants", rows);
        body.put("total_supply_mw", supply);
        body.put("total_demand_mw", demand);
        body.put("total_balance_mw", supply - demand);
        ApiJson.answer(ctx, 200, body);
    }

    private void criticalHeatStatus(Context ctx) {
        List<Map<String, Object>> critical = views.plants().stream()
                .filter(plant -> plant.getHeatLoss() || !plant.getScadaConnected())
                .map(StateResources::heatJson).toList();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("critical_heat_loss", critical.stream().anyMatch(row -> Boolean.TRUE.equals(row.get("heat_loss"))));
        body.put("plants", critical);
        ApiJson.answer(ctx, 200, body);
    }

    private void agentsStatus(Context ctx) {
        List<AgentHealth> agents = views.agents();
        Map<AgentStatus, Integer> byStatus = new EnumMap<>(AgentStatus.class);
        for (AgentStatus status : AgentStatus.values()) {
            byStatus.put(status, 0);
        }
        agents.forEach(agent -> byStatus.merge(agent.getStatus(), 1, Integer::sum));
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("agents", agents.stream().map(StateResources::agentJson).toList());
        body.put("coordinated_agents", agents.size());
        body.put("by_status", byStatus);
        ApiJson.answer(ctx, 200, body);
    }

    private void agentsHealth(Context ctx) {
        ApiJson.answer(ctx, 200, views.agents().stream().map(StateResources::agentJson).toList());
    }

    private void heatDistribution(Context ctx) {
        List<PlantState> plants = views.plants();
        double supply = plants.stream().mapToDouble(PlantState::getHeatSupplyMw).sum();
        double demand = plants.stream().mapToDouble(PlantState::getHeatDemandMw).sum();
        List<Map<String, Object>> rows = new ArrayList<>();
        for (PlantState plant : plants) {
            Map<String, Object> row = heatJson(plant);
            row.put("efficiency", plant.getEfficiency());
            row.put("share_of_supply", supply > 0 ? plant.getHeatSupplyMw() / supply : 0.0);
            rows.add(row);
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("plants", rows);
        body.put("total_supply_mw", supply);
        body.put("total_demand_mw", demand);
        ApiJson.answer(ctx, 200, body);
    }

    private void coordinationQueue(Context ctx) {
        Principal principal = Principal.of(ctx);
        List<Map<String, Object>> runs = views.activeRuns().stream()
                .filter(run -> principal.canSee(run.getTenantId()))
                .map(StateResources::runJson).toList();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("pending_tasks", runs.size());
        body.put("runs", runs);
        ApiJson.answer(ctx, 200, body);
    }

    /** A plant's state as the routes show it. */
    static Map<String, Object> plantJson(PlantState plant) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("plant_id", plant.getPlantId());
        row.put("heat_status", plant.getHeatLoss() ? "HEAT_LOSS"
                : plant.getScadaConnected() ? "OK" : "SCADA_DISCONNECTED");
        row.put("heat_supply_mw", plant.getHeatSupplyMw());
        row.put("heat_demand_mw", plant.getHeatDemandMw());
        row.put("efficiency", plant.getEfficiency());
        row.put("heat_loss", plant.getHeatLoss());
        row.put("critical_heat", plant.getHeatLoss());
        row.put("scada_connected", plant.getScadaConnected());
        row.put("tags", plant.getTags());
        row.put("updated_at", plant.getUpdatedAt());
        return row;
    }

    private static Map<String, Object> heatJson(PlantState plant) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("plant_id", plant.getPlantId());
        row.put("heat_supply_mw", plant.getHeatSupplyMw());
        row.put("heat_demand_mw", plant.getHeatDemandMw());
        row.put("heat_balance_mw", plant.getHeatSupplyMw() - plant.getHeatDemandMw());
        row.put("heat_loss", plant.getHeatLoss());
        row.put("scada_connected", plant.getScadaConnected());
        row.put("updated_at", plant.getUpdatedAt());
        return row;
    }

    private static Map<String, Object> agentJson(AgentHealth agent) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("agent_id", agent.getAgentId());
        row.put("plant_id", agent.getPlantId());
        row.put("group", agent.getGroup().name());
        row.put("status", agent.getStatus().name());
        row.put("last_heartbeat", agent.getLastHeartbeatAt());
        row.put("missed_heartbeats", agent.getMissedHeartbeats());
        return row;
    }

    /**
     * A live run as the queue and the admin routes show it: ids, status and step counts.
     *
     * @param run the run's state
     * @return the JSON object (schema {@code LiveRun})
     */
    public static Map<String, Object> runJson(RunState run) {
        int done = 0;
        int active = 0;
        for (StepState step : run.getSteps()) {
            if (STEP_DONE.contains(step.getStatus())) {
                done++;
            } else if (STEP_ACTIVE.contains(step.getStatus())) {
                active++;
            }
        }
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("run_id", run.getRunId());
        row.put("tenant_id", run.getTenantId());
        row.put("pipeline_name", run.getPipelineName());
        row.put("status", run.getStatus().name());
        row.put("steps_total", run.getSteps().size());
        row.put("steps_done", done);
        row.put("steps_running", active);
        row.put("created_at", run.getCreatedAt());
        row.put("updated_at", run.getUpdatedAt());
        return row;
    }
}
