package io.greenlang.common.error;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.HashSet;
import java.util.Optional;
import java.util.Random;
import java.util.Set;

import org.junit.jupiter.api.Test;

class BackoffTest {

    @Test
    void shouldNeverRetryUnderPolicyNone() {
        Backoff backoff = Backoff.defaultFor(RetryPolicy.NONE);

        assertThat(backoff.maxAttempts()).isEqualTo(1);
        assertThat(backoff.shouldRetry(1)).isFalse();
        assertThat(backoff.delayAfterAttempt(1)).isEmpty();
    }

    @Test
    void shouldRetryBoundedWithAFixedDelayUpToMaxAttempts() {
        Backoff backoff = Backoff.bounded(Duration.ofSeconds(10), 3);

        assertThat(backoff.delayAfterAttempt(1)).contains(Duration.ofSeconds(10));
        assertThat(backoff.delayAfterAttempt(2)).contains(Duration.ofSeconds(10));
        assertThat(backoff.delayAfterAttempt(3)).isEmpty();
        assertThat(backoff.shouldRetry(2)).isTrue();
        assertThat(backoff.shouldRetry(3)).isFalse();
    }

    @Test
    void shouldDoubleTheExponentialCeilingUntilTheCap() {
        Backoff backoff = Backoff.exponential(Duration.ofMillis(100), Duration.ofSeconds(1), 10, new Random(1));

        assertThat(backoff.ceilingMillis(0)).isEqualTo(100);
        assertThat(backoff.ceilingMillis(1)).isEqualTo(200);
        assertThat(backoff.ceilingMillis(2)).isEqualTo(400);
        assertThat(backoff.ceilingMillis(3)).isEqualTo(800);
        assertThat(backoff.ceilingMillis(4)).isEqualTo(1000);
        assertThat(backoff.ceilingMillis(63)).isEqualTo(1000);
        assertThat(backoff.ceilingMillis(Integer.MAX_VALUE)).isEqualTo(1000);
    }

    @Test
    void shouldDrawExponentialDelaysWithFullJitterWithinBounds() {
        Backoff backoff = Backoff.exponential(Duration.ofMillis(100), Duration.ofSeconds(5), 8, new Random(42));

        for (int attempt = 1; attempt < 8; attempt++) {
            long ceiling = Math.min(5000, 100L << (attempt - 1));
            Set<Long> seen = new HashSet<>();
            for (int i = 0; i < 200; i++) {
                Optional<Duration> delay = backoff.delayAfterAttempt(attempt);
                assertThat(delay).isPresent();
                assertThat(delay.get().toMillis()).isBetween(0L, ceiling);
                seen.add(delay.get().toMillis());
            }
            assertThat(seen).as("jitter spreads delays for attempt " + attempt).hasSizeGreaterThan(20);
        }
        assertThat(backoff.delayAfterAttempt(8)).isEmpty();
    }

    @Test
    void shouldBeReproducibleWithTheSameSeed() {
        Backoff a = Backoff.exponential(Duration.ofMillis(100), Duration.ofSeconds(5), 8, new Random(7));
        Backoff b = Backoff.exponential(Duration.ofMillis(100), Duration.ofSeconds(5), 8, new Random(7));

        for (int attempt = 1; attempt < 8; attempt++) {
            assertThat(a.delayAfterAttempt(attempt)).isEqualTo(b.delayAfterAttempt(attempt));
        }
    }

    @Test
    void shouldDeriveDefaultsFromTheErrorCodesPolicy() {
        assertThat(Backoff.defaultFor(ErrorCode.AGENT_TIMEOUT.retryPolicy()).policy()).isEqualTo(RetryPolicy.BOUNDED);
        assertThat(Backoff.defaultFor(ErrorCode.NETWORK_TIMEOUT.retryPolicy()).policy())
                .isEqualTo(RetryPolicy.EXPONENTIAL);
        assertThat(Backoff.defaultFor(RetryPolicy.BOUNDED).maxAttempts()).isEqualTo(Backoff.DEFAULT_BOUNDED_ATTEMPTS);
    }

    @Test
    void shouldRejectInvalidParameters() {
        assertThatThrownBy(() -> Backoff.bounded(Duration.ofSeconds(-1), 3)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Backoff.bounded(Duration.ofSeconds(1), 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Backoff.exponential(Duration.ofSeconds(2), Duration.ofSeconds(1), 3))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Backoff.none().delayAfterAttempt(0)).isInstanceOf(IllegalArgumentException.class);
    }
}
