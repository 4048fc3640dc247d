package io.greenlang.streams.orchestrator;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.greenlang.common.error.Backoff;
import io.greenlang.common.error.ErrorCode;
import io.greenlang.common.error.GreenLangException;
import io.greenlang.events.common.EventMeta;
import io.greenlang.events.common.Producer;
import io.greenlang.events.policy.PolicyAction;
import io.greenlang.events.policy.PolicyDecision;
import io.greenlang.events.policy.PolicySource;
import io.greenlang.events.run.Resources;
import io.greenlang.events.run.RunCommand;
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
import io.greenlang.pipeline.PlannedStep;
import io.greenlang.pipeline.RunPlan;
import io.greenlang.pipeline.StepResources;
import io.greenlang.pipeline.policy.PolicyContext;
import io.greenlang.pipeline.policy.PolicyEngine;
import io.greenlang.pipeline.policy.PolicyResult;
import io.greenlang.pipeline.policy.PolicyStage;
import io.greenlang.pipeline.policy.PolicyVerdict;

/**
 * The run orchestrator's one processor: every run request, run command and step event of a partition, and the
 * wall-clock punctuation over the schedule store, go through here. See {@link RunOrchestratorTopology} for the
 * behaviour; this class is the state machine.
 *
 * <p>Each input (a record or a due timer) is handled as one unit of {@link Work}: runs are loaded into it and
 * changed in memory, and what must be written (run records, timers, emitted events) is collected; only when the
 * handling is complete is it applied to the stores and forwarded. So a record that makes the handling throw
 * (and goes to the dead-letter topic) leaves no half-applied change behind.
 *
 * <p>In-memory indexes (steps in flight per tenant, runs waiting for tenant capacity, the active-run count) are
 * derived from the stores in {@link #init} and kept up to date on every flush; they are never the source of
 * truth.
 */
final class RunOrchestratorProcessor implements Processor<String, Object, String, Object> {

    private static final Logger log = LoggerFactory.getLogger(RunOrchestratorProcessor.class);

    /** Service name in the envelope of every event written. */
    static final String SERVICE = "streams-app";
    /** Timers handled in one punctuation at most; the rest wait for the next one. */
    private static final int MAX_TIMERS_PER_PUNCTUATION = 10_000;
    /** Runs kept decoded in memory per task (most recently used); the store stays the source of truth. */
    private static final int MAX_CACHED_RUNS = 2_000;
    /** Attempt timeout used when a plan carries none (the planner normally applies GL_DEFAULT_TIMEOUT_SECONDS). */
    private static final int FALLBACK_TIMEOUT_SECONDS = 3_600;

    private final RunPlanner planner;
    private final PolicyEngine policy;
    private final OrchestratorSettings settings;
    private final OrchestratorMetrics metrics;
    private final WhenConditions conditions;

    private ProcessorContext<String, Object> context;
    private KeyValueStore<String, RunRecord> runs;
    private KeyValueStore<String, ScheduledTask> timers;
    private KeyValueStore<String, String> activeRuns;

    private final Map<String, Integer> tenantInFlight = new HashMap<>();
    /**
     * Decoded active runs, most recently used last: saves decoding a run's stored value on every record. Written
     * through on every flush, and dropped for every run of a work that threw, so it never holds what the store does
     * not. A run leaves when it ends: a finished run is rarely read again (a straggler, a duplicate), and keeping
     * thousands of them alive would only make every young collection of the heap copy them again.
     */
    private final Map<String, RunRecord> decoded = new LinkedHashMap<>(256, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, RunRecord> eldest) {
            return size() > MAX_CACHED_RUNS;
        }
    };
    private final Map<String, LinkedHashSet<String>> waitingForTenant = new HashMap<>();
    private long activeCount;
    /** Runs whose latest RunState has not been written yet (coalesced mode), in order of first change. */
    private final Set<String> pendingStates = new LinkedHashSet<>();

    RunOrchestratorProcessor(RunPlanner planner, PolicyEngine policy, OrchestratorSettings settings,
                             OrchestratorMetrics metrics, WhenConditions conditions) {
        this.planner = planner;
        this.policy = policy;
        this.settings = settings;
        this.metrics = metrics;
        this.conditions = conditions;
    }

    @Override
    public void init(ProcessorContext<String, Object> context) {
        this.context = context;
        this.runs = context.getStateStore(RunOrchestratorTopology.RUN_STORE);
        this.timers = context.getStateStore(RunOrchestratorTopology.SCHEDULE_STORE);
        this.activeRuns = context.getStateStore(RunOrchestratorTopology.ACTIVE_RUNS_STORE);
        rebuildIndexes();
        context.schedule(settings.punctuationInterval(), PunctuationType.WALL_CLOCK_TIME, this::punctuate);
        if (!settings.runStateInterval().isZero()) {
            context.schedule(settings.runStateInterval(), PunctuationType.WALL_CLOCK_TIME, this::writePendingStates);
        }
    }

    private void rebuildIndexes() {
        decoded.clear();
        tenantInFlight.clear();
        waitingForTenant.clear();
        pendingStates.clear();
        activeCount = 0;
        try (KeyValueIterator<String, String> it = activeRuns.all()) {
            while (it.hasNext()) {
                KeyValue<String, String> entry = it.next();
                RunRecord run = runs.get(entry.key);
                if (run == null || run.isTerminal()) {
                    continue;
                }
                activeCount++;
                if (!settings.runStateInterval().isZero()) {
                    // A state changed before a crash may not have been written yet: write them all again.
                    pendingStates.add(run.runId);
                }
                tenantInFlight.merge(run.tenant, run.inFlight(), Integer::sum);
                if (run.status == RunStatus.RUNNING && run.terminating == null && run.hasReadySteps()) {
                    waitingForTenant.computeIfAbsent(run.tenant, t -> new LinkedHashSet<>()).add(run.runId);
                }
            }
        }
        metrics.activeRunsChanged(activeCount);
        log.info("Task {}: {} active run(s) restored", context.taskId(), activeCount);
    }

    @Override
    public void close() {
        decoded.clear();
        pendingStates.clear();
        metrics.activeRunsChanged(-activeCount);
        activeCount = 0;
    }

    // ------------------------------------------------------------------------------------------ inputs

    @Override
    public void process(Record<String, Object> record) {
        String key = record.key();
        Object value = record.value();
        if (value == null) {
            throw new IllegalArgumentException("null value (a tombstone) where an event was expected, key " + key);
        }
        if (key == null) {
            throw new IllegalArgumentException("record without a key (the run id): " + value.getClass().getSimpleName());
        }
        Work w = new Work(context.currentSystemTimeMs());
        try {
            if (value instanceof RunRequested request) {
                requireKey(key, request.getRunId());
                onRunRequested(w, request);
            } else if (value instanceof RunCommand command) {
                requireKey(key, command.getRunId());
                onRunCommand(w, command);
            } else if (value instanceof StepEvent event) {
                requireKey(key, event.getRunId());
                onStepEvent(w, event);
            } else {
                throw new IllegalArgumentException("unexpected value type " + value.getClass().getName());
            }
            w.releaseTenantCapacity();
            w.flush();
        } catch (RuntimeException e) {
            w.forgetDecoded();
            throw e;
        }
    }

    private static void requireKey(String key, String runId) {
        if (!key.equals(runId)) {
            throw new IllegalArgumentException("record key '" + key + "' is not the event's run_id '" + runId + "'");
        }
    }

    private void onRunRequested(Work w, RunRequested request) {
        String runId = request.getRunId();
        if (w.load(runId) != null) {
            metrics.duplicateRunRequest();
            log.info("run {}: duplicate request ignored (idempotency key {})", runId, request.getIdempotencyKey());
            return;
        }
        RunRecord run = new RunRecord();
        run.runId = runId;
        run.tenant = request.getMeta().getTenantId();
        run.pipelineName = request.getPipelineName();
        run.namespace = request.getPipelineNamespace();
        run.requestedBy = request.getRequestedBy();
        run.idempotencyKey = request.getIdempotencyKey();
        run.traceId = request.getMeta().getTraceId();
        run.labels.putAll(request.getLabels());
        request.getParameters().forEach(run.parameters::put);
        run.createdAt = w.now;
        w.create(run);
        runTransition(w, run, RunStatus.PENDING, null, "requested by " + request.getRequestedBy());

        RunPlan plan;
        try {
            plan = planner.plan(request);
        } catch (GreenLangException e) {
            log.info("run {}: rejected by the planner: {} {}", runId, e.errorCode().code(), e.getMessage());
            terminate(w, run, RunStatus.FAILED, e.errorCode(), e.getMessage());
            return;
        } catch (RuntimeException e) {
            // The planner is injected code: an unexpected failure must still end the run visibly.
            log.error("run {}: the planner failed unexpectedly", runId, e);
            terminate(w, run, RunStatus.FAILED, ErrorCode.INTERNAL, "planning failed: " + e);
            return;
        }
        applyPlan(run, plan);
        PolicyResult result = evaluatePolicy(w, run, PolicyStage.PRE_RUN, null);
        switch (result.verdict()) {
            case DENY -> terminate(w, run, RunStatus.FAILED, denialCode(result), "denied by pre-run policy: "
                    + result.message());
            case REQUIRE_APPROVAL -> {
                run.approval = pendingApproval(null, result);
                runTransition(w, run, RunStatus.AWAITING_APPROVAL, null, "pre-run policy requires approval: "
                        + result.message());
            }
            case ALLOW, WARN -> {
                runTransition(w, run, RunStatus.RUNNING, null, result.verdict() == PolicyVerdict.WARN
                        ? "policy warning: " + result.message() : null);
                advance(w, run);
            }
        }
    }

    private static void applyPlan(RunRecord run, RunPlan plan) {
        run.runKey = plan.runKey();
        run.pipelineName = plan.pipelineName();
        if (plan.namespace() != null && !plan.namespace().isBlank()) {
            run.namespace = plan.namespace();
        }
        Map<String, String> labels = new LinkedHashMap<>(plan.labels());
        labels.putAll(run.labels);
        run.labels = labels;
        run.parameters = new LinkedHashMap<>();
        plan.parameters().forEach((name, value) -> run.parameters.put(name, normalise(value)));
        run.outputs = new ArrayList<>(plan.outputs());
        run.steps = new ArrayList<>();
        for (PlannedStep planned : plan.steps()) {
            run.steps.add(StepRecord.fromPlan(planned));
        }
    }

    /** Integers as Long and floats as Double, as they read back from the store. */
    private static Object normalise(Object value) {
        if (value instanceof Integer || value instanceof Short || value instanceof Byte) {
            return ((Number) value).longValue();
        }
        if (value instanceof Float f) {
            return f.doubleValue();
        }
        return value;
    }

    private void onRunCommand(Work w, RunCommand command) {
        String runId = command.getRunId();
        RunRecord run = w.load(runId);
        if (run == null || run.isTerminal()) {
            ignoreCommand(command, run == null ? "unknown run" : "run is " + run.status);
            return;
        }
        String who = command.getActor() + (command.getReason() == null ? "" : ": " + command.getReason());
        switch (command.getCommand()) {
            case CANCEL -> {
                if (run.terminating != null) {
                    ignoreCommand(command, "run is already ending as " + run.terminating);
                    return;
                }
                log.info("run {}: cancel requested by {}", runId, who);
                terminate(w, run, RunStatus.CANCELLED, null, "cancelled by " + who);
            }
            case APPROVE -> {
                if (run.status != RunStatus.AWAITING_APPROVAL || run.approval == null) {
                    ignoreCommand(command, "run is " + run.status + ", not awaiting approval");
                    return;
                }
                RunRecord.PendingApproval approval = run.approval;
                run.approval = null;
                if (approval.step != null) {
                    StepRecord step = run.step(approval.step);
                    if (step != null) {
                        step.approved = true;
                    }
                }
                log.info("run {}: approved by {}", runId, who);
                runTransition(w, run, RunStatus.RUNNING, null, "approved by " + who
                        + (approval.step == null ? "" : " (step " + approval.step + ")"));
                advance(w, run);
            }
            case REJECT -> {
                if (run.status != RunStatus.AWAITING_APPROVAL || run.approval == null) {
                    ignoreCommand(command, "run is " + run.status + ", not awaiting approval");
                    return;
                }
                RunRecord.PendingApproval approval = run.approval;
                ErrorCode code = "opa".equalsIgnoreCase(approval.source) ? ErrorCode.OPA_DENY : ErrorCode.YAML_POLICY;
                log.info("run {}: rejected by {}", runId, who);
                StepRecord step = approval.step == null ? null : run.step(approval.step);
                if (step != null) {
                    failStepForGood(w, run, step, StepStatus.FAILED, code, "approval rejected by " + who);
                } else {
                    terminate(w, run, RunStatus.FAILED, code, "approval rejected by " + who);
                }
            }
        }
    }

    private void ignoreCommand(RunCommand command, String why) {
        metrics.ignoredRunCommand();
        log.info("run {}: {} command from {} ignored: {}", command.getRunId(), command.getCommand(),
                command.getActor(), why);
    }

    private void onStepEvent(Work w, StepEvent event) {
        String runId = event.getRunId();
        RunRecord run = w.load(runId);
        StepRecord step = run == null ? null : run.step(event.getStep());
        if (step == null) {
            ignoreStepEvent(event, run == null ? "unknown run" : "unknown step");
            return;
        }
        if (event.getAttempt() != step.attempt || !step.isInFlight()) {
            ignoreStepEvent(event, "step is at attempt " + step.attempt + " in " + step.status);
            return;
        }
        long occurredAt = event.getMeta().getOccurredAt().toEpochMilli();
        switch (event.getKind()) {
            case STARTED, HEARTBEAT -> {
                if (step.status == StepStatus.RUNNING) {
                    if (event.getKind() == StepEventKind.STARTED) {
                        ignoreStepEvent(event, "already RUNNING");
                    }
                    return;
                }
                step.startedAt = occurredAt;
                rearmTimeout(w, run, step);
                stepTransition(w, run, step, StepStatus.RUNNING, null, null);
            }
            case SUCCEEDED -> {
                w.unschedule(timeoutKey(run, step));
                step.deadline = null;
                step.outputs = new LinkedHashMap<>(event.getOutputs());
                step.outputUri = event.getOutputUri();
                step.outputSha256 = event.getOutputSha256();
                step.finishedAt = w.now;
                stepTransition(w, run, step, StepStatus.SUCCEEDED, null, null);
                countStep(w, step, StepStatus.SUCCEEDED);
                advance(w, run);
            }
            case FAILED -> {
                ErrorCode code = errorCode(runId, event.getErrorCode());
                String message = event.getErrorMessage() == null ? code.description() : event.getErrorMessage();
                if (step.cancelRequested) {
                    w.unschedule(timeoutKey(run, step));
                    step.deadline = null;
                    step.finishedAt = w.now;
                    stepTransition(w, run, step, StepStatus.CANCELLED, null, "cancel acknowledged: " + message);
                    countStep(w, step, StepStatus.CANCELLED);
                    advance(w, run);
                } else {
                    attemptFailed(w, run, step, code, message, StepStatus.FAILED);
                }
            }
        }
    }

    private void ignoreStepEvent(StepEvent event, String why) {
        metrics.ignoredStepEvent();
        log.debug("run {}: {} of step {} attempt {} ignored: {}", event.getRunId(), event.getKind(),
                event.getStep(), event.getAttempt(), why);
    }

    private static ErrorCode errorCode(String runId, String code) {
        if (code == null || code.isBlank()) {
            log.warn("run {}: step failure without an error code, taken as {}", runId, ErrorCode.UNEXPECTED.code());
            return ErrorCode.UNEXPECTED;
        }
        try {
            return ErrorCode.fromCode(code);
        } catch (IllegalArgumentException e) {
            log.warn("run {}: step failure with unknown error code '{}', taken as {}", runId, code,
                    ErrorCode.UNEXPECTED.code());
            return ErrorCode.UNEXPECTED;
        }
    }

    // ------------------------------------------------------------------------------------------ timers

    private void punctuate(long wallClock) {
        long now = context.currentSystemTimeMs();
        List<KeyValue<String, ScheduledTask>> due = new ArrayList<>();
        try (KeyValueIterator<String, ScheduledTask> it = timers.range(ScheduledTask.lowerBound(),
                ScheduledTask.upperBound(now))) {
            while (it.hasNext() && due.size() < MAX_TIMERS_PER_PUNCTUATION) {
                due.add(it.next());
            }
        }
        for (KeyValue<String, ScheduledTask> entry : due) {
            // Deleted before it is handled, so that a timer whose handling throws cannot fire forever.
            timers.delete(entry.key);
            if (entry.value == null) {
                continue;
            }
            Work w = new Work(now);
            try {
                onTimer(w, entry.value);
                w.releaseTenantCapacity();
                w.flush();
            } catch (RuntimeException e) {
                w.forgetDecoded();
                throw e;
            }
        }
    }

    /** Writes the latest RunState of every run changed since the last time (coalesced mode). */
    private void writePendingStates(long wallClock) {
        if (pendingStates.isEmpty()) {
            return;
        }
        long now = context.currentSystemTimeMs();
        List<String> runIds = new ArrayList<>(pendingStates);
        pendingStates.clear();
        for (String runId : runIds) {
            RunRecord run = decoded.get(runId);
            if (run == null) {
                run = runs.get(runId);
            }
            if (run != null) {
                context.forward(new Record<>(runId, runState(now, run), now), RunOrchestratorTopology.RUN_STATE_SINK);
            }
        }
    }

    private void onTimer(Work w, ScheduledTask task) {
        RunRecord run = w.load(task.runId());
        if (run == null) {
            return;
        }
        StepRecord step = task.step() == null ? null : run.step(task.step());
        switch (task.kind()) {
            case STEP_TIMEOUT -> {
                if (step == null || step.attempt != task.attempt() || !step.isInFlight() || step.deadline == null
                        || step.deadline > w.now || run.terminating != null) {
                    return;
                }
                log.info("run {}: step {} attempt {} timed out after {} s", run.runId, step.name, step.attempt,
                        step.timeoutSeconds);
                sendCancel(w, run, step);
                attemptFailed(w, run, step, ErrorCode.AGENT_TIMEOUT, "no result within " + step.timeoutSeconds
                        + " s", StepStatus.TIMED_OUT);
            }
            case STEP_RETRY -> {
                if (step == null || step.attempt != task.attempt() || step.status != StepStatus.RETRY_WAIT
                        || step.retryAt == null || step.retryAt > w.now) {
                    return;
                }
                step.retryAt = null;
                stepTransition(w, run, step, StepStatus.READY, null, "backoff over");
                advance(w, run);
            }
            case RUN_DRAIN -> {
                if (run.isTerminal() || run.terminating == null || run.drainDeadline == null
                        || run.drainDeadline > w.now) {
                    return;
                }
                run.drainDeadline = null;
                for (StepRecord s : run.steps) {
                    if (s.isInFlight()) {
                        w.unschedule(timeoutKey(run, s));
                        s.deadline = null;
                        s.finishedAt = w.now;
                        stepTransition(w, run, s, StepStatus.CANCELLED, null, "no acknowledgement of the cancel "
                                + "within " + settings.cancelGracePeriod().toSeconds() + " s");
                        countStep(w, s, StepStatus.CANCELLED);
                    }
                }
                finish(w, run, run.terminating, codeOf(run.terminatingCode), run.terminatingMessage);
            }
            case RUN_PURGE -> {
                if (run.isTerminal()) {
                    log.debug("run {}: retention over, removed from the store", run.runId);
                    w.delete(run);
                }
            }
        }
    }

    // ------------------------------------------------------------------------------------------ the state machine

    /** Moves a run forward after anything changed: promotes, dispatches, finishes. */
    private void advance(Work w, RunRecord run) {
        if (run.isTerminal()) {
            return;
        }
        if (run.terminating != null) {
            if (run.inFlight() == 0) {
                finish(w, run, run.terminating, codeOf(run.terminatingCode), run.terminatingMessage);
            }
            return;
        }
        if (run.status != RunStatus.RUNNING && run.status != RunStatus.AWAITING_APPROVAL) {
            return;
        }
        promote(w, run);
        if (run.isTerminal() || run.terminating != null) {
            return;
        }
        boolean done = true;
        for (StepRecord step : run.steps) {
            if (step.status != StepStatus.SUCCEEDED && step.status != StepStatus.SKIPPED) {
                done = false;
                break;
            }
        }
        if (done) {
            finish(w, run, RunStatus.SUCCEEDED, null, "all steps done");
            return;
        }
        if (run.status == RunStatus.RUNNING) {
            dispatch(w, run);
        }
    }

    /** PENDING steps whose dependencies are done become READY, or SKIPPED (a skipped dependency, a false when). */
    private void promote(Work w, RunRecord run) {
        for (StepRecord step : run.steps) {
            if (step.status != StepStatus.PENDING) {
                continue;
            }
            boolean ready = true;
            String skippedDependency = null;
            for (String dependency : step.dependsOn) {
                StepRecord upstream = run.step(dependency);
                if (upstream == null) {
                    failStepForGood(w, run, step, StepStatus.FAILED, ErrorCode.DAG_MISSING_DEP,
                            "depends on unknown step '" + dependency + "'");
                    return;
                }
                if (upstream.status == StepStatus.SKIPPED) {
                    skippedDependency = dependency;
                } else if (upstream.status != StepStatus.SUCCEEDED) {
                    ready = false;
                }
            }
            if (skippedDependency != null) {
                skip(w, run, step, "dependency '" + skippedDependency + "' was skipped");
            } else if (ready) {
                if (step.when != null && !step.when.isBlank()) {
                    boolean holds;
                    try {
                        holds = conditions.evaluate(step.when, run);
                    } catch (WhenConditions.ConditionException e) {
                        failStepForGood(w, run, step, StepStatus.FAILED, ErrorCode.YAML_SCHEMA, e.getMessage());
                        return;
                    }
                    if (!holds) {
                        skip(w, run, step, "condition '" + step.when + "' is false");
                        continue;
                    }
                }
                stepTransition(w, run, step, StepStatus.READY, null, null);
            }
        }
    }

    private void skip(Work w, RunRecord run, StepRecord step, String why) {
        step.finishedAt = w.now;
        stepTransition(w, run, step, StepStatus.SKIPPED, null, why);
    }

    /** Dispatches READY steps within the run's and the tenant's caps, after pre-step policy. */
    private void dispatch(Work w, RunRecord run) {
        w.dispatchEvaluated.add(run.runId);
        w.tenantBlocked.remove(run.runId);
        int inFlight = run.inFlight();
        for (StepRecord step : run.steps) {
            if (step.status != StepStatus.READY) {
                continue;
            }
            if (inFlight >= settings.maxParallelSteps()) {
                return;
            }
            if (w.tenantInFlight(run.tenant) >= settings.maxTenantParallelSteps()) {
                w.tenantBlocked.add(run.runId);
                return;
            }
            if (!step.policyChecked) {
                step.policyChecked = true;
                PolicyResult result = evaluatePolicy(w, run, PolicyStage.PRE_STEP, step);
                if (result.verdict() == PolicyVerdict.DENY) {
                    failStepForGood(w, run, step, StepStatus.FAILED, denialCode(result),
                            "denied by pre-step policy: " + result.message());
                    return;
                }
                if (result.verdict() == PolicyVerdict.REQUIRE_APPROVAL) {
                    step.approvalRequired = true;
                    run.approval = pendingApproval(step.name, result);
                    runTransition(w, run, RunStatus.AWAITING_APPROVAL, null, "step " + step.name
                            + " requires approval: " + result.message());
                    return;
                }
            } else if (step.approvalRequired && !step.approved) {
                continue;
            }
            Map<String, String> inputs;
            try {
                inputs = InputReferences.resolve(step, run);
            } catch (InputReferences.UnresolvedReferenceException e) {
                failStepForGood(w, run, step, StepStatus.FAILED, ErrorCode.AGENT_OUTPUT_INVALID, e.getMessage());
                return;
            }
            step.attempt++;
            step.cancelRequested = false;
            step.dispatchedAt = w.now;
            step.startedAt = null;
            step.finishedAt = null;
            step.retryAt = null;
            step.deadline = w.now + timeoutMillis(step);
            stepTransition(w, run, step, StepStatus.DISPATCHED, null, null);
            w.emit(RunOrchestratorTopology.STEP_COMMANDS_SINK, stepCommand(w, run, step, StepAction.START, inputs));
            w.schedule(new ScheduledTask(ScheduledTask.Kind.STEP_TIMEOUT, step.deadline, run.runId, step.name,
                    step.attempt));
            inFlight++;
        }
    }

    /** A failed attempt: retried after a backoff when its code and the step allow, else the step fails. */
    private void attemptFailed(Work w, RunRecord run, StepRecord step, ErrorCode code, String message,
                               StepStatus finalStatus) {
        w.unschedule(timeoutKey(run, step));
        step.deadline = null;
        w.after(() -> metrics.error(code));
        Backoff backoff = settings.backoffs().apply(code.retryPolicy());
        int maxAttempts = Math.min(backoff.maxAttempts(), step.retries + 1);
        Optional<Duration> delay = step.attempt < maxAttempts ? backoff.delayAfterAttempt(step.attempt)
                : Optional.empty();
        if (delay.isEmpty()) {
            failStepForGood(w, run, step, finalStatus, code, message);
            return;
        }
        countStep(w, step, finalStatus);
        step.errorCode = code.code();
        step.errorMessage = message;
        step.retryAt = w.now + delay.get().toMillis();
        log.info("run {}: step {} attempt {} failed with {}, retry in {} ms", run.runId, step.name, step.attempt,
                code.code(), delay.get().toMillis());
        stepTransition(w, run, step, StepStatus.RETRY_WAIT, code.code(), "attempt " + step.attempt + " failed: "
                + message + "; retry in " + delay.get().toMillis() + " ms");
        w.schedule(new ScheduledTask(ScheduledTask.Kind.STEP_RETRY, step.retryAt, run.runId, step.name,
                step.attempt));
        advance(w, run);
    }

    /** The step ends in {@code status} with {@code code}; its dependents are skipped and the run fails. */
    private void failStepForGood(Work w, RunRecord run, StepRecord step, StepStatus status, ErrorCode code,
                                 String message) {
        if (step.isInFlight()) {
            w.unschedule(timeoutKey(run, step));
            step.deadline = null;
        }
        step.errorCode = code.code();
        step.errorMessage = message;
        step.finishedAt = w.now;
        stepTransition(w, run, step, status, code.code(), message);
        if (step.attempt > 0) {
            countStep(w, step, status);
        }
        log.info("run {}: step {} {} with {}: {}", run.runId, step.name, status, code.code(), message);
        terminate(w, run, RunStatus.FAILED, code, "step " + step.name + " " + status + ": " + message);
    }

    /**
     * Ends a run as FAILED or CANCELLED: steps not started are SKIPPED (failure) or CANCELLED (cancel), running
     * ones get a cancel command; the run ends once they have all answered or the grace period is over.
     */
    private void terminate(Work w, RunRecord run, RunStatus target, ErrorCode code, String message) {
        if (run.isTerminal() || run.terminating != null) {
            return;
        }
        run.terminating = target;
        run.terminatingCode = code == null ? null : code.code();
        run.terminatingMessage = message;
        run.approval = null;
        StepStatus notStarted = target == RunStatus.CANCELLED ? StepStatus.CANCELLED : StepStatus.SKIPPED;
        String why = target == RunStatus.CANCELLED ? "run cancelled" : "run failed";
        for (StepRecord step : run.steps) {
            if (step.isWaiting()) {
                if (step.status == StepStatus.RETRY_WAIT && step.retryAt != null) {
                    w.unschedule(ScheduledTask.key(ScheduledTask.Kind.STEP_RETRY, step.retryAt, run.runId, step.name,
                            step.attempt));
                    step.retryAt = null;
                }
                step.finishedAt = w.now;
                stepTransition(w, run, step, notStarted, null, why);
            } else if (step.isInFlight()) {
                sendCancel(w, run, step);
            }
        }
        if (run.inFlight() == 0) {
            finish(w, run, target, code, message);
        } else {
            run.drainDeadline = w.now + settings.cancelGracePeriod().toMillis();
            w.schedule(new ScheduledTask(ScheduledTask.Kind.RUN_DRAIN, run.drainDeadline, run.runId, null, 0));
            w.changed(run);
        }
    }

    private void finish(Work w, RunRecord run, RunStatus status, ErrorCode code, String message) {
        if (run.drainDeadline != null) {
            w.unschedule(ScheduledTask.key(ScheduledTask.Kind.RUN_DRAIN, run.drainDeadline, run.runId, null, 0));
        }
        run.terminating = null;
        run.terminatingCode = null;
        run.terminatingMessage = null;
        run.drainDeadline = null;
        run.approval = null;
        run.errorCode = status == RunStatus.FAILED && code != null ? code.code() : null;
        run.message = message;
        run.finishedAt = w.now;
        runTransition(w, run, status, run.errorCode, message);
        w.schedule(new ScheduledTask(ScheduledTask.Kind.RUN_PURGE, w.now + settings.terminalRetention().toMillis(),
                run.runId, null, 0));
        String tenant = run.tenant;
        w.after(() -> metrics.runCompleted(status, tenant));
        if (code != null && status == RunStatus.FAILED) {
            w.after(() -> metrics.error(code));
        }
        log.info("run {}: {} after {} ms{}", run.runId, status, w.now - run.createdAt,
                run.errorCode == null ? "" : " with " + run.errorCode);
    }

    private void sendCancel(Work w, RunRecord run, StepRecord step) {
        step.cancelRequested = true;
        w.emit(RunOrchestratorTopology.STEP_COMMANDS_SINK, stepCommand(w, run, step, StepAction.CANCEL, Map.of()));
        w.changed(run);
    }

    private void rearmTimeout(Work w, RunRecord run, StepRecord step) {
        w.unschedule(timeoutKey(run, step));
        step.deadline = w.now + timeoutMillis(step);
        w.schedule(new ScheduledTask(ScheduledTask.Kind.STEP_TIMEOUT, step.deadline, run.runId, step.name,
                step.attempt));
    }

    private static String timeoutKey(RunRecord run, StepRecord step) {
        return step.deadline == null ? null
                : ScheduledTask.key(ScheduledTask.Kind.STEP_TIMEOUT, step.deadline, run.runId, step.name, step.attempt);
    }

    private static long timeoutMillis(StepRecord step) {
        return 1_000L * (step.timeoutSeconds > 0 ? step.timeoutSeconds : FALLBACK_TIMEOUT_SECONDS);
    }

    private void countStep(Work w, StepRecord step, StepStatus status) {
        Long from = step.startedAt != null ? step.startedAt : step.dispatchedAt;
        Duration duration = from == null ? null : Duration.ofMillis(Math.max(0, w.now - from));
        String agent = step.agent;
        w.after(() -> metrics.stepCompleted(status, agent, duration));
    }

    private static ErrorCode codeOf(String code) {
        return code == null ? null : ErrorCode.fromCode(code);
    }

    // ------------------------------------------------------------------------------------------ policy

    private PolicyResult evaluatePolicy(Work w, RunRecord run, PolicyStage stage, StepRecord step) {
        PolicyContext ctx = new PolicyContext(stage, run.namespace == null ? "" : run.namespace, run.tenant,
                run.pipelineName, run.labels, run.parameters, step == null ? null : step.name,
                step == null ? null : step.agent, step == null ? null : new StepResources(step.cpu, step.memory));
        long t0 = System.nanoTime();
        PolicyResult result;
        try {
            result = policy.evaluate(ctx);
        } catch (RuntimeException e) {
            // Fail closed: an engine that breaks its no-throw contract denies, visibly.
            log.error("run {}: the policy engine failed on {}{}", run.runId, stage,
                    step == null ? "" : " of step " + step.name, e);
            result = null;
        }
        if (result == null) {
            result = new PolicyResult(PolicyVerdict.DENY, List.of(), ErrorCode.INTERNAL,
                    "the policy engine failed; denied (fail closed)", "default", null);
        }
        long nanos = System.nanoTime() - t0;
        String engine = result.source();
        w.after(() -> metrics.policyEvaluated(engine, nanos));
        if (result.verdict() == PolicyVerdict.DENY) {
            String tenant = run.tenant;
            w.after(() -> metrics.policyViolation(engine, tenant));
        }
        ErrorCode denial = result.verdict() == PolicyVerdict.DENY ? denialCode(result) : null;
        w.emit(RunOrchestratorTopology.POLICY_DECISIONS_SINK, PolicyDecision.newBuilder()
                .setMeta(meta(w, run))
                .setRunId(run.runId)
                .setStep(step == null ? null : step.name)
                .setStage(stage == PolicyStage.PRE_RUN ? io.greenlang.events.policy.PolicyStage.PRE_RUN
                        : io.greenlang.events.policy.PolicyStage.PRE_STEP)
                .setAction(PolicyAction.valueOf(result.verdict().name()))
                .setRulesFired(new ArrayList<>(result.rulesFired()))
                .setErrorCode(denial == null ? null : denial.code())
                .setMessage(result.message())
                .setSource(source(result.source()))
                .build());
        return result;
    }

    private static ErrorCode denialCode(PolicyResult result) {
        if (result.errorCode() != null) {
            return result.errorCode();
        }
        return "opa".equalsIgnoreCase(result.source()) ? ErrorCode.OPA_DENY : ErrorCode.YAML_POLICY;
    }

    /** The engine's source ({@code yaml}, {@code opa}, {@code yaml+opa}, {@code default}) as the event's enum. */
    private static PolicySource source(String source) {
        String s = source == null ? "" : source.toLowerCase(Locale.ROOT);
        if (s.startsWith("yaml")) {
            return PolicySource.YAML;
        }
        if (s.startsWith("opa")) {
            return PolicySource.OPA;
        }
        return PolicySource.DEFAULT;
    }

    private static RunRecord.PendingApproval pendingApproval(String step, PolicyResult result) {
        RunRecord.PendingApproval approval = new RunRecord.PendingApproval();
        approval.step = step;
        approval.approvalType = result.approvalType();
        approval.source = result.source();
        approval.message = result.message();
        approval.rulesFired = new ArrayList<>(result.rulesFired());
        return approval;
    }

    // ------------------------------------------------------------------------------------------ events

    private void stepTransition(Work w, RunRecord run, StepRecord step, StepStatus to, String code, String message) {
        StepStatus from = step.status;
        step.status = to;
        w.emit(RunOrchestratorTopology.RUN_EVENTS_SINK, RunEvent.newBuilder()
                .setMeta(meta(w, run))
                .setRunId(run.runId)
                .setKind(RunEventKind.STEP_TRANSITION)
                .setStep(step.name)
                .setAttempt(step.attempt)
                .setFromStatus(from.name())
                .setToStatus(to.name())
                .setErrorCode(code)
                .setMessage(message)
                .build());
        w.changed(run);
        if (log.isDebugEnabled()) {
            log.debug("run {}: step {} attempt {} {} -> {}{}", run.runId, step.name, step.attempt, from, to,
                    code == null ? "" : " (" + code + ")");
        }
    }

    private void runTransition(Work w, RunRecord run, RunStatus to, String code, String message) {
        RunStatus from = run.status;
        run.status = to;
        w.emit(RunOrchestratorTopology.RUN_EVENTS_SINK, RunEvent.newBuilder()
                .setMeta(meta(w, run))
                .setRunId(run.runId)
                .setKind(RunEventKind.RUN_TRANSITION)
                .setFromStatus(from == null ? null : from.name())
                .setToStatus(to.name())
                .setErrorCode(code)
                .setMessage(message)
                .build());
        w.changed(run);
        log.debug("run {}: {} -> {}", run.runId, from, to);
    }

    /** The run's bound parameters as the strings a RunContext carries (numbers and booleans in JSON notation). */
    private static Map<String, String> parameterStrings(RunRecord run) {
        Map<String, String> strings = new LinkedHashMap<>();
        run.parameters.forEach((name, value) -> strings.put(name, String.valueOf(value)));
        return strings;
    }

    private StepCommand stepCommand(Work w, RunRecord run, StepRecord step, StepAction action,
                                    Map<String, String> inputs) {
        return StepCommand.newBuilder()
                .setMeta(meta(w, run))
                .setRunId(run.runId)
                .setStep(step.name)
                .setAttempt(step.attempt)
                .setAction(action)
                .setAgent(step.agent)
                .setImage(step.image)
                .setCommand(new ArrayList<>(step.command))
                .setInputs(new LinkedHashMap<>(inputs))
                .setTimeoutSeconds(step.timeoutSeconds > 0 ? step.timeoutSeconds : FALLBACK_TIMEOUT_SECONDS)
                .setResources(Resources.newBuilder().setCpu(step.cpu).setMemory(step.memory).build())
                .setParameters(parameterStrings(run))
                .setIdempotencyKey(run.runId + "/" + step.name + "/" + step.attempt + "/"
                        + action.name().toLowerCase(Locale.ROOT))
                .build();
    }

    /**
     * The envelope of an event about {@code run}. The event id is derived from the run id and the run's event
     * sequence, so that re-processing the same input after an aborted transaction writes the same ids.
     */
    private EventMeta meta(Work w, RunRecord run) {
        String id = UUID.nameUUIDFromBytes((run.runId + "/" + run.nextEventSeq()).getBytes(StandardCharsets.UTF_8))
                .toString();
        return EventMeta.newBuilder()
                .setEventId(id)
                .setOccurredAt(Instant.ofEpochMilli(w.now))
                .setTenantId(run.tenant)
                .setProducer(Producer.newBuilder().setService(SERVICE).setInstance(settings.instance()).build())
                .setTraceId(run.traceId)
                .build();
    }

    private EventMeta stateMeta(long now, RunRecord run) {
        String id = UUID.nameUUIDFromBytes((run.runId + "/state/" + run.version).getBytes(StandardCharsets.UTF_8))
                .toString();
        return EventMeta.newBuilder()
                .setEventId(id)
                .setOccurredAt(Instant.ofEpochMilli(now))
                .setTenantId(run.tenant)
                .setProducer(Producer.newBuilder().setService(SERVICE).setInstance(settings.instance()).build())
                .setTraceId(run.traceId)
                .build();
    }

    private RunState runState(long now, RunRecord run) {
        List<StepState> steps = new ArrayList<>(run.steps.size());
        for (StepRecord step : run.steps) {
            steps.add(StepState.newBuilder()
                    .setName(step.name)
                    .setStatus(step.status)
                    .setAttempt(step.attempt)
                    .setDependsOn(new ArrayList<>(step.dependsOn))
                    .setErrorCode(step.errorCode)
                    .setStartedAt(step.startedAt == null ? null : Instant.ofEpochMilli(step.startedAt))
                    .setFinishedAt(step.finishedAt == null ? null : Instant.ofEpochMilli(step.finishedAt))
                    .build());
        }
        return RunState.newBuilder()
                .setMeta(stateMeta(now, run))
                .setRunId(run.runId)
                .setTenantId(run.tenant)
                .setPipelineName(run.pipelineName)
                .setStatus(run.status)
                .setSteps(steps)
                .setErrorCode(run.errorCode)
                .setCreatedAt(Instant.ofEpochMilli(run.createdAt))
                .setUpdatedAt(Instant.ofEpochMilli(run.updatedAt))
                .setVersion(run.version)
                .build();
    }

    // ------------------------------------------------------------------------------------------ unit of work

    /** One run as loaded into a {@link Work}, with what it looked like before. */
    private static final class Loaded {
        final RunRecord run;
        final int inFlightBefore;
        final boolean activeBefore;
        boolean dirty;
        boolean deleted;

        Loaded(RunRecord run, int inFlightBefore, boolean activeBefore) {
            this.run = run;
            this.inFlightBefore = inFlightBefore;
            this.activeBefore = activeBefore;
        }
    }

    private record Output(String sink, String runId, Object value) {
    }

    /** The effects of handling one input, applied together by {@link #flush()}. */
    private final class Work {
        final long now;
        final Map<String, Loaded> loaded = new LinkedHashMap<>();
        final List<Output> outputs = new ArrayList<>();
        /** Timer key to the timer to write, or to null to delete it; in order. */
        final Map<String, ScheduledTask> timerChanges = new LinkedHashMap<>();
        final List<Runnable> afterFlush = new ArrayList<>();
        /** Runs whose dispatch was evaluated in this work. */
        final Set<String> dispatchEvaluated = new HashSet<>();
        /** Runs of those that have READY steps held back by the tenant cap. */
        final Set<String> tenantBlocked = new HashSet<>();

        Work(long now) {
            this.now = now;
        }

        RunRecord load(String runId) {
            Loaded l = loaded.get(runId);
            if (l != null) {
                return l.deleted ? null : l.run;
            }
            RunRecord run = decoded.get(runId);
            if (run == null) {
                run = runs.get(runId);
            }
            if (run == null) {
                return null;
            }
            loaded.put(runId, new Loaded(run, run.inFlight(), !run.isTerminal()));
            return run;
        }

        /** The runs of this work may have been changed in memory and not stored: drop their decoded copies. */
        void forgetDecoded() {
            loaded.keySet().forEach(decoded::remove);
        }

        void create(RunRecord run) {
            Loaded l = new Loaded(run, 0, false);
            l.dirty = true;
            loaded.put(run.runId, l);
        }

        void changed(RunRecord run) {
            loaded.get(run.runId).dirty = true;
        }

        void delete(RunRecord run) {
            loaded.get(run.runId).deleted = true;
        }

        void emit(String sink, Object value) {
            String runId = value instanceof StepCommand c ? c.getRunId()
                    : value instanceof RunEvent e ? e.getRunId()
                    : ((PolicyDecision) value).getRunId();
            outputs.add(new Output(sink, runId, value));
            if (value instanceof StepCommand) {
                afterFlush.add(metrics::stepCommand);
            }
        }

        void schedule(ScheduledTask task) {
            timerChanges.put(task.key(), task);
        }

        void unschedule(String key) {
            if (key != null) {
                timerChanges.put(key, null);
            }
        }

        void after(Runnable action) {
            afterFlush.add(action);
        }

        /** Steps of {@code tenant} in flight in this task, counting this work's changes. */
        int tenantInFlight(String tenant) {
            int n = tenantInFlight.getOrDefault(tenant, 0);
            for (Loaded l : loaded.values()) {
                if (tenant.equals(l.run.tenant)) {
                    n += l.run.inFlight() - l.inFlightBefore;
                }
            }
            return n;
        }

        /**
         * When steps of a tenant finished in this work, runs of that tenant held back by the tenant cap get the
         * freed slots, oldest first.
         */
        void releaseTenantCapacity() {
            Set<String> tenants = new LinkedHashSet<>();
            for (Loaded l : loaded.values()) {
                if (l.run.inFlight() < l.inFlightBefore || l.run.isTerminal() && l.activeBefore) {
                    tenants.add(l.run.tenant);
                }
            }
            for (String tenant : tenants) {
                LinkedHashSet<String> waiting = waitingForTenant.get(tenant);
                if (waiting == null) {
                    continue;
                }
                for (String runId : new ArrayList<>(waiting)) {
                    if (tenantInFlight(tenant) >= settings.maxTenantParallelSteps()) {
                        break;
                    }
                    RunRecord run = load(runId);
                    if (run == null || run.isTerminal()) {
                        waiting.remove(runId);
                        continue;
                    }
                    advance(this, run);
                    if (!dispatchEvaluated.contains(runId)) {
                        // Not dispatchable now (awaiting approval, ending): no longer waiting for capacity.
                        dispatchEvaluated.add(runId);
                    }
                }
            }
        }

        void flush() {
            List<RunRecord> states = new ArrayList<>();
            for (Loaded l : loaded.values()) {
                RunRecord run = l.run;
                if (l.deleted) {
                    runs.delete(run.runId);
                    decoded.remove(run.runId);
                    pendingStates.remove(run.runId);
                    continue;
                }
                if (l.dirty) {
                    run.version++;
                    run.updatedAt = now;
                    runs.put(run.runId, run);
                    states.add(run);
                }
                boolean activeNow = !run.isTerminal();
                if (activeNow) {
                    decoded.put(run.runId, run);
                } else {
                    decoded.remove(run.runId);
                }
                if (activeNow != l.activeBefore) {
                    if (activeNow) {
                        activeRuns.put(run.runId, run.tenant);
                        activeCount++;
                        afterFlush.add(() -> metrics.activeRunsChanged(1));
                    } else {
                        activeRuns.delete(run.runId);
                        activeCount--;
                        afterFlush.add(() -> metrics.activeRunsChanged(-1));
                    }
                }
                int delta = (activeNow ? run.inFlight() : 0) - l.inFlightBefore;
                if (delta != 0) {
                    tenantInFlight.merge(run.tenant, delta, Integer::sum);
                }
                if (!activeNow) {
                    removeWaiting(run);
                } else if (dispatchEvaluated.contains(run.runId)) {
                    if (tenantBlocked.contains(run.runId)) {
                        waitingForTenant.computeIfAbsent(run.tenant, t -> new LinkedHashSet<>()).add(run.runId);
                    } else {
                        removeWaiting(run);
                    }
                }
            }
            for (Output output : outputs) {
                context.forward(new Record<>(output.runId(), output.value(), now), output.sink());
            }
            boolean coalesce = !settings.runStateInterval().isZero();
            for (RunRecord run : states) {
                if (coalesce && !run.isTerminal()) {
                    pendingStates.add(run.runId);
                } else {
                    pendingStates.remove(run.runId);
                    context.forward(new Record<>(run.runId, runState(now, run), now),
                            RunOrchestratorTopology.RUN_STATE_SINK);
                }
            }
            for (Map.Entry<String, ScheduledTask> change : timerChanges.entrySet()) {
                if (change.getValue() == null) {
                    timers.delete(change.getKey());
                } else {
                    timers.put(change.getKey(), change.getValue());
                }
            }
            afterFlush.forEach(Runnable::run);
        }

        private void removeWaiting(RunRecord run) {
            LinkedHashSet<String> waiting = waitingForTenant.get(run.tenant);
            if (waiting != null) {
                waiting.remove(run.runId);
                if (waiting.isEmpty()) {
                    waitingForTenant.remove(run.tenant);
                }
            }
        }
    }
}
