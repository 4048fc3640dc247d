package io.greenlang.executor;

import java.time.Instant;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * The {@link Execution} an executor hands out for an attempt it tracks. The outcome future is a copy of the
 * executor's own, so a caller completing or cancelling it changes nothing in the executor.
 */
public final class ExecutionHandle implements Execution {

    private final AttemptId id;
    private final Instant launchedAt;
    private final boolean adopted;
    private final CompletableFuture<ExecutionOutcome> outcome;
    private final Supplier<String> logs;
    private final String description;

    /**
     * @param id          the attempt
     * @param launchedAt  when it was launched
     * @param adopted     whether this handle re-attached instead of launching
     * @param outcome     the executor's own outcome future (copied)
     * @param logs        reads the attempt's logs on demand
     * @param description where the attempt runs, for {@link #toString()} (e.g. {@code job gl-mrv-1-5d41402abc4b})
     */
    public ExecutionHandle(AttemptId id, Instant launchedAt, boolean adopted,
                           CompletableFuture<ExecutionOutcome> outcome, Supplier<String> logs, String description) {
        this.id = Objects.requireNonNull(id, "id");
        this.launchedAt = Objects.requireNonNull(launchedAt, "launchedAt");
        this.adopted = adopted;
        this.outcome = outcome.copy();
        this.logs = Objects.requireNonNull(logs, "logs");
        this.description = Objects.requireNonNull(description, "description");
    }

    @Override
    public AttemptId id() {
        return id;
    }

    @Override
    public Instant launchedAt() {
        return launchedAt;
    }

    @Override
    public boolean adopted() {
        return adopted;
    }

    @Override
    public CompletableFuture<ExecutionOutcome> outcome() {
        return outcome;
    }

    @Override
    public String logs() {
        return logs.get();
    }

    @Override
    public String toString() {
        return "Execution[" + id + ", " + description + (adopted ? ", adopted" : "") + "]";
    }
}
