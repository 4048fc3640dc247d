package io.greenlang.streams.orchestrator;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Stream;

import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyTestDriver;

import io.greenlang.common.error.Backoff;
import io.greenlang.common.error.ErrorCode;
import io.greenlang.events.common.DeadLetter;
import io.greenlang.events.common.EventMeta;
import io.greenlang.events.common.Producer;
import io.greenlang.events.policy.PolicyDecision;
import io.greenlang.events.run.RunCommand;
import io.greenlang.events.run.RunCommandType;
import io.greenlang.events.run.RunEvent;
import io.greenlang.events.run.RunEventKind;
import io.greenlang.events.run.RunRequested;
import io.greenlang.events.run.RunState;
import io.greenlang.events.run.StepAction;
import io.greenlang.events.run.StepCommand;
import io.greenlang.events.run.StepEvent;
import io.greenlang.events.run.StepEventKind;
import io.greenlang.pipeline.RunPlan;
import io.greenlang.pipeline.policy.PolicyContext;
import io.greenlang.pipeline.policy.PolicyResult;
import io.greenlang.pipeline.policy.PolicyVerdict;
import io.greenlang.streams.errors.DeadLetters;
import io.greenlang.topics.TopicCatalog;

/**
 * The orchestrator topology in a {@link TopologyTestDriver}, with a planner that hands out the plans the test
 * registered per run id, a replaceable policy, and helpers that play the executor. Wall-clock time only moves
 * with {@link #advance(Duration)}.
 */
final class OrchestratorDriver implements AutoCloseable {

    static final Instant START = Instant.parse("2026-05-01T08:00:00Z");
    static final String TENANT = "tenant-a";

    final TopicCatalog catalog = TopicCatalog.standard();
    final Map<String, RunPlan> plans = new HashMap<>();
    final OrchestratorMetrics metrics = OrchestratorMetrics.unregistered();
    final Topology topology;
    Function<PolicyContext, PolicyResult> policy = ctx -> allow();
    Function<RunRequested, RunPlan> planner = request -> plans.get(request.getRunId());

    private final Path stateDir;
    private final TopologyTestDriver driver;
    private final TestInputTopic<String, RunRequested> requests;
    private final TestInputTopic<byte[], byte[]> rawRequests;
    private final TestInputTopic<String, RunCommand> commands;
    private final TestInputTopic<String, StepEvent> stepEvents;
    private final TestOutputTopic<String, StepCommand> stepCommandsOut;
    private final TestOutputTopic<String, RunEvent> runEventsOut;
    private final TestOutputTopic<String, RunState> runStateOut;
    private final TestOutputTopic<String, PolicyDecision> decisionsOut;
    private final TestOutputTopic<byte[], DeadLetter> deadLettersOut;
    private final List<StepCommand> stepCommands = new ArrayList<>();
    private final List<RunEvent> runEvents = new ArrayList<>();
    private final List<RunState> runStates = new ArrayList<>();
    private final List<PolicyDecision> decisions = new ArrayList<>();
    private final List<DeadLetter> deadLetters = new ArrayList<>();
    private Instant now = START;

    OrchestratorDriver() {
        this(settings());
    }

    OrchestratorDriver(OrchestratorSettings settings) {
        this(settings, StreamsConfig.EXACTLY_ONCE_V2);
    }

    /**
     * @param processingGuarantee {@code exactly_once_v2} (what production runs) or {@code at_least_once}: under
     *                            exactly-once the 4.3 test driver drops what a deserialization handler sends (the
     *                            real client writes it in the open transaction; the IT checks that)
     */
    OrchestratorDriver(OrchestratorSettings settings, String processingGuarantee) {
        try {
            stateDir = Files.createTempDirectory("orchestrator-ttd-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        topology = RunOrchestratorTopology.build(catalog, request -> planner.apply(request),
                ctx -> policy.apply(ctx), settings, metrics);
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "orchestrator-test");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "localhost:1");
        props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, processingGuarantee);
        props.putAll(DeadLetters.streamsProperties(catalog, metrics));
        driver = new TopologyTestDriver(topology, props, START);
        requests = driver.createInputTopic(catalog.runRequests().name(), catalog.runRequests().keySerde().serializer(),
                catalog.runRequests().valueSerde().serializer());
        rawRequests = driver.createInputTopic(catalog.runRequests().name(), new ByteArraySerializer(),
                new ByteArraySerializer());
        commands = driver.createInputTopic(catalog.runCommands().name(), catalog.runCommands().keySerde().serializer(),
                catalog.runCommands().valueSerde().serializer());
        stepEvents = driver.createInputTopic(catalog.stepEvents().name(), catalog.stepEvents().keySerde().serializer(),
                catalog.stepEvents().valueSerde().serializer());
        stepCommandsOut = driver.createOutputTopic(catalog.stepCommands().name(),
                catalog.stepCommands().keySerde().deserializer(), catalog.stepCommands().valueSerde().deserializer());
        runEventsOut = driver.createOutputTopic(catalog.runEvents().name(),
                catalog.runEvents().keySerde().deserializer(), catalog.runEvents().valueSerde().deserializer());
        runStateOut = driver.createOutputTopic(catalog.runState().name(),
                catalog.runState().keySerde().deserializer(), catalog.runState().valueSerde().deserializer());
        decisionsOut = driver.createOutputTopic(catalog.policyDecisions().name(),
                catalog.policyDecisions().keySerde().deserializer(),
                catalog.policyDecisions().valueSerde().deserializer());
        deadLettersOut = driver.createOutputTopic(catalog.deadLetters().name(),
                catalog.deadLetters().keySerde().deserializer(), catalog.deadLetters().valueSerde().deserializer());
    }

    /**
     * Test settings: the defaults, with backoffs whose jitter always draws its ceiling (deterministic) and the
     * RunState written after every change (so that a test sees it without moving the clock).
     */
    static OrchestratorSettings settings() {
        return OrchestratorSettings.defaults()
                .withPunctuationInterval(Duration.ofMillis(100))
                .withRunStateInterval(Duration.ZERO)
                .withInstance("test")
                .withBackoffs(policy -> switch (policy) {
                    case NONE -> Backoff.none();
                    case BOUNDED -> Backoff.bounded(Duration.ofSeconds(10), 3);
                    case EXPONENTIAL -> Backoff.exponential(Duration.ofSeconds(2), Duration.ofSeconds(60), 4,
                            new CeilingRandom());
                });
    }

    static PolicyResult allow() {
        return new PolicyResult(PolicyVerdict.ALLOW, List.of(), null, "no rule matched", "default", null);
    }

    static PolicyResult deny(String rule) {
        return new PolicyResult(PolicyVerdict.DENY, List.of(rule), ErrorCode.YAML_POLICY, "rule " + rule + " denies",
                "yaml", null);
    }

    static PolicyResult requireApproval(String rule) {
        return new PolicyResult(PolicyVerdict.REQUIRE_APPROVAL, List.of(rule), null, "rule " + rule
                + " requires approval", "yaml", "manager");
    }

    // ---------------------------------------------------------------------------------------------- inputs

    void request(String runId, RunPlan plan) {
        plans.put(runId, plan);
        requests.pipeInput(runId, runRequested(runId, TENANT), now);
    }

    void request(String runId, RunPlan plan, String tenant) {
        plans.put(runId, plan);
        requests.pipeInput(runId, runRequested(runId, tenant), now);
    }

    /** A request carrying a pipeline document, for the real compiler. */
    void requestDocument(String runId, String tenant, String document, Map<String, String> parameters) {
        requests.pipeInput(runId, RunRequested.newBuilder(runRequested(runId, tenant))
                .setPipelineYaml(document).setParameters(parameters).build(), now);
    }

    void requestRaw(byte[] key, byte[] value) {
        rawRequests.pipeInput(key, value, now);
    }

    void pipeRequest(String key, RunRequested request) {
        requests.pipeInput(key, request, now);
    }

    RunRequested runRequested(String runId, String tenant) {
        return RunRequested.newBuilder()
                .setMeta(meta(tenant))
                .setRunId(runId)
                .setPipelineName("test-pipeline")
                .setPipelineNamespace("default")
                .setPipelineYaml("apiVersion: greenlang.io/v1\nkind: Pipeline\n")
                .setParameters(Map.of())
                .setIdempotencyKey("idem-" + runId)
                .setLabels(Map.of())
                .setRequestedBy("alice")
                .build();
    }

    void command(String runId, RunCommandType type) {
        commands.pipeInput(runId, RunCommand.newBuilder()
                .setMeta(meta(TENANT))
                .setRunId(runId)
                .setCommand(type)
                .setActor("bob")
                .setReason("test")
                .build(), now);
    }

    void started(String runId, String step, int attempt) {
        stepEvent(runId, step, attempt, StepEventKind.STARTED, null, Map.of());
    }

    void heartbeat(String runId, String step, int attempt) {
        stepEvent(runId, step, attempt, StepEventKind.HEARTBEAT, null, Map.of());
    }

    void succeeded(String runId, String step, int attempt) {
        succeeded(runId, step, attempt, Map.of("result", step + "-out"));
    }

    void succeeded(String runId, String step, int attempt, Map<String, String> outputs) {
        stepEvent(runId, step, attempt, StepEventKind.SUCCEEDED, null, outputs);
    }

    void failed(String runId, String step, int attempt, ErrorCode code) {
        stepEvent(runId, step, attempt, StepEventKind.FAILED, code == null ? null : code.code(), Map.of());
    }

    void stepEvent(String runId, String step, int attempt, StepEventKind kind, String errorCode,
                   Map<String, String> outputs) {
        stepEvents.pipeInput(runId, StepEvent.newBuilder()
                .setMeta(meta(TENANT))
                .setRunId(runId)
                .setStep(step)
                .setAttempt(attempt)
                .setKind(kind)
                .setErrorCode(errorCode)
                .setErrorMessage(errorCode == null ? null : "failed with " + errorCode)
                .setOutputs(outputs)
                .build(), now);
    }

    /** Moves the wall clock (and so the punctuator) forward. */
    void advance(Duration duration) {
        now = now.plus(duration);
        driver.advanceWallClockTime(duration);
    }

    /** Answers every START not answered yet with STARTED then SUCCEEDED, until the run has nothing to start. */
    void completeAll(String runId) {
        java.util.Set<String> answered = new java.util.HashSet<>();
        boolean progress = true;
        while (progress) {
            progress = false;
            for (StepCommand c : starts(runId)) {
                if (answered.add(c.getStep() + "/" + c.getAttempt())) {
                    started(runId, c.getStep(), c.getAttempt());
                    succeeded(runId, c.getStep(), c.getAttempt());
                    progress = true;
                }
            }
        }
    }

    private EventMeta meta(String tenant) {
        return EventMeta.newBuilder()
                .setEventId(UUID.randomUUID().toString())
                .setOccurredAt(now)
                .setTenantId(tenant)
                .setProducer(Producer.newBuilder().setService("test").setInstance("test-0").build())
                .build();
    }

    // ---------------------------------------------------------------------------------------------- outputs

    private void drain() {
        stepCommands.addAll(stepCommandsOut.readValuesToList());
        runEvents.addAll(runEventsOut.readValuesToList());
        runStates.addAll(runStateOut.readValuesToList());
        decisions.addAll(decisionsOut.readValuesToList());
        deadLetters.addAll(deadLettersOut.readValuesToList());
    }

    List<StepCommand> stepCommands(String runId) {
        drain();
        return stepCommands.stream().filter(c -> c.getRunId().equals(runId)).toList();
    }

    List<StepCommand> starts(String runId) {
        return stepCommands(runId).stream().filter(c -> c.getAction() == StepAction.START).toList();
    }

    List<StepCommand> cancels(String runId) {
        return stepCommands(runId).stream().filter(c -> c.getAction() == StepAction.CANCEL).toList();
    }

    /** Names of the started steps, in dispatch order. */
    List<String> startedSteps(String runId) {
        return starts(runId).stream().map(StepCommand::getStep).toList();
    }

    List<RunEvent> runEvents(String runId) {
        drain();
        return runEvents.stream().filter(e -> e.getRunId().equals(runId)).toList();
    }

    /** The run's own transitions, as "FROM->TO". */
    List<String> runTransitions(String runId) {
        return runEvents(runId).stream().filter(e -> e.getKind() == RunEventKind.RUN_TRANSITION)
                .map(e -> e.getFromStatus() + "->" + e.getToStatus()).toList();
    }

    /** One step's transitions, as "FROM->TO". */
    List<String> stepTransitions(String runId, String step) {
        return runEvents(runId).stream().filter(e -> step.equals(e.getStep()))
                .map(e -> e.getFromStatus() + "->" + e.getToStatus()).toList();
    }

    RunState state(String runId) {
        drain();
        return runStates.stream().filter(s -> s.getRunId().equals(runId))
                .max(Comparator.comparingLong(RunState::getVersion)).orElse(null);
    }

    List<RunState> states(String runId) {
        drain();
        return runStates.stream().filter(s -> s.getRunId().equals(runId)).toList();
    }

    List<PolicyDecision> decisions(String runId) {
        drain();
        return decisions.stream().filter(d -> d.getRunId().equals(runId)).toList();
    }

    List<DeadLetter> deadLetters() {
        drain();
        return List.copyOf(deadLetters);
    }

    <K, V> org.apache.kafka.streams.state.KeyValueStore<K, V> store(String name) {
        return driver.getKeyValueStore(name);
    }

    @Override
    public void close() {
        driver.close();
        try (Stream<Path> files = Files.walk(stateDir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A jitter source that always draws the top of the range, so exponential delays are their ceilings. */
    private static final class CeilingRandom implements java.util.random.RandomGenerator {
        @Override
        public long nextLong() {
            return Long.MAX_VALUE;
        }

        @Override
        public long nextLong(long bound) {
            return bound - 1;
        }
    }
}
