package io.greenlang.streams.orchestrator;

import java.util.Objects;

import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.state.Stores;

import io.greenlang.pipeline.policy.PolicyEngine;
import io.greenlang.streams.serde.StoreSerde;
import io.greenlang.topics.TopicCatalog;

/**
 * The run orchestrator (ARCHITECTURE §5 "Run lifecycle") as a Processor API topology, run with
 * {@code exactly_once_v2}: one processor reads the co-partitioned {@code gl.run.requests},
 * {@code gl.run.commands} and {@code gl.step.events}, keeps each run in the {@link #RUN_STORE}, and writes
 * {@code StepCommand}s, a {@code RunEvent} per run or step transition, the latest {@code RunState} and every
 * {@code PolicyDecision}.
 *
 * <p>Behaviour:
 * <ul>
 *   <li><b>Start.</b> A request is planned by the injected {@link RunPlanner} (a planning error FAILS the run with
 *       its code), then pre-run policy decides: DENY fails the run with the decision's code, REQUIRE_APPROVAL holds
 *       it in AWAITING_APPROVAL until an APPROVE (RUNNING) or REJECT (FAILED with GL-E-YAML-POLICY, or
 *       GL-E-OPA-DENY when OPA decided) command; ALLOW and WARN start it.</li>
 *   <li><b>Steps.</b> A step whose dependencies all SUCCEEDED becomes READY, unless its {@code when} condition (CEL,
 *       see {@link WhenConditions}) is false, or a dependency was SKIPPED: then it is SKIPPED too. READY steps are
 *       dispatched in plan order while fewer than {@code maxParallelSteps} steps of the run, and fewer than
 *       {@code maxTenantParallelSteps} steps of the tenant, are in flight. Before its first dispatch a step passes
 *       pre-step policy: DENY fails it; REQUIRE_APPROVAL puts the <em>run</em> into AWAITING_APPROVAL (steps already
 *       running go on; nothing new is dispatched) until APPROVE dispatches it or REJECT fails it. At dispatch,
 *       {@code ${steps.s.outputs.y}} references in its inputs are resolved from the outputs {@code s} reported.</li>
 *   <li><b>Failures.</b> A FAILED attempt is retried as its error code's retry policy says (NONE: never; BOUNDED
 *       and EXPONENTIAL with full jitter: {@link OrchestratorSettings#backoffs()}), with at most the step's
 *       {@code retries} + 1 attempts: RETRY_WAIT, then READY when the backoff is over. An attempt without a
 *       result within its {@code timeout_seconds} (counted from dispatch, re-armed when it STARTED) gets a
 *       StepCommand(CANCEL) and fails with GL-E-AGENT-TIMEOUT (retried the same way; TIMED_OUT when not). A
 *       step that fails for good FAILS the run with its code, fail-fast: steps not started are SKIPPED, running
 *       ones are cancelled, and the run is FAILED once they answered or the grace period is over.</li>
 *   <li><b>Cancel.</b> A CANCEL command stops dispatching, CANCELs steps not started, sends StepCommand(CANCEL)
 *       for running ones, and ends the run CANCELLED once each acknowledged (any terminal event of that attempt)
 *       or after {@link OrchestratorSettings#cancelGracePeriod()}.</li>
 *   <li><b>Duplicates and stragglers.</b> A request for a known run id, a step event for an unknown run or step,
 *       an old attempt, or a state already left, and a command that does not apply, are ignored and counted in
 *       {@link OrchestratorMetrics}.</li>
 *   <li><b>Bad records.</b> Undecodable records, and records that make the processor throw (a tombstone, a key
 *       that is not the event's run id), go to {@code gl.dlq} through the handlers of
 *       {@link io.greenlang.streams.errors.DeadLetters}; processing continues.</li>
 * </ul>
 *
 * <p>The latest {@code RunState} of a changed run is written every {@link OrchestratorSettings#runStateInterval()}
 * (coalescing the several changes a busy run goes through), and at once when the run ends; after a task starts,
 * the state of every active run is written again, so a state lost with an unflushed interval is repaired.
 *
 * <p>Timers (backoffs, timeouts, grace periods, retention) live in the {@link #SCHEDULE_STORE}, keyed by due
 * time, and a wall-clock punctuator fires the due ones every {@link OrchestratorSettings#punctuationInterval()}.
 *
 * <p><b>The tenant cap is per stream task.</b> Runs are partitioned by run id, so the runs of one tenant are spread
 * over the 12 partitions and no task sees them all; the cap bounds one tenant's in-flight steps within one task,
 * so a tenant can have up to 12 times the cap in flight across the application. Enforcing a global cap would need
 * a tenant-keyed sub-topology granting slots (a repartition and a round trip per dispatch); not worth its latency
 * until a tenant actually needs a hard global limit.
 *
 * <p>Every node and store has a constant name (a rename would orphan a changelog topic); {@code
 * RunOrchestratorTopologyTest} pins {@code describe()}.
 */
public final class RunOrchestratorTopology {

    /** Source of {@code gl.run.requests}. */
    public static final String RUN_REQUESTS_SOURCE = "run-requests-source";
    /** Source of {@code gl.run.commands}. */
    public static final String RUN_COMMANDS_SOURCE = "run-commands-source";
    /** Source of {@code gl.step.events}. */
    public static final String STEP_EVENTS_SOURCE = "step-events-source";
    /** The orchestrating processor. */
    public static final String ORCHESTRATOR = "run-orchestrator";
    /** Run id to the run's state ({@link RunRecord}). */
    public static final String RUN_STORE = "run-store";
    /** Timers: due time and what to check then ({@link ScheduledTask}). */
    public static final String SCHEDULE_STORE = "run-schedule-store";
    /** Run id to tenant of the runs not yet finished; rebuilds the in-memory indexes when a task starts. */
    public static final String ACTIVE_RUNS_STORE = "active-runs-store";
    /** Sink of {@code gl.step.commands}. */
    public static final String STEP_COMMANDS_SINK = "step-commands-sink";
    /** Sink of {@code gl.run.events}. */
    public static final String RUN_EVENTS_SINK = "run-events-sink";
    /** Sink of {@code gl.run.state}. */
    public static final String RUN_STATE_SINK = "run-state-sink";
    /** Sink of {@code gl.policy.decisions}. */
    public static final String POLICY_DECISIONS_SINK = "policy-decisions-sink";

    private RunOrchestratorTopology() {
    }

    /**
     * Builds the topology.
     *
     * @param catalog  where the topics (names and serdes) come from
     * @param planner  turns a request into a plan ({@link RunPlanner#compiling} in production)
     * @param policy   pre-run and pre-step policy
     * @param settings caps, timers and backoffs
     * @param metrics  where counts go (shared by all tasks)
     * @return the topology
     */
    public static Topology build(TopicCatalog catalog, RunPlanner planner, PolicyEngine policy,
                                 OrchestratorSettings settings, OrchestratorMetrics metrics) {
        Objects.requireNonNull(catalog, "catalog");
        Objects.requireNonNull(planner, "planner");
        Objects.requireNonNull(policy, "policy");
        Objects.requireNonNull(settings, "settings");
        Objects.requireNonNull(metrics, "metrics");
        WhenConditions conditions = new WhenConditions();
        Topology topology = new Topology();
        topology.addSource(RUN_REQUESTS_SOURCE, catalog.runRequests().keySerde().deserializer(),
                catalog.runRequests().valueSerde().deserializer(), catalog.runRequests().name());
        topology.addSource(RUN_COMMANDS_SOURCE, catalog.runCommands().keySerde().deserializer(),
                catalog.runCommands().valueSerde().deserializer(), catalog.runCommands().name());
        topology.addSource(STEP_EVENTS_SOURCE, catalog.stepEvents().keySerde().deserializer(),
                catalog.stepEvents().valueSerde().deserializer(), catalog.stepEvents().name());
        topology.addProcessor(ORCHESTRATOR,
                () -> new RunOrchestratorProcessor(planner, policy, settings, metrics, conditions),
                RUN_REQUESTS_SOURCE, RUN_COMMANDS_SOURCE, STEP_EVENTS_SOURCE);
        topology.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(RUN_STORE),
                Serdes.String(), new StoreSerde<>(RunRecord.class)).withCachingEnabled(), ORCHESTRATOR);
        topology.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(SCHEDULE_STORE),
                Serdes.String(), new StoreSerde<>(ScheduledTask.class)).withCachingEnabled(), ORCHESTRATOR);
        topology.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(ACTIVE_RUNS_STORE),
                Serdes.String(), Serdes.String()).withCachingEnabled(), ORCHESTRATOR);
        topology.addSink(STEP_COMMANDS_SINK, catalog.stepCommands().name(),
                catalog.stepCommands().keySerde().serializer(), catalog.stepCommands().valueSerde().serializer(),
                ORCHESTRATOR);
        topology.addSink(RUN_EVENTS_SINK, catalog.runEvents().name(), catalog.runEvents().keySerde().serializer(),
                catalog.runEvents().valueSerde().serializer(), ORCHESTRATOR);
        topology.addSink(RUN_STATE_SINK, catalog.runState().name(), catalog.runState().keySerde().serializer(),
                catalog.runState().valueSerde().serializer(), ORCHESTRATOR);
        topology.addSink(POLICY_DECISIONS_SINK, catalog.policyDecisions().name(),
                catalog.policyDecisions().keySerde().serializer(),
                catalog.policyDecisions().valueSerde().serializer(), ORCHESTRATOR);
        return topology;
    }
}
