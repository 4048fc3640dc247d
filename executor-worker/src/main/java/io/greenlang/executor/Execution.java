package io.greenlang.executor;

import java.time.Instant;
import java.util.concurrent.CompletableFuture;

/** A launched (or adopted) attempt. */
public interface Execution {

    /** The attempt. */
    AttemptId id();

    /** When the attempt was launched (by this executor instance or an earlier one). */
    Instant launchedAt();

    /** True when this handle re-attached to an attempt launched earlier instead of launching it. */
    boolean adopted();

    /**
     * Completes once the attempt has ended, with how; never completes exceptionally for a failure of the
     * agent (that is an outcome), only when the executor itself cannot tell (e.g. the API server is gone).
     */
    CompletableFuture<ExecutionOutcome> outcome();

    /**
     * The attempt's stdout and stderr as far as available (at most a few MiB, the end kept), for
     * {@code logs.txt}. Empty when there are none.
     */
    String logs();
}
