package io.greenlang.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;

class ReplayOptionsTest {

    @Test
    void shouldDefaultToTheWholeTopicsWithoutResetInBatchesOfFiveThousand() {
        ReplayOptions options = ReplayOptions.of(List.of("gl.run.events"), "audit", "audit_replay");

        assertThat(options.wholeTopics()).isTrue();
        assertThat(options.reset()).isFalse();
        assertThat(options.intoLive()).isFalse();
        assertThat(options.batchSize()).isEqualTo(5_000);
        assertThat(options.withStart(ReplayOptions.Start.at(Instant.EPOCH)).wholeTopics()).isFalse();
    }

    @Test
    void shouldRefuseToResetTheLiveStore() {
        ReplayOptions intoLive = ReplayOptions.of(List.of("gl.run.events"), "audit", "audit");

        assertThat(intoLive.intoLive()).isTrue();
        assertThatThrownBy(() -> intoLive.withReset(true)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("live audit store audit");
    }

    @Test
    void shouldRefuseSchemaNamesThatAreNotPlainIdentifiers() {
        assertThatThrownBy(() -> ReplayOptions.of(List.of("gl.run.events"), "audit", "x; DROP SCHEMA audit"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ReplayOptions.of(List.of(), "audit", "audit_replay"))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
