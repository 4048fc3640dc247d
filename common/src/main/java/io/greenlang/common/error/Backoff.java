package io.greenlang.common.error;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.random.RandomGenerator;

/**
 * Computes when (and whether) to retry after a failed attempt, for one {@link RetryPolicy}:
 * <ul>
 *   <li>{@link RetryPolicy#NONE}: never.</li>
 *   <li>{@link RetryPolicy#BOUNDED}: the same fixed delay before each retry, up to {@code maxAttempts}
 *       attempts in total.</li>
 *   <li>{@link RetryPolicy#EXPONENTIAL}: "full jitter": before retry {@code n} (0-based) a delay drawn
 *       uniformly from {@code [0, min(cap, base * 2^n)]}, up to {@code maxAttempts} attempts in total.</li>
 * </ul>
 * Attempts are counted from 1: {@code delayAfterAttempt(1)} is the delay between the first attempt and the
 * second, and it is empty once {@code attempt >= maxAttempts}.
 *
 * <p>Instances are immutable and thread-safe if their {@link RandomGenerator} is; tests pass a seeded
 * {@link java.util.Random}. This class only computes delays: it must never sleep or schedule anything (the
 * Streams app schedules retries with a punctuator, a worker with its own scheduler).
 */
public final class Backoff {

    /** Delay of {@link #defaultFor(RetryPolicy) BOUNDED} retries by default. */
    public static final Duration DEFAULT_BOUNDED_DELAY = Duration.ofSeconds(10);
    /** Attempts (first try included) of BOUNDED retries by default. */
    public static final int DEFAULT_BOUNDED_ATTEMPTS = 3;
    /** Base delay of EXPONENTIAL retries by default. */
    public static final Duration DEFAULT_EXPONENTIAL_BASE = Duration.ofSeconds(1);
    /** Cap of one EXPONENTIAL delay by default. */
    public static final Duration DEFAULT_EXPONENTIAL_CAP = Duration.ofMinutes(5);
    /** Attempts (first try included) of EXPONENTIAL retries by default. */
    public static final int DEFAULT_EXPONENTIAL_ATTEMPTS = 8;

    private static final RandomGenerator THREAD_LOCAL_RANDOM = () -> ThreadLocalRandom.current().nextLong();
    private static final Backoff NONE = new Backoff(RetryPolicy.NONE, Duration.ZERO, Duration.ZERO, 1,
            THREAD_LOCAL_RANDOM);

    private final RetryPolicy policy;
    private final Duration base;
    private final Duration cap;
    private final int maxAttempts;
    private final RandomGenerator random;

    private Backoff(RetryPolicy policy, Duration base, Duration cap, int maxAttempts, RandomGenerator random) {
        this.policy = policy;
        this.base = base;
        this.cap = cap;
        this.maxAttempts = maxAttempts;
        this.random = random;
    }

    /** No retries: one attempt. */
    public static Backoff none() {
        return NONE;
    }

    /**
     * Fixed delay between attempts.
     *
     * @param delay       the delay before each retry, not negative
     * @param maxAttempts attempts in total, first one included, at least 1
     * @return the backoff
     */
    public static Backoff bounded(Duration delay, int maxAttempts) {
        requireNonNegative(delay, "delay");
        requireAttempts(maxAttempts);
        return new Backoff(RetryPolicy.BOUNDED, delay, delay, maxAttempts, THREAD_LOCAL_RANDOM);
    }

    /**
     * Exponential delays with full jitter, using a thread-local random source.
     *
     * @param base        the ceiling of the first retry's delay, positive
     * @param cap         the largest ceiling of any delay, at least {@code base}
     * @param maxAttempts attempts in total, first one included, at least 1
     * @return the backoff
     */
    public static Backoff exponential(Duration base, Duration cap, int maxAttempts) {
        return exponential(base, cap, maxAttempts, THREAD_LOCAL_RANDOM);
    }

    /**
     * Exponential delays with full jitter drawn from {@code random} (a seeded {@link java.util.Random} in
     * tests).
     *
     * @param base        the ceiling of the first retry's delay, positive
     * @param cap         the largest ceiling of any delay, at least {@code base}
     * @param maxAttempts attempts in total, first one included, at least 1
     * @param random      the jitter source
     * @return the backoff
     */
    public static Backoff exponential(Duration base, Duration cap, int maxAttempts, RandomGenerator random) {
        requireNonNegative(base, "base");
        if (base.isZero()) {
            throw new IllegalArgumentException("base must be positive");
        }
        if (cap.compareTo(base) < 0) {
            throw new IllegalArgumentException("cap " + cap + " must be at least base " + base);
        }
        requireAttempts(maxAttempts);
        return new Backoff(RetryPolicy.EXPONENTIAL, base, cap, maxAttempts, Objects.requireNonNull(random));
    }

    /**
     * The platform's default backoff for a policy: NONE, BOUNDED ({@value #DEFAULT_BOUNDED_ATTEMPTS} attempts,
     * {@link #DEFAULT_BOUNDED_DELAY} apart) or EXPONENTIAL ({@value #DEFAULT_EXPONENTIAL_ATTEMPTS} attempts,
     * base {@link #DEFAULT_EXPONENTIAL_BASE}, cap {@link #DEFAULT_EXPONENTIAL_CAP}). The runbook gives no
     * figures; these are the platform's.
     *
     * @param policy the policy, usually {@link ErrorCode#retryPolicy()}
     * @return the backoff
     */
    public static Backoff defaultFor(RetryPolicy policy) {
        return switch (policy) {
            case NONE -> none();
            case BOUNDED -> bounded(DEFAULT_BOUNDED_DELAY, DEFAULT_BOUNDED_ATTEMPTS);
            case EXPONENTIAL -> exponential(DEFAULT_EXPONENTIAL_BASE, DEFAULT_EXPONENTIAL_CAP,
                    DEFAULT_EXPONENTIAL_ATTEMPTS);
        };
    }

    /** The policy. */
    public RetryPolicy policy() {
        return policy;
    }

    /** Attempts in total, first one included. */
    public int maxAttempts() {
        return maxAttempts;
    }

    /**
     * Whether another attempt may follow the given one.
     *
     * @param attempt the 1-based number of the attempt that just failed
     * @return true if a retry is allowed
     */
    public boolean shouldRetry(int attempt) {
        if (attempt < 1) {
            throw new IllegalArgumentException("attempt is 1-based, got " + attempt);
        }
        return policy != RetryPolicy.NONE && attempt < maxAttempts;
    }

    /**
     * The delay before the next attempt, or empty when no retry is allowed.
     *
     * @param attempt the 1-based number of the attempt that just failed
     * @return the delay, or empty
     */
    public Optional<Duration> delayAfterAttempt(int attempt) {
        if (!shouldRetry(attempt)) {
            return Optional.empty();
        }
        return Optional.of(switch (policy) {
            case NONE -> throw new IllegalStateException("unreachable");
            case BOUNDED -> base;
            case EXPONENTIAL -> Duration.ofMillis(random.nextLong(ceilingMillis(attempt - 1) + 1));
        });
    }

    /**
     * The upper bound of the jittered delay before retry {@code n} (0-based): {@code min(cap, base * 2^n)},
     * without overflow. For BOUNDED it is the fixed delay.
     *
     * @param retry the 0-based retry number
     * @return the ceiling in milliseconds
     */
    public long ceilingMillis(int retry) {
        if (retry < 0) {
            throw new IllegalArgumentException("retry is 0-based, got " + retry);
        }
        long baseMs = base.toMillis();
        long capMs = cap.toMillis();
        if (policy != RetryPolicy.EXPONENTIAL) {
            return baseMs;
        }
        if (retry >= 62 || baseMs > (capMs >> retry)) {
            return capMs;
        }
        return Math.min(capMs, baseMs << retry);
    }

    @Override
    public String toString() {
        return switch (policy) {
            case NONE -> "Backoff[NONE]";
            case BOUNDED -> "Backoff[BOUNDED delay=" + base + ", maxAttempts=" + maxAttempts + "]";
            case EXPONENTIAL -> "Backoff[EXPONENTIAL base=" + base + ", cap=" + cap + ", maxAttempts="
                    + maxAttempts + ", full jitter]";
        };
    }

    private static void requireNonNegative(Duration d, String name) {
        Objects.requireNonNull(d, name);
        if (d.isNegative()) {
            throw new IllegalArgumentException(name + " must not be negative: " + d);
        }
    }

    private static void requireAttempts(int maxAttempts) {
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("maxAttempts must be at least 1, got " + maxAttempts);
        }
    }
}
