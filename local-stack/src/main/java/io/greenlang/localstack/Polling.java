package io.greenlang.localstack;

import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/**
 * Waits for a condition by polling it until a deadline; the only place in this module that pauses a thread.
 */
final class Polling {

    private static final long PAUSE_NANOS = Duration.ofMillis(20).toNanos();

    private Polling() {
    }

    /**
     * Returns as soon as {@code condition} holds; throws {@link LocalStackException} naming {@code what}
     * once {@code timeout} has passed without it holding.
     */
    static void awaitCondition(String what, Duration timeout, BooleanSupplier condition) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                throw new LocalStackException("Timed out after " + timeout + " waiting for " + what);
            }
            LockSupport.parkNanos(PAUSE_NANOS);
            if (Thread.currentThread().isInterrupted()) {
                throw new LocalStackException("Interrupted while waiting for " + what);
            }
        }
    }
}
