package io.greenlang.gateway.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;

import io.greenlang.common.config.GlConfig;
import org.junit.jupiter.api.Test;

/** Settings of {@link RateLimitGuard}. */
class RateLimitGuardTest {

    @Test
    void shouldBeOffWhenTheLimitIsZeroAndOnOtherwise() {
        assertThat(RateLimitGuard.fromConfig(GlConfig.load(Map.of(GlConfig.API_RATE_LIMIT_PER_MINUTE, "0"),
                Optional.empty()))).isEmpty();
        assertThat(RateLimitGuard.fromConfig(GlConfig.load(Map.of(), Optional.empty()))).isPresent();
    }

    @Test
    void shouldRefuseALimitBelowOneOrAnEmptyPeriod() {
        assertThatThrownBy(() -> new RateLimitGuard(0, Duration.ofMinutes(1)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new RateLimitGuard(5, Duration.ZERO)).isInstanceOf(IllegalArgumentException.class);
    }
}
