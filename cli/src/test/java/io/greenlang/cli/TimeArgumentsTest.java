package io.greenlang.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;

import org.junit.jupiter.api.Test;

class TimeArgumentsTest {

    private static final Clock NOW = Clock.fixed(Instant.parse("2026-11-23T12:00:00Z"), ZoneOffset.UTC);

    @Test
    void shouldParseInstantsOffsetsAndDates() {
        assertThat(TimeArguments.parse("2026-11-23T08:15:00Z", NOW)).isEqualTo("2026-11-23T08:15:00Z");
        assertThat(TimeArguments.parse("2026-11-23T09:15:00+01:00", NOW)).isEqualTo("2026-11-23T08:15:00Z");
        assertThat(TimeArguments.parse("2026-11-20", NOW)).isEqualTo("2026-11-20T00:00:00Z");
    }

    @Test
    void shouldReadAgesAsThatLongBeforeNow() {
        assertThat(TimeArguments.parse("30m", NOW)).isEqualTo("2026-11-23T11:30:00Z");
        assertThat(TimeArguments.parse("24h", NOW)).isEqualTo("2026-11-22T12:00:00Z");
        assertThat(TimeArguments.parse("7d", NOW)).isEqualTo("2026-11-16T12:00:00Z");
        assertThat(TimeArguments.parse("90s", NOW)).isEqualTo("2026-11-23T11:58:30Z");
    }

    @Test
    void shouldNameTheAcceptedFormsWhenTheTimeIsNotOne() {
        assertThatThrownBy(() -> TimeArguments.parse("yesterday", NOW))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'yesterday' is not a time").hasMessageContaining("24h");
    }
}
