package io.greenlang.streams.dispatch;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A bounded pool of daemon threads for dispatch solves: {@code threads} workers and at most {@code queue} waiting
 * solves; beyond that {@link #execute} throws RejectedExecutionException (the planner retries later). Close it when
 * the streams application stops.
 */
public final class SolverPool implements Executor, AutoCloseable {

    private final ThreadPoolExecutor executor;

    /**
     * @param threads solver threads (1 on a 2-core machine leaves a core to the stream thread)
     * @param queue   solves that may wait
     */
    public SolverPool(int threads, int queue) {
        AtomicInteger count = new AtomicInteger();
        executor = new ThreadPoolExecutor(threads, threads, 0, TimeUnit.MILLISECONDS, new ArrayBlockingQueue<>(queue),
                r -> {
                    Thread t = new Thread(r, "gl-dispatch-solver-" + count.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                }, new ThreadPoolExecutor.AbortPolicy());
    }

    @Override
    public void execute(Runnable command) {
        executor.execute(command);
    }

    /** Stops taking solves and waits up to 5 s for running ones. */
    @Override
    public void close() throws InterruptedException {
        executor.shutdown();
        executor.awaitTermination(5, TimeUnit.SECONDS);
    }
}
