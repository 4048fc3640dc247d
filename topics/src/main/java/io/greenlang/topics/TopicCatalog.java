package io.greenlang.topics;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;

import io.greenlang.events.admin.AdminAction;
import io.greenlang.events.agent.AgentAlert;
import io.greenlang.events.agent.AgentHealth;
import io.greenlang.events.agent.AgentHeartbeat;
import io.greenlang.events.common.DeadLetter;
import io.greenlang.events.plant.DispatchPlan;
import io.greenlang.events.plant.PlantAlert;
import io.greenlang.events.plant.PlantState;
import io.greenlang.events.plant.TelemetryAggregate;
import io.greenlang.events.policy.PolicyDecision;
import io.greenlang.events.run.RunCommand;
import io.greenlang.events.run.RunEvent;
import io.greenlang.events.run.RunRequested;
import io.greenlang.events.run.RunState;
import io.greenlang.events.run.StepCommand;
import io.greenlang.events.run.StepEvent;
import io.greenlang.events.scada.ScadaConnectionStatus;
import io.greenlang.events.scada.SetpointWrite;
import io.greenlang.events.scada.TelemetryBatch;
import io.greenlang.schemas.EventSerdes;

/**
 * The single source of every topic of the platform (ARCHITECTURE §3). Code never spells a topic name: it asks
 * the catalog, which also gives the serdes. The catalog is immutable; {@link #withPrefix(String)} derives a
 * catalog whose names carry a prefix, for isolated tests or several environments on one cluster.
 *
 * <p>Run topics ({@code gl.run.requests}, {@code gl.run.commands}, {@code gl.step.events}) are co-partitioned:
 * same key (run id) and the same partition count, so that one stream task owns a run. A test guards that.
 */
public final class TopicCatalog {

    /** Partition count shared by the co-partitioned run topics. */
    public static final int RUN_PARTITIONS = 12;

    private static final Serde<String> KEY = Serdes.String();

    private static final TopicCatalog DEFAULT = new TopicCatalog("");

    private final String prefix;
    private final Topic<String, RunRequested> runRequests;
    private final Topic<String, RunCommand> runCommands;
    private final Topic<String, StepEvent> stepEvents;
    private final Topic<String, StepCommand> stepCommands;
    private final Topic<String, RunEvent> runEvents;
    private final Topic<String, RunState> runState;
    private final Topic<String, PolicyDecision> policyDecisions;
    private final Topic<String, TelemetryBatch> scadaTelemetry;
    private final Topic<String, ScadaConnectionStatus> scadaStatus;
    private final Topic<String, PlantState> plantState;
    private final Topic<String, TelemetryAggregate> plantTelemetry1m;
    private final Topic<String, PlantAlert> plantAlerts;
    private final Topic<String, AgentHeartbeat> agentHeartbeats;
    private final Topic<String, AgentHealth> agentHealth;
    private final Topic<String, AgentAlert> agentAlerts;
    private final Topic<String, DispatchPlan> dispatchPlans;
    private final Topic<String, SetpointWrite> setpointWrites;
    private final Topic<String, AdminAction> adminActions;
    private final Topic<byte[], DeadLetter> deadLetters;
    private final List<Topic<?, ?>> all;

    private TopicCatalog(String prefix) {
        this.prefix = Objects.requireNonNull(prefix, "prefix");
        List<Topic<?, ?>> topics = new ArrayList<>();
        runRequests = add(topics, event("gl.run.requests", RunRequested.class).partitions(RUN_PARTITIONS)
                .delete(Retention.days(30)).key("run_id")
                .description("Run requests (a pipeline, its parameters and tenant). Written by api-gateway through "
                        + "the transactional outbox; read by the run orchestrator in streams-app."));
        runCommands = add(topics, event("gl.run.commands", RunCommand.class).partitions(RUN_PARTITIONS)
                .delete(Retention.days(30)).key("run_id")
                .description("Operator commands on a run: cancel, approve, reject. Written by api-gateway; read by "
                        + "the run orchestrator."));
        stepEvents = add(topics, event("gl.step.events", StepEvent.class).partitions(RUN_PARTITIONS)
                .delete(Retention.forever()).key("run_id")
                .description("What happened to a step attempt: started, heartbeat, succeeded, failed (with an error "
                        + "code). Written by executor-worker; read by the run orchestrator and audit-sink."));
        stepCommands = add(topics, event("gl.step.commands", StepCommand.class).partitions(RUN_PARTITIONS)
                .delete(Retention.days(7)).key("run_id")
                .description("Start or cancel a step attempt. Written by the run orchestrator; read by "
                        + "executor-worker."));
        runEvents = add(topics, event("gl.run.events", RunEvent.class).partitions(RUN_PARTITIONS)
                .delete(Retention.forever()).key("run_id")
                .description("Every run and step transition. Written by the run orchestrator; read by audit-sink."));
        runState = add(topics, event("gl.run.state", RunState.class).partitions(RUN_PARTITIONS).compact()
                .key("run_id")
                .description("The latest state of each run (compacted). Written by the run orchestrator; read by "
                        + "api-gateway."));
        policyDecisions = add(topics, event("gl.policy.decisions", PolicyDecision.class).partitions(RUN_PARTITIONS)
                .delete(Retention.forever()).key("run_id")
                .description("Every pre-run and pre-step policy decision with the rules that fired. Written by the "
                        + "run orchestrator; read by audit-sink."));
        scadaTelemetry = add(topics, event("gl.scada.telemetry", TelemetryBatch.class).partitions(12)
                .delete(Retention.days(7)).key("plant_id")
                .description("Batches of OPC UA tag samples with quality and timestamps, gap markers and backfilled "
                        + "history. Written by scada-bridge; read by the plant topology."));
        scadaStatus = add(topics, event("gl.scada.status", ScadaConnectionStatus.class).partitions(6).compact()
                .key("plant_id")
                .description("The SCADA connection state of each plant (compacted). Written by scada-bridge; read by "
                        + "the plant topology."));
        plantState = add(topics, event("gl.plant.state", PlantState.class).partitions(6).compact()
                .key("plant_id")
                .description("The latest state of each plant: tag values, heat supply and demand, efficiency "
                        + "(compacted). Written by the plant topology; read by api-gateway."));
        plantTelemetry1m = add(topics, event("gl.plant.telemetry-1m", TelemetryAggregate.class).partitions(6)
                .delete(Retention.days(90)).key("plant_id")
                .description("One-minute aggregates per plant and tag. Written by the plant topology; read by "
                        + "audit-sink."));
        plantAlerts = add(topics, event("gl.plant.alerts", PlantAlert.class).partitions(6)
                .delete(Retention.forever()).key("plant_id")
                .description("Plant alerts raised and cleared (heat loss, pressure high, SCADA outage, efficiency "
                        + "low). Written by the plant topology; read by audit-sink and api-gateway."));
        agentHeartbeats = add(topics, event("gl.agent.heartbeats", AgentHeartbeat.class).partitions(12)
                .delete(Retention.days(1)).key("agent_id")
                .description("Heartbeats of the sub-agents GL-002..GL-100. Written by the sub-agents; read by the "
                        + "agent health topology."));
        agentHealth = add(topics, event("gl.agent.health", AgentHealth.class).partitions(12).compact()
                .key("agent_id")
                .description("The health of each sub-agent: healthy, degraded, down, stalled (compacted). Written "
                        + "by the agent health topology; read by api-gateway."));
        agentAlerts = add(topics, event("gl.agent.alerts", AgentAlert.class).partitions(6)
                .delete(Retention.forever()).key("plant_id")
                .description("Cascade alerts per plant (5 or more agents down: warning; 10 or more: critical). "
                        + "Written by the agent health topology; read by audit-sink."));
        dispatchPlans = add(topics, event("gl.dispatch.plans", DispatchPlan.class).partitions(6)
                .delete(Retention.forever()).key("plant_id")
                .description("Heat dispatch plans (boiler setpoints, cost, emissions, optimality gap, solve time). "
                        + "Written by the dispatch planner; read by audit-sink and scada-bridge."));
        setpointWrites = add(topics, event("gl.scada.setpoint-writes", SetpointWrite.class).partitions(6)
                .delete(Retention.forever()).key("plant_id")
                .description("Every dispatch setpoint scada-bridge wrote to a plant, refused to write (with the "
                        + "reason) or failed to write. Written by scada-bridge's setpoint writer; read by "
                        + "audit-sink."));
        adminActions = add(topics, event("gl.admin.actions", AdminAction.class).partitions(3)
                .delete(Retention.forever()).key("tenant_id")
                .description("Administrative actions (emergency stop, policy bypass, tenant isolation) with actor "
                        + "and reason. Written by api-gateway; read by audit-sink."));
        deadLetters = add(topics, Topic.builder("gl.dlq", Serdes.ByteArray(), EventSerdes.serde(DeadLetter.class),
                        DeadLetter.class).partitions(6)
                .delete(Retention.days(30)).key("the original record's key")
                .description("Records that could not be processed: the original bytes, topic, partition, offset and "
                        + "the error. Written by any service; read by operators."));
        this.all = Collections.unmodifiableList(topics);
    }

    private static <V extends org.apache.avro.specific.SpecificRecord> Topic.Builder<String, V> event(
            String name, Class<V> type) {
        return Topic.builder(name, KEY, EventSerdes.serde(type), type);
    }

    private <K, V> Topic<K, V> add(List<Topic<?, ?>> topics, Topic.Builder<K, V> builder) {
        Topic<K, V> topic = builder.build();
        if (!prefix.isEmpty()) {
            topic = topic.renamed(prefix + topic.name());
        }
        topics.add(topic);
        return topic;
    }

    /** The platform's catalog, with the names of ARCHITECTURE §3. */
    public static TopicCatalog standard() {
        return DEFAULT;
    }

    /** A catalog whose topic names all start with {@code prefix} (empty: the standard names). */
    public static TopicCatalog withPrefix(String prefix) {
        return prefix.isEmpty() ? DEFAULT : new TopicCatalog(prefix);
    }

    /** The prefix of every name in this catalog (empty for the standard catalog). */
    public String prefix() {
        return prefix;
    }

    /** Every topic, in catalog order. */
    public List<Topic<?, ?>> all() {
        return all;
    }

    /** The topic with this name, if the catalog has it. */
    public Optional<Topic<?, ?>> byName(String name) {
        return all.stream().filter(t -> t.name().equals(name)).findFirst();
    }

    /** The topic carrying values of this type, if the catalog has exactly one. */
    @SuppressWarnings("unchecked")
    public <V> Optional<Topic<?, V>> byValueType(Class<V> valueType) {
        List<Topic<?, ?>> matches = all.stream().filter(t -> t.valueType().equals(valueType)).toList();
        return matches.size() == 1 ? Optional.of((Topic<?, V>) matches.get(0)) : Optional.empty();
    }

    /** {@code gl.run.requests}. */
    public Topic<String, RunRequested> runRequests() {
        return runRequests;
    }

    /** {@code gl.run.commands}. */
    public Topic<String, RunCommand> runCommands() {
        return runCommands;
    }

    /** {@code gl.step.events}. */
    public Topic<String, StepEvent> stepEvents() {
        return stepEvents;
    }

    /** {@code gl.step.commands}. */
    public Topic<String, StepCommand> stepCommands() {
        return stepCommands;
    }

    /** {@code gl.run.events}. */
    public Topic<String, RunEvent> runEvents() {
        return runEvents;
    }

    /** {@code gl.run.state}. */
    public Topic<String, RunState> runState() {
        return runState;
    }

    /** {@code gl.policy.decisions}. */
    public Topic<String, PolicyDecision> policyDecisions() {
        return policyDecisions;
    }

    /** {@code gl.scada.telemetry}. */
    public Topic<String, TelemetryBatch> scadaTelemetry() {
        return scadaTelemetry;
    }

    /** {@code gl.scada.status}. */
    public Topic<String, ScadaConnectionStatus> scadaStatus() {
        return scadaStatus;
    }

    /** {@code gl.plant.state}. */
    public Topic<String, PlantState> plantState() {
        return plantState;
    }

    /** {@code gl.plant.telemetry-1m}. */
    public Topic<String, TelemetryAggregate> plantTelemetry1m() {
        return plantTelemetry1m;
    }

    /** {@code gl.plant.alerts}. */
    public Topic<String, PlantAlert> plantAlerts() {
        return plantAlerts;
    }

    /** {@code gl.agent.heartbeats}. */
    public Topic<String, AgentHeartbeat> agentHeartbeats() {
        return agentHeartbeats;
    }

    /** {@code gl.agent.health}. */
    public Topic<String, AgentHealth> agentHealth() {
        return agentHealth;
    }

    /** {@code gl.agent.alerts}. */
    public Topic<String, AgentAlert> agentAlerts() {
        return agentAlerts;
    }

    /** {@code gl.dispatch.plans}. */
    public Topic<String, DispatchPlan> dispatchPlans() {
        return dispatchPlans;
    }

    /** {@code gl.scada.setpoint-writes}. */
    public Topic<String, SetpointWrite> setpointWrites() {
        return setpointWrites;
    }

    /** {@code gl.admin.actions}. */
    public Topic<String, AdminAction> adminActions() {
        return adminActions;
    }

    /** {@code gl.dlq}. */
    public Topic<byte[], DeadLetter> deadLetters() {
        return deadLetters;
    }

    /** The catalog as a Markdown reference (docs/topics.md is generated from it). */
    public String toMarkdown() {
        StringBuilder md = new StringBuilder();
        md.append("# Topics\n\n")
                .append("Generated from `io.greenlang.topics.TopicCatalog` by `gl topics docs`; do not edit by hand.\n\n")
                .append("Replication factor is what a production cluster gets; `gl topics apply` caps it at the number of ")
                .append("brokers, so the same catalog serves the single-broker local stack. Keys are UTF-8 strings unless ")
                .append("stated; values are Avro single-object encoded (see docs/adr/001-wire-format.md).\n\n")
                .append("| topic | key | value | partitions | replication | cleanup | retention | description |\n")
                .append("|---|---|---|---|---|---|---|---|\n");
        for (Topic<?, ?> t : all) {
            md.append("| `").append(t.name()).append("` | ").append(t.keyDescription()).append(" | ")
                    .append(t.valueType().getSimpleName()).append(" | ").append(t.partitions()).append(" | ")
                    .append(t.replicationFactor()).append(" | ").append(t.cleanupPolicy().configValue()).append(" | ")
                    .append(t.retention() == null ? "-" : t.retention().toString()).append(" | ")
                    .append(t.description().replace("|", "\\|")).append(" |\n");
        }
        return md.toString();
    }
}
