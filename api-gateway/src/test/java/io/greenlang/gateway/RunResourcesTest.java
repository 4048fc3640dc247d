package io.greenlang.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.greenlang.audit.AuditStore;
import io.greenlang.common.error.ErrorCode;
import org.junit.jupiter.api.Test;

/** Parameter parsing of the run routes, without a server. */
class RunResourcesTest {

    @Test
    void shouldRoundTripACursorAndRefuseOneItDidNotIssue() {
        String cursor = RunResources.encodeCursor("run-42/ü");

        assertThat(RunResources.decodeCursor(cursor)).isEqualTo("run-42/ü");
        assertThatThrownBy(() -> RunResources.decodeCursor("cnVuLTQy")) // "run-42" without the prefix
                .isInstanceOfSatisfying(ProblemException.class, e -> {
                    assertThat(e.status()).isEqualTo(400);
                    assertThat(e.code()).isEqualTo(ErrorCode.PARAM_TYPE);
                });
    }

    @Test
    void shouldDefaultTheLimitAndBoundItByTheStoresMaximum() {
        assertThat(RunResources.limit(null)).isEqualTo(RunResources.DEFAULT_LIMIT);
        assertThat(RunResources.limit(" 7 ")).isEqualTo(7);
        assertThat(RunResources.limit(String.valueOf(AuditStore.MAX_RUNS_PAGE))).isEqualTo(AuditStore.MAX_RUNS_PAGE);
        assertThatThrownBy(() -> RunResources.limit("-1")).isInstanceOfSatisfying(ProblemException.class,
                e -> assertThat(e.code()).isEqualTo(ErrorCode.PARAM_RANGE));
    }

    @Test
    void shouldAcceptARunStatusInAnyCaseAndRefuseAnUnknownOne() {
        assertThat(RunResources.status("running")).isEqualTo("RUNNING");
        assertThat(RunResources.status("")).isNull();
        assertThatThrownBy(() -> RunResources.status("sleeping")).isInstanceOf(ProblemException.class);
    }
}
