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

import io.greenlang.events.run.RunStatus;
import io.greenlang.events.run.StepStatus;

/**
 * The orchestrator's state of one run, as kept in the {@code run-store} (see {@link io.greenlang.streams.serde.StoreSerde}): the
 * compiled plan flattened into {@link StepRecord}s, each step's status, attempt, timers and outputs, and the
 * run's own lifecycle. Mutable, and only ever touched by the stream thread that owns the run's partition.
 *
 * <p>This is not a topic contract, but its changelog outlives releases: a new release must read what an old one
 * wrote. Rules: add fields with a default that means "as before"; never rename or re-purpose a field; bump
 * {@link #FORMAT_VERSION} only for a change that needs a migration (and write that migration in
 * {@link io.greenlang.streams.serde.StoreSerde}). Unknown fields are ignored, so a rollback reads what a newer release wrote. A golden
 * file test pins version 1.
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
@JsonIgnoreProperties(ignoreUnknown = true)
final class RunRecord {

    /** The format this code writes. */
    static final int FORMAT_VERSION = 1;

    private static final Set<RunStatus> TERMINAL = EnumSet.of(RunStatus.SUCCEEDED, RunStatus.FAILED,
            RunStatus.CANCELLED);

    /** Format version of this record. */
    int v = FORMAT_VERSION;
    String runId;
    String tenant;
    String pipelineName;
    String namespace;
    String requestedBy;
    /** The request's idempotency key. */
    String idempotencyKey;
    /** The plan's deterministic run key; null when planning failed. */
    String runKey;
    String traceId;
    Map<String, String> labels = new LinkedHashMap<>();
    /** Bound parameters (String, Long, Double, Boolean). */
    Map<String, Object> parameters = new LinkedHashMap<>();
    /** Steps whose results are the run's outputs. */
    List<String> outputs = new ArrayList<>();
    RunStatus status;
    /** Code that failed the run; set once it is FAILED. */
    String errorCode;
    /** Why the run ended, for a person. */
    String message;
    long createdAt;
    long updatedAt;
    Long finishedAt;
    /** Incremented on every change; the RunState's version. */
    long version;
    /** Sequence of the events this run emitted; names their deterministic event ids. */
    long eventSeq;
    /** Set while a cancelled or failing run waits for its running steps: the status it will end with. */
    RunStatus terminating;
    String terminatingCode;
    String terminatingMessage;
    /** When a terminating run stops waiting for acknowledgements (epoch ms). */
    Long drainDeadline;
    /** What the run waits for while AWAITING_APPROVAL. */
    PendingApproval approval;
    List<StepRecord> steps = new ArrayList<>();

    @JsonIgnore
    boolean isTerminal() {
        return status != null && TERMINAL.contains(status);
    }

    /** The step of this name, or null. */
    StepRecord step(String name) {
        for (StepRecord step : steps) {
            if (step.name.equals(name)) {
                return step;
            }
        }
        return null;
    }

    /** Steps dispatched and not yet finished: what counts against the parallelism caps. */
    @JsonIgnore
    int inFlight() {
        int n = 0;
        for (StepRecord step : steps) {
            if (step.isInFlight()) {
                n++;
            }
        }
        return n;
    }

    /** Whether a step waits in READY for a dispatch slot. */
    @JsonIgnore
    boolean hasReadySteps() {
        for (StepRecord step : steps) {
            if (step.status == StepStatus.READY) {
                return true;
            }
        }
        return false;
    }

    /** Next event sequence number. */
    long nextEventSeq() {
        return ++eventSeq;
    }

    /**
     * What a run in AWAITING_APPROVAL waits for: the pre-run decision ({@code step} null) or the pre-step decision
     * of one step.
     */
    @JsonInclude(JsonInclude.Include.NON_EMPTY)
    @JsonIgnoreProperties(ignoreUnknown = true)
    static final class PendingApproval {
        String step;
        String approvalType;
        String source;
        String message;
        List<String> rulesFired = new ArrayList<>();
    }
}
