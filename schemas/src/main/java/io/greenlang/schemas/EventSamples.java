package io.greenlang.schemas;

import io.greenlang.events.admin.AdminAction;
import io.greenlang.events.agent.AgentAlert;
import io.greenlang.events.agent.AgentAlertLevel;
import io.greenlang.events.agent.AgentGroup;
import io.greenlang.events.agent.AgentHealth;
import io.greenlang.events.agent.AgentHeartbeat;
import io.greenlang.events.agent.AgentStatus;
import io.greenlang.events.common.DeadLetter;
import io.greenlang.events.common.EventMeta;
import io.greenlang.events.common.Producer;
import io.greenlang.events.plant.AlertSeverity;
import io.greenlang.events.plant.AlertState;
import io.greenlang.events.plant.DispatchPlan;
import io.greenlang.events.plant.DispatchStatus;
import io.greenlang.events.plant.PlantAlert;
import io.greenlang.events.plant.PlantAlertKind;
import io.greenlang.events.plant.PlantState;
import io.greenlang.events.plant.Setpoint;
import io.greenlang.events.plant.TelemetryAggregate;
import io.greenlang.events.policy.PolicyAction;
import io.greenlang.events.policy.PolicyDecision;
import io.greenlang.events.policy.PolicySource;
import io.greenlang.events.policy.PolicyStage;
import io.greenlang.events.run.Resources;
import io.greenlang.events.run.RunCommand;
import io.greenlang.events.run.RunCommandType;
import io.greenlang.events.run.RunEvent;
import io.greenlang.events.run.RunEventKind;
import io.greenlang.events.run.RunRequested;
import io.greenlang.events.run.RunState;
import io.greenlang.events.run.RunStatus;
import io.greenlang.events.run.StepAction;
import io.greenlang.events.run.StepCommand;
import io.greenlang.events.run.StepEvent;
import io.greenlang.events.run.StepEventKind;
import io.greenlang.events.run.StepState;
import io.greenlang.events.run.StepStatus;
import io.greenlang.events.scada.ConnectionState;
import io.greenlang.events.scada.ScadaConnectionStatus;
import io.greenlang.events.scada.SetpointRefusal;
import io.greenlang.events.scada.SetpointWrite;
import io.greenlang.events.scada.SetpointWriteOutcome;
import io.greenlang.events.scada.TagQuality;
import io.greenlang.events.scada.TagSample;
import io.greenlang.events.scada.TelemetryBatch;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Supplier;
import org.apache.avro.specific.SpecificRecord;

/**
 * One valid, realistic example of every top-level event, for the CLI demo, documentation and tests.
 *
 * <p>Samples are deterministic (fixed ids and timestamps at millisecond precision, so they survive
 * a timestamp-millis round trip unchanged) and every call returns a fresh, mutable instance whose
 * optional fields are mostly filled in. This class must never be used to produce real events: the
 * ids and timestamps are fixed, so a sample written twice is a duplicate.
 */
public final class EventSamples {

  /** Event time shared by all samples. */
  static final Instant OCCURRED_AT = Instant.parse("2026-03-02T08:15:30.123Z");

  private static final String TENANT = "acme-heat";
  private static final String RUN_ID = "5b0c7f3e-8a51-4c2d-9d7e-0f6a2b9c4e11";
  private static final String PLANT_ID = "plant-rotterdam-01";
  private static final String TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";

  private static final Map<Class<? extends SpecificRecord>, Supplier<? extends SpecificRecord>> FACTORIES =
      Map.ofEntries(
          Map.entry(RunRequested.class, EventSamples::runRequested),
          Map.entry(RunCommand.class, EventSamples::runCommand),
          Map.entry(StepEvent.class, EventSamples::stepEvent),
          Map.entry(StepCommand.class, EventSamples::stepCommand),
          Map.entry(RunEvent.class, EventSamples::runEvent),
          Map.entry(RunState.class, EventSamples::runState),
          Map.entry(PolicyDecision.class, EventSamples::policyDecision),
          Map.entry(TelemetryBatch.class, EventSamples::telemetryBatch),
          Map.entry(ScadaConnectionStatus.class, EventSamples::scadaConnectionStatus),
          Map.entry(PlantState.class, EventSamples::plantState),
          Map.entry(TelemetryAggregate.class, EventSamples::telemetryAggregate),
          Map.entry(PlantAlert.class, EventSamples::plantAlert),
          Map.entry(AgentHeartbeat.class, EventSamples::agentHeartbeat),
          Map.entry(AgentHealth.class, EventSamples::agentHealth),
          Map.entry(AgentAlert.class, EventSamples::agentAlert),
          Map.entry(DispatchPlan.class, EventSamples::dispatchPlan),
          Map.entry(SetpointWrite.class, EventSamples::setpointWrite),
          Map.entry(AdminAction.class, EventSamples::adminAction),
          Map.entry(DeadLetter.class, EventSamples::deadLetter),
          Map.entry(EventMeta.class, () -> meta("sample", "sample-0")));

  private EventSamples() {
  }

  /**
   * A fresh sample of one event type.
   *
   * @param type one of {@link EventSerdes#EVENT_TYPES}, or {@link EventMeta}
   * @param <T> the event class
   * @return a new, valid instance
   * @throws IllegalArgumentException if there is no sample for {@code type}
   */
  public static <T extends SpecificRecord> T sample(Class<T> type) {
    Supplier<? extends SpecificRecord> factory = FACTORIES.get(type);
    if (factory == null) {
      throw new IllegalArgumentException("No sample for " + type.getName());
    }
    return type.cast(factory.get());
  }

  /**
   * A fresh sample of every top-level event, in the order of {@link EventSerdes#EVENT_TYPES}.
   *
   * @return 19 new instances
   */
  public static List<SpecificRecord> all() {
    List<SpecificRecord> samples = new ArrayList<>();
    for (Class<? extends SpecificRecord> type : EventSerdes.EVENT_TYPES) {
      samples.add(sample(type));
    }
    return samples;
  }

  private static EventMeta meta(String service, String seed) {
    return EventMeta.newBuilder()
        .setEventId(UUID.nameUUIDFromBytes(seed.getBytes(StandardCharsets.UTF_8)).toString())
        .setOccurredAt(OCCURRED_AT)
        .setTenantId(TENANT)
        .setProducer(Producer.newBuilder().setService(service).setInstance(service + "-7d9f8c6b5-x2kqp").build())
        .setTraceId(TRACE_ID)
        .build();
  }

  private static RunRequested runRequested() {
    return RunRequested.newBuilder()
        .setMeta(meta("api-gateway", "run-requested"))
        .setRunId(RUN_ID)
        .setPipelineName("boiler-efficiency-report")
        .setPipelineNamespace("operations")
        .setPipelineYaml("""
            name: boiler-efficiency-report
            steps:
              - name: fetch-telemetry
                agent: GL-002
              - name: compute-efficiency
                agent: GL-002
                depends_on: [fetch-telemetry]
            """)
        .setParameters(new HashMap<>(Map.of("plant_id", PLANT_ID, "window", "P1D")))
        .setIdempotencyKey("req-2026-03-02-boiler-eff-001")
        .setLabels(new HashMap<>(Map.of("team", "energy-ops", "cost_centre", "CC-4411")))
        .setRequestedBy("jane.doe@acme-heat.example")
        .build();
  }

  private static RunCommand runCommand() {
    return RunCommand.newBuilder()
        .setMeta(meta("api-gateway", "run-command"))
        .setRunId(RUN_ID)
        .setCommand(RunCommandType.APPROVE)
        .setActor("shift-lead@acme-heat.example")
        .setReason("Reviewed emissions impact, within permit")
        .build();
  }

  private static StepCommand stepCommand() {
    return StepCommand.newBuilder()
        .setMeta(meta("streams-app", "step-command"))
        .setRunId(RUN_ID)
        .setStep("compute-efficiency")
        .setAttempt(1)
        .setAction(StepAction.START)
        .setAgent("GL-002")
        .setImage("registry.example/greenlang/gl-002:1.4.2")
        .setCommand(new ArrayList<>(List.of("gl-agent", "run", "--step", "compute-efficiency")))
        .setInputs(new HashMap<>(Map.of("plant_id", PLANT_ID,
            "telemetry", "s3://gl-artifacts/runs/" + RUN_ID + "/fetch-telemetry/1/output.parquet")))
        .setTimeoutSeconds(900)
        .setResources(Resources.newBuilder().setCpu("500m").setMemory("512Mi").build())
        .setIdempotencyKey(RUN_ID + ":compute-efficiency:1:START")
        .build();
  }

  private static StepEvent stepEvent() {
    return StepEvent.newBuilder()
        .setMeta(meta("executor-worker", "step-event"))
        .setRunId(RUN_ID)
        .setStep("compute-efficiency")
        .setAttempt(1)
        .setKind(StepEventKind.SUCCEEDED)
        .setOutputs(new HashMap<>(Map.of("efficiency", "0.874", "rows", "1440")))
        .setOutputUri("s3://gl-artifacts/runs/" + RUN_ID + "/compute-efficiency/1/report.json")
        .setOutputSha256("9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08")
        .setExitCode(0)
        .build();
  }

  private static RunEvent runEvent() {
    return RunEvent.newBuilder()
        .setMeta(meta("streams-app", "run-event"))
        .setRunId(RUN_ID)
        .setKind(RunEventKind.STEP_TRANSITION)
        .setStep("compute-efficiency")
        .setAttempt(1)
        .setFromStatus(StepStatus.RUNNING.name())
        .setToStatus(StepStatus.SUCCEEDED.name())
        .setMessage("exit code 0 after 41 s")
        .build();
  }

  private static RunState runState() {
    StepState fetch = StepState.newBuilder()
        .setName("fetch-telemetry")
        .setStatus(StepStatus.SUCCEEDED)
        .setAttempt(1)
        .setDependsOn(new ArrayList<>())
        .setStartedAt(OCCURRED_AT.minus(Duration.ofMinutes(3)))
        .setFinishedAt(OCCURRED_AT.minus(Duration.ofMinutes(2)))
        .build();
    StepState compute = StepState.newBuilder()
        .setName("compute-efficiency")
        .setStatus(StepStatus.RUNNING)
        .setAttempt(2)
        .setDependsOn(new ArrayList<>(List.of("fetch-telemetry")))
        .setErrorCode("STEP_TIMEOUT")
        .setStartedAt(OCCURRED_AT.minus(Duration.ofSeconds(20)))
        .build();
    return RunState.newBuilder()
        .setMeta(meta("streams-app", "run-state"))
        .setRunId(RUN_ID)
        .setTenantId(TENANT)
        .setPipelineName("boiler-efficiency-report")
        .setStatus(RunStatus.RUNNING)
        .setSteps(new ArrayList<>(List.of(fetch, compute)))
        .setCreatedAt(OCCURRED_AT.minus(Duration.ofMinutes(4)))
        .setUpdatedAt(OCCURRED_AT)
        .setVersion(7L)
        .build();
  }

  private static PolicyDecision policyDecision() {
    return PolicyDecision.newBuilder()
        .setMeta(meta("streams-app", "policy-decision"))
        .setRunId(RUN_ID)
        .setStep("compute-efficiency")
        .setStage(PolicyStage.PRE_STEP)
        .setAction(PolicyAction.WARN)
        .setRulesFired(new ArrayList<>(List.of("resources.cpu.max", "image.registry.allowed")))
        .setMessage("CPU request close to the tenant limit")
        .setSource(PolicySource.YAML)
        .build();
  }

  private static TelemetryBatch telemetryBatch() {
    TagSample pressure = TagSample.newBuilder()
        .setTag("B1.STEAM.PRESSURE_BAR")
        .setValue(38.42)
        .setQuality(TagQuality.newBuilder().setStatusCode(0L).setName("Good").build())
        .setSourceTimestamp(OCCURRED_AT.minusMillis(250))
        .setServerTimestamp(OCCURRED_AT.minusMillis(240))
        .build();
    TagSample flueTemp = TagSample.newBuilder()
        .setTag("B1.FLUE.TEMP_C")
        .setValue(null)
        .setQuality(TagQuality.newBuilder().setStatusCode(0x80050000L).setName("Bad_CommunicationError").build())
        .setSourceTimestamp(OCCURRED_AT.minusMillis(250))
        .build();
    return TelemetryBatch.newBuilder()
        .setMeta(meta("scada-bridge", "telemetry-batch"))
        .setPlantId(PLANT_ID)
        .setSamples(new ArrayList<>(List.of(pressure, flueTemp)))
        .setHistorical(false)
        .setGap(false)
        .build();
  }

  private static ScadaConnectionStatus scadaConnectionStatus() {
    return ScadaConnectionStatus.newBuilder()
        .setMeta(meta("scada-bridge", "scada-connection-status"))
        .setPlantId(PLANT_ID)
        .setEndpoint("opc.tcp://scada.plant-rotterdam-01.example:4840")
        .setState(ConnectionState.RECONNECTING)
        .setSince(OCCURRED_AT.minusSeconds(12))
        .setDetail("Bad_ConnectionClosed")
        .build();
  }

  private static PlantState plantState() {
    return PlantState.newBuilder()
        .setMeta(meta("streams-app", "plant-state"))
        .setPlantId(PLANT_ID)
        .setTags(new HashMap<>(Map.of("B1.STEAM.PRESSURE_BAR", 38.42, "B1.STEAM.FLOW_TPH", 41.7,
            "HEADER.SUPPLY.TEMP_C", 182.5)))
        .setHeatSupplyMw(27.9)
        .setHeatDemandMw(28.4)
        .setEfficiency(0.874)
        .setHeatLoss(false)
        .setScadaConnected(true)
        .setUpdatedAt(OCCURRED_AT)
        .build();
  }

  private static TelemetryAggregate telemetryAggregate() {
    Instant windowStart = Instant.parse("2026-03-02T08:14:00Z");
    return TelemetryAggregate.newBuilder()
        .setMeta(meta("streams-app", "telemetry-aggregate"))
        .setPlantId(PLANT_ID)
        .setTag("B1.STEAM.PRESSURE_BAR")
        .setWindowStart(windowStart)
        .setWindowEnd(windowStart.plus(Duration.ofMinutes(1)))
        .setCount(60L)
        .setMin(37.91)
        .setMax(38.77)
        .setMean(38.35)
        .setLast(38.42)
        .build();
  }

  private static PlantAlert plantAlert() {
    return PlantAlert.newBuilder()
        .setMeta(meta("streams-app", "plant-alert"))
        .setPlantId(PLANT_ID)
        .setKind(PlantAlertKind.PRESSURE_HIGH)
        .setState(AlertState.RAISED)
        .setSeverity(AlertSeverity.WARNING)
        .setMessage("Boiler 1 steam pressure 41.2 bar above the 40.0 bar limit")
        .setValue(41.2)
        .build();
  }

  private static AgentHeartbeat agentHeartbeat() {
    return AgentHeartbeat.newBuilder()
        .setMeta(meta("agents", "agent-heartbeat"))
        .setAgentId("GL-002")
        .setPlantId(PLANT_ID)
        .setGroup(AgentGroup.BOILER_STEAM)
        .setStatus("ok")
        .setSentAt(OCCURRED_AT)
        .setMetrics(new HashMap<>(Map.of("loop_ms", 12.5, "tags_watched", 48.0)))
        .build();
  }

  private static AgentHealth agentHealth() {
    return AgentHealth.newBuilder()
        .setMeta(meta("streams-app", "agent-health"))
        .setAgentId("GL-002")
        .setPlantId(PLANT_ID)
        .setGroup(AgentGroup.BOILER_STEAM)
        .setStatus(AgentStatus.HEALTHY)
        .setLastHeartbeatAt(OCCURRED_AT.minusSeconds(5))
        .setMissedHeartbeats(0)
        .build();
  }

  private static AgentAlert agentAlert() {
    return AgentAlert.newBuilder()
        .setMeta(meta("streams-app", "agent-alert"))
        .setPlantId(PLANT_ID)
        .setLevel(AgentAlertLevel.CRITICAL)
        .setAgentsDown(3)
        .setAgentIds(new ArrayList<>(List.of("GL-002", "GL-004", "GL-007")))
        .setMessage("3 of 8 agents down at plant-rotterdam-01 within 2 minutes")
        .build();
  }

  private static DispatchPlan dispatchPlan() {
    return DispatchPlan.newBuilder()
        .setMeta(meta("streams-app", "dispatch-plan"))
        .setPlantId(PLANT_ID)
        .setPlanId("0e3d6a52-4c1f-4b8e-a0f9-3f2d7c6b1a90")
        .setSetpoints(new ArrayList<>(List.of(
            Setpoint.newBuilder().setAssetId("boiler-1").setOn(true).setLoadMw(16.0).build(),
            Setpoint.newBuilder().setAssetId("boiler-2").setOn(true).setLoadMw(9.4).build(),
            Setpoint.newBuilder().setAssetId("heat-pump-1").setOn(false).setLoadMw(0.0).build())))
        .setTotalCost(1184.37)
        .setTotalEmissionsKg(5120.8)
        .setDemandMw(25.4)
        .setOptimalityGap(0.0)
        .setSolveMs(640L)
        .setStatus(DispatchStatus.OPTIMAL)
        .setAdvisory(true)
        .build();
  }

  private static SetpointWrite setpointWrite() {
    return SetpointWrite.newBuilder()
        .setMeta(meta("scada-bridge", "setpoint-write"))
        .setPlantId(PLANT_ID)
        .setPlanId("0e3d6a52-4c1f-4b8e-a0f9-3f2d7c6b1a90")
        .setAssetId("boiler-1")
        .setTag("boiler-1.SETPOINT.LOAD_MW")
        .setNodeId("ns=2;s=" + PLANT_ID + "/boiler-1.SETPOINT.LOAD_MW")
        .setRequestedValue(31.0)
        .setPreviousValue(16.0)
        .setMinValue(0.0)
        .setMaxValue(40.0)
        .setMaxRatePerMinute(8.0)
        .setOutcome(SetpointWriteOutcome.REFUSED)
        .setReason(SetpointRefusal.RATE_EXCEEDED)
        .setErrorCode("GL-E-PARAM-RANGE")
        .setDetail("a change of 15.0 is more than the 8.0 allowed (8.0 per minute, 60.0 s since the last write)")
        .setStatusCode(null)
        .setStatusName(null)
        .build();
  }

  private static AdminAction adminAction() {
    return AdminAction.newBuilder()
        .setMeta(meta("api-gateway", "admin-action"))
        .setAction("tenant.quota.update")
        .setActor("platform-admin@greenlang.example")
        .setTenantId(TENANT)
        .setTarget("quota/concurrent-runs")
        .setReason("Winter peak: more concurrent dispatch runs")
        .setDetails(new HashMap<>(Map.of("old", "20", "new", "40")))
        .build();
  }

  private static DeadLetter deadLetter() {
    return DeadLetter.newBuilder()
        .setMeta(meta("streams-app", "dead-letter"))
        .setOriginalKey(ByteBuffer.wrap(RUN_ID.getBytes(StandardCharsets.UTF_8)))
        .setOriginalValue(ByteBuffer.wrap(new byte[] {(byte) 0xC3, 0x01, 0x7f, 0x00, 0x13}))
        .setTopic("gl.step.events")
        .setPartition(4)
        .setOffset(918_273L)
        .setErrorCode("DESERIALIZATION_FAILED")
        .setErrorMessage("Cannot decode StepEvent from topic gl.step.events: truncated: 5 bytes, shorter than "
            + "the 10-byte single-object header (C3 01 + 8-byte schema fingerprint)")
        .setFailedAt(OCCURRED_AT)
        .setProcessor("gl-streams-app-run-orchestrator")
        .build();
  }
}
