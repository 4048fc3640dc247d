package io.greenlang.executor.sim;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import io.greenlang.common.error.ErrorCode;

/**
 * How the {@link SimulatedExecutor} answers a START: after {@link #delay()} (zero: in the same transaction as the
 * STARTED event), SUCCEEDED, unless a failure is scripted for the step's name and attempt. Immutable.
 *
 * @param delay    time between STARTED and the final event
 * @param failures step name to the error codes of its successive attempts: attempt {@code n} fails with the
 *                 {@code n}-th code, later attempts succeed
 */
public record SimulatedBehavior(Duration delay, Map<String, List<ErrorCode>> failures) {

    /** Copies the map; the delay must not be negative. */
    public SimulatedBehavior {
        Objects.requireNonNull(delay, "delay");
        if (delay.isNegative()) {
            throw new IllegalArgumentException("delay must not be negative: " + delay);
        }
        Map<String, List<ErrorCode>> copy = new HashMap<>();
        failures.forEach((step, codes) -> copy.put(step, List.copyOf(codes)));
        failures = Map.copyOf(copy);
    }

    /** Every step succeeds at once. */
    public static SimulatedBehavior instant() {
        return new SimulatedBehavior(Duration.ZERO, Map.of());
    }

    /** Every step succeeds after {@code delay}. */
    public static SimulatedBehavior fixedDelay(Duration delay) {
        return new SimulatedBehavior(delay, Map.of());
    }

    /** A copy in which the first attempts of {@code step} fail with {@code codes}, one per attempt. */
    public SimulatedBehavior failing(String step, ErrorCode... codes) {
        Map<String, List<ErrorCode>> copy = new HashMap<>(failures);
        copy.put(step, List.of(codes));
        return new SimulatedBehavior(delay, copy);
    }

    /** The code attempt {@code attempt} of {@code step} fails with, or null when it succeeds. */
    public ErrorCode failureOf(String step, int attempt) {
        List<ErrorCode> codes = failures.get(step);
        return codes == null || attempt < 1 || attempt > codes.size() ? null : codes.get(attempt - 1);
    }
}
