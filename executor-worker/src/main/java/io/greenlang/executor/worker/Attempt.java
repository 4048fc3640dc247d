package io.greenlang.executor.worker;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;

import org.apache.kafka.common.utils.LogContext;
import org.slf4j.Logger;

import io.greenlang.common.artifact.ArtifactLayout;
import io.greenlang.common.artifact.S3Location;
import io.greenlang.events.run.StepCommand;
import io.greenlang.executor.AttemptId;
import io.greenlang.executor.Execution;

/** One attempt the worker is responsible for, from its START (or its recovery) until its end is reported. */
final class Attempt {

    /** Agent id used in metrics when it cannot be known (a recovered attempt whose input.json is unreadable). */
    static final String UNKNOWN_AGENT = "unknown";

    final AttemptId id;
    final String key;
    final String traceId;
    final S3Location folder;
    final Logger log;
    /** Completes true once STARTED was acknowledged, false when the attempt failed before it could run. */
    final CompletableFuture<Boolean> launched = new CompletableFuture<>();
    private volatile String agent;
    private volatile String inputSha256;
    private Execution execution;
    private boolean cancelRequested;
    private ScheduledFuture<?> heartbeat;

    private Attempt(AttemptId id, String agent, String traceId, String bucket) {
        this.id = id;
        this.key = id.key();
        this.agent = agent;
        this.traceId = traceId;
        this.folder = ArtifactLayout.stepFolder(bucket, id.tenant(), id.runId(), id.step(), id.attempt());
        this.log = new LogContext("[run " + id.runId() + " step " + ArtifactLayout.stepId(id.step(), id.attempt())
                + "] ").logger(StepWorker.class);
    }

    /**
     * The attempt a START asks for.
     *
     * @throws IllegalArgumentException when its names cannot be used in an S3 key or the attempt is below 1
     */
    static Attempt of(StepCommand command, String bucket) {
        return new Attempt(idOf(command), command.getAgent(), command.getMeta().getTraceId(), bucket);
    }

    /** An attempt an earlier worker launched and did not report; its agent is learnt from its input.json. */
    static Attempt recovered(Execution execution, String bucket) {
        Attempt attempt = new Attempt(execution.id(), null, null, bucket);
        attempt.launched.complete(true);
        return attempt;
    }

    static AttemptId idOf(StepCommand command) {
        return new AttemptId(command.getMeta().getTenantId(), command.getRunId(), command.getStep(),
                command.getAttempt());
    }

    /** {@link AttemptId#key()} of the attempt a command is about, without validating it. */
    static String keyOf(StepCommand command) {
        return command.getRunId() + "/" + command.getStep() + "." + command.getAttempt();
    }

    String agent() {
        String a = agent;
        return a == null ? UNKNOWN_AGENT : a;
    }

    boolean agentKnown() {
        return agent != null;
    }

    void agent(String agent) {
        this.agent = agent;
    }

    /** SHA-256 of the input.json the agent was given; null until known. */
    String inputSha256() {
        return inputSha256;
    }

    void inputSha256(String sha) {
        this.inputSha256 = sha;
    }

    /** Records the launched execution; true when a cancel arrived meanwhile (the caller then stops it). */
    synchronized boolean attach(Execution execution) {
        this.execution = execution;
        return cancelRequested;
    }

    /** Records a cancel; returns the execution to stop, or null when the launch has not returned yet. */
    synchronized Execution requestCancel() {
        cancelRequested = true;
        return execution;
    }

    synchronized void heartbeat(ScheduledFuture<?> future) {
        this.heartbeat = future;
    }

    synchronized void stopHeartbeat() {
        if (heartbeat != null) {
            heartbeat.cancel(false);
            heartbeat = null;
        }
    }

    @Override
    public String toString() {
        return id.toString();
    }
}
