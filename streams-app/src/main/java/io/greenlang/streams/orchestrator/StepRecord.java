package io.greenlang.streams.orchestrator;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;

import io.greenlang.events.run.StepStatus;
import io.greenlang.pipeline.PlannedStep;

/**
 * One step inside a {@link RunRecord}: its planned definition (flattened from {@link PlannedStep}) and its
 * progress. Times are epoch milliseconds. See {@link RunRecord} for the compatibility rules.
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
@JsonIgnoreProperties(ignoreUnknown = true)
final class StepRecord {

    private static final Set<StepStatus> TERMINAL = EnumSet.of(StepStatus.SUCCEEDED, StepStatus.FAILED,
            StepStatus.TIMED_OUT, StepStatus.SKIPPED, StepStatus.CANCELLED);

    // ---- the plan
    String name;
    String agent;
    String image;
    List<String> command = new ArrayList<>();
    List<String> dependsOn = new ArrayList<>();
    /** Inputs as planned: parameters bound, {@code ${steps.s.outputs.y}} references not yet resolved. */
    Map<String, String> inputs = new LinkedHashMap<>();
    int timeoutSeconds;
    int retries;
    String cpu;
    String memory;
    /** CEL condition, or null (always runs). */
    String when;
    String idempotencyKey;

    // ---- progress
    StepStatus status = StepStatus.PENDING;
    /** Current or last attempt; 0 before the first dispatch. */
    int attempt;
    String errorCode;
    String errorMessage;
    Long dispatchedAt;
    Long startedAt;
    Long finishedAt;
    Long lastHeartbeatAt;
    /** When the current attempt times out. */
    Long deadline;
    /** When the next attempt may be dispatched (RETRY_WAIT). */
    Long retryAt;
    Map<String, String> outputs = new LinkedHashMap<>();
    String outputUri;
    String outputSha256;
    /** Pre-step policy has been evaluated (once per step, not per attempt). */
    boolean policyChecked;
    /** Pre-step policy asked for an approval. */
    boolean approvalRequired;
    /** That approval was given. */
    boolean approved;
    /** A cancel command was sent for the current attempt. */
    boolean cancelRequested;

    static StepRecord fromPlan(PlannedStep planned) {
        StepRecord step = new StepRecord();
        step.name = planned.name();
        step.agent = planned.agent();
        step.image = planned.image();
        step.command = new ArrayList<>(planned.command());
        step.dependsOn = new ArrayList<>(planned.dependsOn());
        step.inputs = new LinkedHashMap<>(planned.inputs());
        step.timeoutSeconds = planned.timeoutSeconds();
        step.retries = planned.retries();
        step.cpu = planned.resources().cpu();
        step.memory = planned.resources().memory();
        step.when = planned.when();
        step.idempotencyKey = planned.idempotencyKey();
        return step;
    }

    @JsonIgnore
    boolean isTerminal() {
        return TERMINAL.contains(status);
    }

    @JsonIgnore
    boolean isInFlight() {
        return status == StepStatus.DISPATCHED || status == StepStatus.RUNNING;
    }

    /** Not dispatched yet in its current attempt, and not finished. */
    @JsonIgnore
    boolean isWaiting() {
        return status == StepStatus.PENDING || status == StepStatus.READY || status == StepStatus.RETRY_WAIT;
    }
}
