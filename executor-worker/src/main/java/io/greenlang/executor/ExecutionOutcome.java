package io.greenlang.executor;

import java.time.Duration;
import java.util.Objects;

import io.greenlang.common.error.ErrorCode;

/**
 * How an attempt ended, as far as the executor can tell (whether the agent's {@code result.json} is valid is
 * the worker's question).
 *
 * @param kind     exited normally, failed, or stopped on request
 * @param failure  the platform's code when {@code kind} is {@link Kind#FAILED}: GL-E-AGENT-CRASH,
 *                 GL-E-AGENT-TIMEOUT, GL-E-K8S-JOB-OOM, GL-E-K8S-JOB-TIMEOUT, GL-E-K8S-IMAGEPULL,
 *                 GL-E-K8S-EVICTION, GL-E-K8S-QUOTA, GL-E-K8S-SCHEDULING, ...; null otherwise
 * @param message  what happened, for people (e.g. "exit code 3", "OOMKilled")
 * @param exitCode the agent's exit code when known, else null
 * @param duration launch to end
 */
public record ExecutionOutcome(Kind kind, ErrorCode failure, String message, Integer exitCode, Duration duration) {

    /** The three ways an attempt ends. */
    public enum Kind {
        /** Exit code 0 / Job complete: read the agent's result. */
        EXITED,
        /** The agent or its environment failed; {@link ExecutionOutcome#failure()} says how. */
        FAILED,
        /** Stopped because a cancel was requested. */
        CANCELLED
    }

    /** Validates. */
    public ExecutionOutcome {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(message, "message");
        Objects.requireNonNull(duration, "duration");
        if ((kind == Kind.FAILED) != (failure != null)) {
            throw new IllegalArgumentException("a failure code is required exactly for FAILED, got " + kind
                    + " with " + failure);
        }
    }

    /** The agent exited with code 0. */
    public static ExecutionOutcome exited(Duration duration) {
        return new ExecutionOutcome(Kind.EXITED, null, "exit code 0", 0, duration);
    }

    /** The attempt failed with {@code code}. */
    public static ExecutionOutcome failed(ErrorCode code, String message, Integer exitCode, Duration duration) {
        return new ExecutionOutcome(Kind.FAILED, Objects.requireNonNull(code, "code"), message, exitCode, duration);
    }

    /** The attempt was stopped on request. */
    public static ExecutionOutcome cancelled(String message, Integer exitCode, Duration duration) {
        return new ExecutionOutcome(Kind.CANCELLED, null, message, exitCode, duration);
    }
}
